"""Admin customisation, registered as Wagtail hooks."""

from wagtail import hooks
from wagtail.contrib.forms.utils import get_form_types

from pages.permissions import clinic_sites_for, pages_in_sites

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
