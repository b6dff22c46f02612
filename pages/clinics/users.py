"""Users for network admins: the list's "Clinics and roles" column and filters by clinic and by role; the create
and edit forms' roles, one row per clinic (user_forms.py), given by the signed-in user's rights.

Someone who is not a network admin but holds Wagtail's user permissions reaches only the accounts with a role in
their own clinics, and sees only those clinics' roles: another clinic's staff answer "not found" in every view.
"""

import django_filters
from django.contrib.auth.models import Group
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.models import Site
from wagtail.users.views.users import (
    CreateView,
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    UserFilterSet,
    UserViewSet,
)

from pages.clinics.roles import ROLES
from pages.clinics.staff import clinic_roles
from pages.clinics.user_forms import (
    ClinicUserCreationForm,
    ClinicUserEditForm,
    is_network_admin,
    own_clinic_roles,
)


def manageable_users(user, users):
    """The accounts of `users` that `user` may list and change: all for a network admin, else those holding a role
    in one of the user's own clinics."""
    if is_network_admin(user):
        return users
    groups = list(own_clinic_roles(user, clinic_roles()))
    return users.filter(pk__in=Group.user_set.through.objects.filter(group_id__in=groups).values("user_id"))


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
        self.roles = own_clinic_roles(self.request.user, clinic_roles())
        if not is_network_admin(self.request.user) and "group" in self.filters:
            # Wagtail's "Group" filter lists every group of the install, other clinics' included.
            self.filters["group"].queryset = Group.objects.filter(pk__in=list(self.roles)).order_by("name")
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
        return own_clinic_roles(self.request.user, clinic_roles(Site.objects.order_by("site_name")))

    def get_base_queryset(self):
        return manageable_users(self.request.user, super().get_base_queryset()).prefetch_related("groups")

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


class ManageableUsersMixin:
    def get_queryset(self):
        return manageable_users(self.request.user, super().get_queryset())


class ClinicUserCreateView(GrantedByMixin, CreateView):
    pass


class ClinicUserEditView(ManageableUsersMixin, GrantedByMixin, EditView):
    pass


class ClinicUserDeleteView(ManageableUsersMixin, DeleteView):
    pass


class ClinicUserHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return manageable_users(self.request.user, super().get_base_object_queryset())


class ClinicUserViewSet(UserViewSet):
    filterset_class = ClinicUserFilterSet
    index_view_class = ClinicUserIndexView
    add_view_class = ClinicUserCreateView
    edit_view_class = ClinicUserEditView
    delete_view_class = ClinicUserDeleteView
    history_view_class = ClinicUserHistoryView

    def get_form_class(self, for_update=False):
        return ClinicUserEditForm if for_update else ClinicUserCreationForm
