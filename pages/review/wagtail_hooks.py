"""Medical review's admin registrations: the report, its menu item and the dashboard panels."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

from pages.review.panels import AwaitingReviewPanel, ClinicalReviewPanel
from pages.review.queries import can_review_clinical_pages
from pages.review.report import (
    REPORT_RESULTS_URL_NAME,
    REPORT_URL_NAME,
    ClinicalReviewMenuItem,
    ClinicalReviewReportView,
)


@hooks.register("register_admin_urls")
def clinical_review_report_urls():
    # The view checks permissions itself; the "results" URL serves the listing when filters change.
    return [
        path("reports/clinical-review/", ClinicalReviewReportView.as_view(), name=REPORT_URL_NAME),
        path(
            "reports/clinical-review/results/",
            ClinicalReviewReportView.as_view(results_only=True),
            name=REPORT_RESULTS_URL_NAME,
        ),
    ]


@hooks.register("register_reports_menu_item")
def clinical_review_report_menu_item():
    return ClinicalReviewMenuItem(
        "Clinical pages due for review",
        reverse(REPORT_URL_NAME),
        name="clinical-review",
        icon_name="calendar-check",
        # First in Reports: Wagtail's own reports start at 700.
        order=600,
    )


@hooks.register("construct_homepage_panels")
def clinical_review_dashboard_panel(request, panels):
    if can_review_clinical_pages(request.user):
        panels.append(ClinicalReviewPanel())
    # Wagtail's "awaiting your review" panel, without a query per clinic's review task.
    panels[:] = [
        AwaitingReviewPanel() if panel.name == WorkflowObjectsToModeratePanel.name else panel for panel in panels
    ]
