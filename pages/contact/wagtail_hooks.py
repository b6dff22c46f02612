"""Contact pages' admin registrations."""

from django.urls import path
from wagtail import hooks

from pages.contact.admin import ClinicFormPagesListView, form_submissions_of_moderated_clinics

hooks.register("filter_form_submissions_for_user", form_submissions_of_moderated_clinics)


@hooks.register("register_admin_urls")
def forms_index_for_moderators():
    # The same paths as Wagtail's forms index: `pages` is installed first, so these match first.
    return [
        path("forms/", ClinicFormPagesListView.as_view(), name="clinic_forms_index"),
        path("forms/results/", ClinicFormPagesListView.as_view(results_only=True), name="clinic_forms_index_results"),
    ]
