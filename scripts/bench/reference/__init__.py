"""A small Wagtail site standing in for Wagtail's own demo (bakerydemo), whose blog page is the bench's reference.

bakerydemo cannot be downloaded here, so this is its blog built the same way: a BlogPage with title, subtitle,
introduction, hero image, a StreamField body (headings, paragraphs, images, quotes), date, tags and authors (a
snippet with a photo), under a blog index, in a base template with a menu of the site root's children (one query
per item for its dropdown, as bakerydemo's `top_menu` tag does), breadcrumbs and a footer snippet. SQLite, DEBUG
off, no page cache: like bakerydemo, it caches nothing but what Wagtail itself keeps. Its own settings; the bench
migrates and seeds it (`seed_reference`) into a temporary folder.
"""
