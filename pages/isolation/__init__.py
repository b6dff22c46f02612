"""Seals for Wagtail admin surfaces that are not per-site on their own (DESIGN.md section 2).

Wagtail is not multi-tenant: some admin views, filters and reports list every site's objects. Each module here seals
one family of them, and they all ask `pages.permissions` the same question: which clinics may this user work on?
Network admins (superusers) see everything.

- `shadows`: admin URLs answered for network admins only, and URLs that must name the user's own pages.
- `bulk`: bulk-action confirmation pages, limited to the user's clinics.
- `tags`: tag filters, the image chooser's tag suggestions and the tag autocomplete, limited to the user's clinics.
- `urls`: the URL patterns that put the seals in front of Wagtail's admin URLs (included by clinic_site/urls.py).

Hooks are registered in pages/wagtail_hooks.py.
"""
