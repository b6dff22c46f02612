"""The Clinicians admin: listing, create, edit, inspect, delete, history, usage, each scoped to the user's clinics."""

from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Permission
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

from pages.clinics.admin.forms import ClinicianForm
from pages.clinics.admin.scope import ScopedClinicianMixin, reviewed_pages
from pages.clinics.clinicians import Clinician

REVIEWED_PAGES_NAMED = 10


class ClinicianFormMixin(ScopedClinicianMixin):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "clinician_scope": self.clinician_scope}


class ClinicianIndexView(ScopedClinicianMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.get_scoped_queryset().select_related("site")

    @cached_property
    def list_display(self):
        columns = ["name", "credentials", "role", "show_on_team_page"]
        if len(self.clinician_scope.clinics()) > 1:
            names = self.clinician_scope.names
            columns.insert(3, Column("clinic", label="Clinic", accessor=lambda row: names.get(row.site_id, "")))
        return columns


class ClinicianCreateView(ClinicianFormMixin, generic.CreateView):
    pass


class ClinicianEditView(ClinicianFormMixin, generic.EditView):
    scope_actions = ("change",)

    def get_queryset(self):
        return self.get_scoped_queryset()


class ClinicianInspectView(ScopedClinicianMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.get_scoped_queryset(), pk=unquote(str(self.pk)))


class ClinicianDeleteView(ScopedClinicianMixin, generic.DeleteView):
    """Deleting a reviewer is allowed; the pages they review keep their content and lose their reviewer (SET_NULL).

    The confirmation names those pages, so the clinic knows which to give another reviewer.
    """

    scope_actions = ("delete",)

    def get_queryset(self):
        return self.get_scoped_queryset()

    @property
    def confirmation_message(self):
        pages = reviewed_pages(self.object)
        if not pages:
            return f"Are you sure you want to delete {self.object.name}?"
        titles = ", ".join(f"'{page.title}'" for page in pages[:REVIEWED_PAGES_NAMED])
        more = len(pages) - REVIEWED_PAGES_NAMED
        if more > 0:
            titles += f" and {more} more"
        return (
            f"{self.object.name} is the medical reviewer of {len(pages)} page(s): {titles}. Deleting them leaves "
            "those pages without a reviewer until you choose another one. Are you sure?"
        )


class ClinicianHistoryView(ScopedClinicianMixin, HistoryView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class ClinicianUsageView(ScopedClinicianMixin, UsageView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class ClinicianViewSet(ModelViewSet):
    """A clinic's clinicians, for its editors and medical reviewers (site permissions from create_clinic)."""

    model = Clinician
    icon = "group"
    menu_label = "Clinicians"
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = True
    # A copy would repeat the clinician's name, which is unique per clinic.
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["name", "credentials", "role"]
    search_backend_name = None
    form_class = ClinicianForm

    index_view_class = ClinicianIndexView
    add_view_class = ClinicianCreateView
    edit_view_class = ClinicianEditView
    inspect_view_class = ClinicianInspectView
    delete_view_class = ClinicianDeleteView
    history_view_class = ClinicianHistoryView
    usage_view_class = ClinicianUsageView

    def get_permissions_to_register(self):
        # Ticked in Groups → Object permissions, a permission would be global (every clinic's clinicians); clinics'
        # groups get theirs per Site from create_clinic (pages/clinics/roles.py).
        return Permission.objects.none()

    def get_form_class(self, for_update=False):
        return ClinicianForm


clinician_viewset = ClinicianViewSet("clinicians", url_prefix="clinicians")
