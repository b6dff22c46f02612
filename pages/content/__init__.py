"""What patients read: the page types side by side (home, procedure, recovery guidance), their StreamField blocks,
the medical-review and reading-grade mixins and panels, readability and schema.org rules."""
