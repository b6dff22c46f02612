"""URL patterns placed ahead of Wagtail's admin URLs, relative to the admin root (clinic_site/urls.py includes
them under the admin's prefix, before Wagtail's own admin URLconf).

Each pattern answers an admin path itself, or checks it and hands the request to Wagtail's own view, which is
resolved from Wagtail's admin URLconf with the same relative path (shadows.wagtail_view).
"""

import re

from django.urls import path, re_path

from pages.isolation import bulk, filters, ids, shadows, tags

urlpatterns = [
    # Endpoints that would list every clinic's objects: network admins only.
    *[
        re_path(rf"^(?P<admin_path>{re.escape(prefix)}.*)$", shadows.network_admin_only)
        for prefix in shadows.NETWORK_ADMIN_ONLY_PREFIXES
    ],
    # The page chooser's chosen-multiple shows any page in ?id=: only the user's own clinics' pages.
    *[
        re_path(rf"^(?P<admin_path>{pattern})$", shadows.admin_view(shadows.own_pages_only))
        for pattern in shadows.OWN_PAGES_ONLY
    ],
    # Bulk-action confirmations: the selection must be of the user's clinics; "select all" is narrowed to them.
    re_path(
        r"^(?P<admin_path>bulk/(?P<app_label>[^/]+)/(?P<model_name>[^/]+)/(?P<action>[^/]+)/)$",
        bulk.own_clinics_only,
    ),
    # Every admin URL naming a page, image or document: another clinic's answers "not found", as a missing one does.
    *ids.urlpatterns(),
    # Tag filters and the tag autocomplete: the user's own clinics' tags only.
    path("images/", shadows.admin_view(tags.ClinicImageIndexView.as_view())),
    path("images/results/", shadows.admin_view(tags.ClinicImageIndexView.as_view(results_only=True))),
    path("documents/", shadows.admin_view(tags.ClinicDocumentIndexView.as_view())),
    path("documents/results/", shadows.admin_view(tags.ClinicDocumentIndexView.as_view(results_only=True))),
    path("tag-autocomplete/", shadows.admin_view(tags.autocomplete)),
    path(
        "tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        shadows.admin_view(tags.autocomplete),
        name="clinic_tag_model_autocomplete",
    ),
    # Reports whose filters would name other clinics' people, workflows and tasks.
    *[
        path(f"reports/{prefix}{results}", shadows.admin_view(view.as_view(results_only=bool(results))))
        for prefix, view in filters.REPORT_VIEWS.items()
        for results in ("", "results/")
    ],
]
