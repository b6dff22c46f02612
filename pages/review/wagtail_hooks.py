"""Medical review's admin registrations: the report, its menu item, the dashboard panels, the recorded review's audit
entry and the refusal to bulk-publish clinical pages that have no recorded review."""

from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

from pages.content import review_workflow
from pages.content.mixins import NOT_REVIEWED
from pages.review.panels import AwaitingReviewPanel, ClinicalReviewPanel
from pages.review.queries import can_review_clinical_pages
from pages.review.report import (
    REPORT_RESULTS_URL_NAME,
    REPORT_URL_NAME,
    ClinicalReviewMenuItem,
    ClinicalReviewReportView,
)
from pages.review.schedule import SCHEDULE_RESULTS_URL_NAME, SCHEDULE_URL_NAME, ReviewScheduleView


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
        path("reports/clinical-review-schedule/", ReviewScheduleView.as_view(), name=SCHEDULE_URL_NAME),
        path(
            "reports/clinical-review-schedule/results/",
            ReviewScheduleView.as_view(results_only=True),
            name=SCHEDULE_RESULTS_URL_NAME,
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


@hooks.register("register_reports_menu_item")
def clinical_review_schedule_menu_item():
    return ClinicalReviewMenuItem(
        "Clinical review schedule",
        reverse(SCHEDULE_URL_NAME),
        name="clinical-review-schedule",
        icon_name="date",
        order=601,
    )


@hooks.register("construct_homepage_panels")
def clinical_review_dashboard_panel(request, panels):
    if can_review_clinical_pages(request.user):
        panels.append(ClinicalReviewPanel())
    # Wagtail's "awaiting your review" panel, without a query per clinic's review task.
    panels[:] = [
        AwaitingReviewPanel() if panel.name == WorkflowObjectsToModeratePanel.name else panel for panel in panels
    ]


hooks.register("register_log_actions", review_workflow.register_log_actions)


@hooks.register("before_publish_page")
def log_review_recorded_on_publish(request, page):
    # The editor's form recorded the review (review_forms.py); the page now has its revision and, when new, its id.
    user = getattr(page, "_review_recorded_by", None)
    if user is not None:
        review_workflow.log_review(page, user, page.get_latest_revision())
        page._review_recorded_by = None


@hooks.register("before_bulk_action")
def refuse_bulk_publish_without_review(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    unreviewed = [
        page
        for page in objects
        if review_workflow.is_clinical(page.specific_deferred) and not review_workflow.has_recorded_review(page)
    ]
    if not unreviewed:
        return None
    titles = ", ".join(f"'{page.get_admin_display_title()}'" for page in unreviewed)
    messages.error(request, f"Nothing was published: {titles} has no medical review yet. {NOT_REVIEWED}")
    # Back to the confirmation page (its selection in the query string), which shows the message.
    return redirect(request.get_full_path())
