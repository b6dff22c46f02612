"""The clinic platform's one Django app: every domain is a package inside it (see the README's Layout section)."""
