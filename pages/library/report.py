"""Reports → "Library updates waiting": the adopted copies whose library master has a newer reviewed version.

Per clinic, and a clinic's staff see their own clinics' copies only (access.own_adoptions).
"""

from django.db.models import F
from django.http import Http404
from django.urls import reverse
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from pages.library.access import may_read_library, own_adoptions
from pages.library.notifications import COMPARE_URL_NAME
from pages.security import neutralise_spreadsheet_formula

REPORT_URL_NAME = "pages_library_updates"
REPORT_RESULTS_URL_NAME = "pages_library_updates_results"


def waiting_adoptions(user):
    """The user's clinics' adoptions whose master was published again since the copy was last settled with it."""
    return (
        own_adoptions(user)
        .filter(master__live_revision__isnull=False)
        .exclude(master__live_revision=F("master_revision"))
        .select_related("site", "page", "master")
    )


class LibraryUpdatesReportView(ReportView):
    page_title = "Library updates waiting"
    header_icon = "doc-full-inverse"
    index_url_name = REPORT_URL_NAME
    index_results_url_name = REPORT_RESULTS_URL_NAME
    paginate_by = 50
    columns = [
        TitleColumn(
            "page_title",
            label="Your page",
            accessor=lambda adoption: adoption.page.get_admin_display_title(),
            get_url=lambda adoption: reverse(COMPARE_URL_NAME, args=[adoption.pk]),
        ),
        Column("clinic", label="Clinic", accessor=lambda adoption: adoption.site.site_name),
        Column("master", label="Library page", accessor=lambda adoption: adoption.master.title),
        Column("published", label="Library version published", accessor=lambda a: a.master.last_published_at),
    ]
    list_export = ["clinic_name", "page_name", "master_name"]
    export_headings = {"clinic_name": "Clinic", "page_name": "Your page", "master_name": "Library page"}
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        str: {ReportView.FORMAT_CSV: neutralise_spreadsheet_formula},
    }

    def dispatch(self, request, *args, **kwargs):
        if not may_read_library(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return waiting_adoptions(self.request.user).order_by("site__site_name", "page__title", "pk")

    def get_filename(self):
        return "library-updates-waiting"

    @property
    def no_results_message(self):
        return "No library updates are waiting for your clinics."

    def decorate_paginated_queryset(self, object_list):
        for adoption in object_list:
            adoption.clinic_name = adoption.site.site_name
            adoption.page_name = adoption.page.title
            adoption.master_name = adoption.master.title
        return object_list
