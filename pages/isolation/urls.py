"""URL patterns placed ahead of Wagtail's admin URLs (clinic_site/urls.py includes them first).

Each pattern answers an admin path itself, or checks it and hands the request to Wagtail's own view.
"""

import re

from django.urls import path, re_path

from pages.isolation import bulk, filters, shadows, tags

urlpatterns = [
    # Endpoints that would list every clinic's objects: network admins only.
    *[
        re_path(rf"^admin/(?P<admin_path>{re.escape(prefix)}.*)$", shadows.network_admin_only)
        for prefix in shadows.NETWORK_ADMIN_ONLY_PREFIXES
    ],
    # Views that show any page they are given: only the user's own clinics' pages.
    *[re_path(rf"^admin/(?P<admin_path>{pattern})$", shadows.own_pages_only) for pattern in shadows.OWN_PAGES_ONLY],
    # Bulk-action confirmations: the selection must be of the user's clinics; "select all" is narrowed to them.
    re_path(
        r"^admin/(?P<admin_path>bulk/(?P<app_label>[^/]+)/(?P<model_name>[^/]+)/(?P<action>[^/]+)/)$",
        bulk.own_clinics_only,
    ),
    # Tag filters and the tag autocomplete: the user's own clinics' tags only.
    path("admin/images/", shadows.admin_view(tags.ClinicImageIndexView.as_view())),
    path("admin/images/results/", shadows.admin_view(tags.ClinicImageIndexView.as_view(results_only=True))),
    path("admin/documents/", shadows.admin_view(tags.ClinicDocumentIndexView.as_view())),
    path("admin/documents/results/", shadows.admin_view(tags.ClinicDocumentIndexView.as_view(results_only=True))),
    path("admin/tag-autocomplete/", shadows.admin_view(tags.autocomplete)),
    path(
        "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        shadows.admin_view(tags.autocomplete),
        name="clinic_tag_model_autocomplete",
    ),
    # Reports whose filters would name other clinics' people, workflows and tasks.
    *[
        path(f"admin/reports/{prefix}{results}", shadows.admin_view(view.as_view(results_only=bool(results))))
        for prefix, view in filters.REPORT_VIEWS.items()
        for results in ("", "results/")
    ],
]
