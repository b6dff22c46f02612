"""Seals for Wagtail admin surfaces that are not per-clinic on their own (DESIGN.md section 2).

Wagtail is not multi-tenant: some admin views, filters and reports list every site's objects. Each module here seals
one family of them, and all ask `pages.clinics.scope.ClinicScope` the same question: which clinics may this user
work on? Network admins (superusers) see everything. Every seal attaches in one of two places: a hook or view-class
setting in `wagtail_hooks.py`, or a URL pattern in `urls.py` (relative to the admin root, ahead of Wagtail's admin
URLs). The private Wagtail parts they rely on are listed, with the version checked, in `wagtail_internals.py`.

| surface (what vanilla Wagtail shows of other clinics) | mechanism | module | test |
| --- | --- | --- | --- |
| page chooser: browsing and search list every page | `construct_page_chooser_queryset` hook | `shadows.page_chooser_queryset` | `tests/isolation/test_isolation.py` |
| chooser parent, chosen-multiple, move confirmation, workflow cancellation: show any page given | URL shadow: 404 unless every page id is the user's | `shadows.own_pages_only` | `tests/isolation/test_isolation.py` |
| admin API images and documents, workflow task chooser, page-types usage report: span every clinic | URL shadow: network admins only; report hidden from staff menus (`construct_reports_menu`) | `shadows.network_admin_only` | `tests/isolation/test_isolation.py` |
| bulk-action confirmations (pages, images, documents): name and select any id, "select all" is everything | URL shadow narrowing the selection, then Wagtail's view | `bulk.own_clinics_only` | `tests/isolation/test_bulk.py` |
| image and document listings' tag filter, image chooser's popular tags, tag autocomplete | Wagtail's views with the tag choices replaced, at Wagtail's paths and as the chooser's view class | `tags` | `tests/isolation/test_tags.py` |
| explorer and page-type listing filters (site, owner, edited by) | the filters' querysets wrapped once at start-up | `filters.narrow_page_listing_filters` | `tests/isolation/test_isolation.py` |
| site-history, workflow, workflow-tasks and locked-pages report filters | report view subclasses at Wagtail's paths | `filters.REPORT_VIEWS` | `tests/isolation/test_isolation.py` |
| page privacy dialog: every group of every clinic | privacy view class on Wagtail's page viewset | `filters.ClinicSetPrivacyView` | `tests/isolation/test_isolation.py` |
| patient messages: every admin view and bulk action | all lookups start from the moderated clinics' messages | `pages/patient_messages/admin/scope.py` | `tests/patient_messages/test_moderation_*.py` |
| contact-form submissions: offered to page editors of any form | `filter_form_submissions_for_user` hook, moderators only | `pages/contact/admin.py` | `tests/contact/test_contact_admin.py` |

Every admin URL Django's resolver knows is also requested with the other clinic's ids, and every listing compared
with and without the other clinic's content, by the generated matrix (`tests/isolation/test_matrix.py`).
"""  # noqa: E501 - a table reads best one row a line
