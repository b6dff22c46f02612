"""Contact-form submissions in the admin: only the clinic's moderators (and network admins) read them."""

from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.ui.tables.pages import PageStatusColumn
from wagtail.contrib.forms.utils import get_form_types
from wagtail.contrib.forms.views import FormPagesListView

from pages.clinics.roles import VIEW_SUBMISSIONS
from pages.clinics.scope import ClinicDirectory, ClinicScope, clinic_of, pages_in_sites
from pages.contact.handling import new_submissions_count
from pages.contact.models import SubmissionState


def form_submissions_of_moderated_clinics(user, editable_forms):
    """Wagtail's `filter_form_submissions_for_user` hook: submissions are patients' personal data.

    Wagtail offers submissions to whoever may edit the form page; here that right moves from editors and
    reviewers to the clinic's moderators (and network admins).
    """
    if user.is_superuser:
        return editable_forms
    sites = ClinicScope.of(user).sites_for(VIEW_SUBMISSIONS)
    return pages_in_sites(sites).filter(content_type__in=get_form_types())


class NewSubmissionsColumn(Column):
    """ "3 new", linking to the form's listing of its new submissions."""

    cell_template_name = "pages/admin/contact/new_submissions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        listing = reverse("wagtailforms:list_submissions", args=[instance.pk])
        context["url"] = f"{listing}?{urlencode({'state': SubmissionState.NEW})}"
        return context


class ClinicFormPagesListView(FormPagesListView):
    """The Forms index, open to moderators, who hold no page permission.

    Wagtail's own index also demands a page permission; the list itself is scoped by get_forms_for_user, and so
    by the hook above, so editors see an empty list and moderators their clinics' forms. Its columns name each form
    by its title and clinic, with its new submissions, rather than by page type ("Contact page
    (pages.contactpage)") and parent page, and offer no page bulk actions: moderators do not edit pages.
    """

    any_permission_required = None
    # Its site and owner filters would list every clinic and its staff.
    filterset_class = None

    @cached_property
    def clinics(self):
        # Every clinic from one query, to name the clinic of each form on the page without a query per row.
        return ClinicDirectory()

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                classname="title",
                label="Form",
                url_name="wagtailforms:list_submissions",
                sort_key="title",
            ),
            Column("clinic", label="Clinic", accessor=self.clinic_name),
            NewSubmissionsColumn("new_submissions", label="New submissions"),
            DateColumn("last_submitted", label="Last submission"),
            PageStatusColumn("status", label="Status", sort_key="live"),
        ]

    def clinic_name(self, page):
        clinic = clinic_of(page, self.clinics)
        return clinic.name if clinic is not None else ""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(new_submissions=new_submissions_count(), last_submitted=Max("formsubmission__submit_time"))
        )
