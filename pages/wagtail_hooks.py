"""Admin customisation, registered as Wagtail hooks."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.admin.viewsets.pages import base_page_viewset
from wagtail.contrib.forms.utils import get_form_types
from wagtail.contrib.forms.views import FormPagesListView
from wagtail.images.views.chooser import viewset as image_chooser_viewset
from wagtail.permissions import policy_registry, register_permission_policy

from pages.data_care import register_log_actions as register_data_care_log_actions
from pages.isolation import filters, shadows, tags
from pages.models import PatientMessage
from pages.permissions import clinic_sites_for, pages_in_sites
from pages.views.admin import (
    REPORT_RESULTS_URL_NAME,
    REPORT_URL_NAME,
    ClinicalReviewMenuItem,
    ClinicalReviewPanel,
    ClinicalReviewReportView,
    can_review_clinical_pages,
)
from pages.views.dashboard import AwaitingReviewPanel
from pages.views.messages_bulk import BULK_ACTIONS
from pages.views.messages_listing import PatientMessagesPanel
from pages.views.messages_moderation import PatientMessagePermissionPolicy
from pages.views.messages_moderation import register_log_actions as register_message_log_actions
from pages.viewsets import patient_message_viewset

# Before anything asks the registry for PatientMessage's policy (the viewset does when it registers), or Wagtail
# creates and fixes a global, all-clinics ModelPermissionPolicy for it.
register_permission_policy(PatientMessage, PatientMessagePermissionPolicy(PatientMessage))

FORM_SUBMISSIONS_PERMISSION = "wagtailforms.view_formsubmission"


@hooks.register("filter_form_submissions_for_user")
def form_submissions_of_moderated_clinics(user, editable_forms):
    """Contact-form submissions are patients' personal data: only their clinic's moderators see them.

    Wagtail offers submissions to whoever may edit the form page; here that right moves from editors and
    reviewers to the clinic's moderators (and network admins).
    """
    if user.is_superuser:
        return editable_forms
    sites = clinic_sites_for(user, FORM_SUBMISSIONS_PERMISSION)
    return pages_in_sites(sites).filter(content_type__in=get_form_types())


class ClinicFormPagesListView(FormPagesListView):
    """The Forms index, open to moderators, who hold no page permission.

    Wagtail's own index also demands a page permission; the list itself is scoped by get_forms_for_user, and so
    by the hook above, so editors see an empty list and moderators their clinics' forms.
    """

    any_permission_required = None
    # Its site and owner filters would list every clinic and its staff.
    filterset_class = None


@hooks.register("register_admin_urls")
def forms_index_for_moderators():
    # The same paths as Wagtail's forms index: `pages` is installed first, so these match first.
    return [
        path("forms/", ClinicFormPagesListView.as_view(), name="clinic_forms_index"),
        path("forms/results/", ClinicFormPagesListView.as_view(results_only=True), name="clinic_forms_index_results"),
    ]


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


@hooks.register("register_admin_viewset")
def register_patient_message_viewset():
    return patient_message_viewset


hooks.register("register_log_actions", register_message_log_actions)
hooks.register("register_log_actions", register_data_care_log_actions)

for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("construct_homepage_panels")
def patient_messages_dashboard_panel(request, panels):
    # Answered from the user's site permissions, which the admin menu has already loaded and cached on the user.
    if policy_registry.get_by_type(PatientMessage).user_has_permission(request.user, "change"):
        panels.append(PatientMessagesPanel())


# Wagtail's page chooser lists every site's pages; staff choose only within their own clinics.
hooks.register("construct_page_chooser_queryset", shadows.page_chooser_queryset)

# The image chooser suggests the user's own clinics' popular tags (pages/isolation/tags.py). Set before Wagtail
# builds the chooser's URLs, which happens when the admin URLconf is first loaded, after every hooks module.
image_chooser_viewset.choose_view_class = tags.ClinicImageChooseView

# The explorer's and page-type listing's filters, and the page privacy form's groups, offer only the user's clinics'
# sites, people and groups (pages/isolation/filters.py).
filters.narrow_page_listing_filters()
base_page_viewset.set_privacy_view_class = filters.ClinicSetPrivacyView


@hooks.register("construct_reports_menu")
def hide_network_reports(request, menu_items):
    """The page-types usage report spans every clinic: network admins only (pages/isolation/filters.py)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
