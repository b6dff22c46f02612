"""Contact-form submissions in the admin: only the clinic's moderators (and network admins) read them."""

from wagtail.contrib.forms.utils import get_form_types
from wagtail.contrib.forms.views import FormPagesListView

from pages.clinics.roles import VIEW_SUBMISSIONS
from pages.clinics.scope import ClinicScope, pages_in_sites


def form_submissions_of_moderated_clinics(user, editable_forms):
    """Wagtail's `filter_form_submissions_for_user` hook: submissions are patients' personal data.

    Wagtail offers submissions to whoever may edit the form page; here that right moves from editors and
    reviewers to the clinic's moderators (and network admins).
    """
    if user.is_superuser:
        return editable_forms
    sites = ClinicScope.of(user).sites_for(VIEW_SUBMISSIONS)
    return pages_in_sites(sites).filter(content_type__in=get_form_types())


class ClinicFormPagesListView(FormPagesListView):
    """The Forms index, open to moderators, who hold no page permission.

    Wagtail's own index also demands a page permission; the list itself is scoped by get_forms_for_user, and so
    by the hook above, so editors see an empty list and moderators their clinics' forms.
    """

    any_permission_required = None
    # Its site and owner filters would list every clinic and its staff.
    filterset_class = None
