"""Users for network admins: the list's "Clinics and roles" column and filters by clinic and by role; the create
and edit forms' roles, one row per clinic (user_forms.py), given by the signed-in user's rights."""

import django_filters
from django.contrib.auth.models import Group
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.models import Site
from wagtail.users.views.users import CreateView, EditView, IndexView, UserFilterSet, UserViewSet

from pages.clinics.roles import ROLES
from pages.clinics.staff import clinic_roles
from pages.clinics.user_forms import ClinicUserCreationForm, ClinicUserEditForm


def describe_clinic_roles(groups, roles):
    """'ASCPM: editors, moderators; Spinal Diagnostics: medical reviewers' for a user's groups."""
    by_clinic = {}
    for group in groups:
        if group.pk in roles:
            entry = roles[group.pk]
            by_clinic.setdefault(entry.site.site_name, []).append(entry.role)
    return "; ".join(
        f"{name}: {', '.join(role.suffix for role in ROLES if role in held)}"
        for name, held in sorted(by_clinic.items())
    )


class ClinicUserFilterSet(UserFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = clinic_roles()
        sites = {entry.site.pk: entry.site.site_name for entry in self.roles.values()}
        self.filters["clinic"] = django_filters.ChoiceFilter(
            label="Clinic", choices=sorted(sites.items(), key=lambda item: item[1]), method=self.filter_clinic
        )
        self.filters["role"] = django_filters.ChoiceFilter(
            label="Role", choices=[(role.suffix, role.suffix) for role in ROLES], method=self.filter_role
        )

    def _groups(self, match):
        return [pk for pk, entry in self.roles.items() if match(entry)]

    def filter_clinic(self, queryset, name, value):
        groups = self._groups(lambda entry: str(entry.site.pk) == str(value))
        return queryset.filter(pk__in=Group.user_set.through.objects.filter(group_id__in=groups).values("user_id"))

    def filter_role(self, queryset, name, value):
        groups = self._groups(lambda entry: entry.role.suffix == value)
        return queryset.filter(pk__in=Group.user_set.through.objects.filter(group_id__in=groups).values("user_id"))


class ClinicUserIndexView(IndexView):
    @cached_property
    def clinic_roles(self):
        return clinic_roles(Site.objects.order_by("site_name"))

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("groups")

    @cached_property
    def columns(self):
        columns = list(super().columns)
        column = Column(
            "clinic_roles",
            label="Clinics and roles",
            accessor=lambda user: describe_clinic_roles(user.groups.all(), self.clinic_roles),
        )
        columns.insert(3, column)
        return columns


class GrantedByMixin:
    """The form learns who is signed in: what they may grant is checked there, on the server."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "granted_by": self.request.user}


class ClinicUserCreateView(GrantedByMixin, CreateView):
    pass


class ClinicUserEditView(GrantedByMixin, EditView):
    pass


class ClinicUserViewSet(UserViewSet):
    filterset_class = ClinicUserFilterSet
    index_view_class = ClinicUserIndexView
    add_view_class = ClinicUserCreateView
    edit_view_class = ClinicUserEditView

    def get_form_class(self, for_update=False):
        return ClinicUserEditForm if for_update else ClinicUserCreationForm
