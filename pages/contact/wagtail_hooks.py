"""Contact pages' admin registrations."""

from django.urls import path
from wagtail import hooks

from pages.contact import handling
from pages.contact.admin import ClinicFormPagesListView, form_submissions_of_moderated_clinics
from pages.contact.dashboard import ContactSubmissionsPanel
from pages.contact.models import ContactPage
from pages.contact.submissions import (
    ContactSubmissionsListView,
    ContactSubmissionsStateView,
    ContactSubmissionStateView,
    ContactSubmissionView,
)

hooks.register("filter_form_submissions_for_user", form_submissions_of_moderated_clinics)
hooks.register("register_log_actions", handling.register_log_actions)

# Wagtail's "Form data" listing of a contact page, with each submission's state and a link to it. Set here because
# a page type may not import the admin (tests/layout.py).
ContactPage.submissions_list_view_class = ContactSubmissionsListView


@hooks.register("register_admin_urls")
def forms_index_for_moderators():
    # The same paths as Wagtail's forms index: `pages` is installed first, so these match first.
    return [
        path("forms/", ClinicFormPagesListView.as_view(), name="clinic_forms_index"),
        path("forms/results/", ClinicFormPagesListView.as_view(results_only=True), name="clinic_forms_index_results"),
        path("forms/submission/<int:pk>/", ContactSubmissionView.as_view(), name="contact_submission"),
        path("forms/submission/<int:pk>/state/", ContactSubmissionStateView.as_view(), name="contact_submission_state"),
        path(
            "forms/submissions/<int:page_id>/state/",
            ContactSubmissionsStateView.as_view(),
            name="contact_submissions_state",
        ),
    ]


@hooks.register("construct_homepage_panels")
def contact_submissions_dashboard_panel(request, panels):
    # The panel renders nothing for users who may read no form's submissions.
    panels.append(ContactSubmissionsPanel())
