"""Public views that are not Wagtail pages: health check, per-clinic search, sitemap.xml and robots.txt."""
