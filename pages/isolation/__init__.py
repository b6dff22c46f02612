"""Seals for Wagtail admin surfaces that are not per-clinic on their own (DESIGN.md section 2).

Wagtail is not multi-tenant: some admin views, filters and reports list every site's objects. Each module here seals
one family of them, and all ask `pages.clinics.scope.ClinicScope` the same question: which clinics may this user
work on? Network admins (superusers) see everything. Every seal attaches in one of three places: a hook or view-class
setting in `wagtail_hooks.py`; a URL pattern in `urls.py` (relative to the admin root, ahead of Wagtail's admin
URLs); or, for public documents and password forms, a URL pattern in `public.py` (at the site root, ahead of
Wagtail's). The model-level rule on references lives with the records it guards (`pages/clinics/references.py`).
The private Wagtail parts the seals rely on are listed, with the version checked, in `wagtail_internals.py`.

| surface (what vanilla Wagtail shows of other clinics) | mechanism | module | test |
| --- | --- | --- | --- |
| page chooser: browsing and search list every page | `construct_page_chooser_queryset` hook | `shadows.page_chooser_queryset` | `tests/isolation/test_isolation.py` |
| page chooser's chosen-multiple: shows any page given in `?id=` | URL shadow: the admin's 404 unless every page id is the user's | `shadows.own_pages_only` | `tests/isolation/test_isolation.py` |
| every admin URL with a page, image or document id (edit, delete, copy, move, history, revisions, previews, workflow actions, chooser parent, form submissions, image and document views): another clinic's id is "no permission", a missing one 404 | URL shadows generated from Wagtail's admin URL patterns by parameter name: the admin's 404 for ids outside the user's clinics, then Wagtail's view | `ids.same_as_missing` | `tests/isolation/test_same_as_missing.py` |
| copy, move and choose-parent forms: name the posted destination page ("You do not have permission to copy to page ..."), a missing one a server error | the same shadows: the posted page must be one the user knows, for network admins too | `ids.POSTED_PAGE_FIELDS` | `tests/isolation/test_same_as_missing.py` |
| document downloads and private-document password forms: served on every host | URL shadow ahead of Wagtail's (clinic_site/urls.py): only on the host of the clinic whose collection holds it; platform hosts for network admins only | `public.serve_document`, `public.document_password` | `tests/isolation/test_documents.py`, `tests/isolation/test_public_routes.py` |
| private-page password form: answers any clinic's page on any host | URL shadow ahead of Wagtail's (clinic_site/urls.py): page and restriction of the host's clinic only | `public.page_password` | `tests/isolation/test_documents.py` |
| admin API images and documents, workflow task chooser, page-types usage report: span every clinic | URL shadow: network admins only; report hidden from staff menus (`construct_reports_menu`) | `shadows.network_admin_only` | `tests/isolation/test_isolation.py` |
| bulk-action confirmations (pages, images, documents): name and select any id, "select all" is everything | URL shadow narrowing the selection, then Wagtail's view | `bulk.own_clinics_only` | `tests/isolation/test_bulk.py` |
| image and document listings' tag filter, image chooser's popular tags, tag autocomplete | Wagtail's views with the tag choices replaced, at Wagtail's paths and as the chooser's view class | `tags` | `tests/isolation/test_tags.py` |
| explorer and page-type listing filters (site, owner, edited by) | the filters' querysets wrapped once at start-up | `filters.narrow_page_listing_filters` | `tests/isolation/test_isolation.py` |
| site-history, workflow, workflow-tasks and locked-pages report filters | report view subclasses at Wagtail's paths | `filters.REPORT_VIEWS` | `tests/isolation/test_isolation.py` |
| page privacy dialog: every group of every clinic | privacy view class on Wagtail's page viewset | `filters.ClinicSetPrivacyView` | `tests/isolation/test_isolation.py` |
| page privacy "any logged-in users": every clinic's staff see the page | `before_serve_page` hook: other clinics' staff sent to sign in; the dialog's option relabelled | `privacy.refuse_other_clinics_staff` | `tests/isolation/test_privacy.py` |
| CSV exports (form submissions, reports, listings): cells run as spreadsheet formulas | Wagtail's export mixin wrapped once at start-up | `exports.guard_spreadsheet_exports` | `tests/test_exports.py` |
| copy and move into another clinic: Wagtail saves without model validation, so a page would carry its clinic's images and links along | `before_copy_page` and `before_move_page` hooks apply the reference rule against the destination's clinic, subpages included | `moves` | `tests/isolation/test_references.py` |
| patient messages: every admin view and bulk action | all lookups start from the moderated clinics' messages | `pages/patient_messages/admin/scope.py` | `tests/patient_messages/test_moderation_*.py` |
| clinicians: every admin view (listing, edit, inspect, delete, history, usage), the clinic, staff-account and photo choices | all lookups start from the clinics where the user holds the action's site permission; clinic set on the server for one-clinic users; staff account and photo checked by the model; the photo chooser lists the clinician's clinic's images | `pages/clinics/admin/scope.py`, `pages/clinics/admin/forms.py`, `pages/clinics/admin/photos.py` | `tests/clinics/test_clinicians_admin.py`, `tests/isolation/test_matrix.py` |
| page reviewer: any clinic's clinician id | the reference rule's "clinician" kind (checked against the page's clinic's Site); the page form offers only the clinic's clinicians | `pages/clinics/references.py`, `pages/content/references.py` | `tests/clinics/test_clinicians_admin.py` |
| contact-form submissions: offered to page editors of any form | `filter_form_submissions_for_user` hook, moderators only | `pages/contact/admin.py` | `tests/contact/test_contact_admin.py` |
| chooser and rich-text values (hero image, logo, image blocks, page and document links, embedded images): any clinic's id is saved, previewed and published | model validation (`clean_fields`) reading Wagtail's reference extraction, for every user; admin forms shown again without the refused item; previews of stored revisions refused | `pages/clinics/references.py` (`ClinicReferencesMixin`), `pages/content/references.py` (`PageReferencesMixin`) | `tests/isolation/test_references.py`, `tests/isolation/test_form_values.py` |

Every admin URL Django's resolver knows is also requested with the other clinic's ids, and every listing compared
with and without the other clinic's content, by the generated matrix (`tests/isolation/test_matrix.py`).
"""  # noqa: E501 - a table reads best one row a line
