"""Moving a clinic's WordPress site in: its export read safely, mapped to pages, media, messages and redirects.

reader.py streams the export (WXR 1.0-1.2) without ever resolving an entity; blocks.py turns post content into the
page's blocks; importer.py, comments.py and old_links.py write the clinic's pages, media, patient messages and
redirects; report.py counts what happened; models.py remembers which WordPress id became which object, so a second
run updates instead of duplicating; middleware.py answers the old `/?p=ID` links on the site root.
"""
