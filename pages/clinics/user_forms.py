"""The user form's roles: one row per clinic ("ASCPM: editor / medical reviewer / moderator"), not a flat list.

The checkboxes are still the clinics' role groups (clinics/staff.py maps each group to its clinic and role), so a
saved form gives the user exactly the groups `create_clinic` grants permissions to. Groups that are no clinic's role
(Wagtail's own "Editors", a team's group) are offered to network admins under "Other groups" and kept as they are
for anyone else.

Who may grant what is decided here, on the server: a network admin (superuser) any group; anyone else who may manage
users only the roles of the clinics they work in themselves. Roles of other clinics are neither offered nor accepted,
and those the edited user already holds there, like their other groups, are kept.
"""

from django import forms
from django.contrib.auth.models import Group
from wagtail.users.forms import UserCreationForm, UserEditForm

from pages.clinics.roles import EDITORS, MEDICAL_REVIEWERS, MODERATORS
from pages.clinics.scope import ClinicScope
from pages.clinics.staff import clinic_roles

# How one role reads in a clinic's row.
ROLE_LABELS = {EDITORS: "editor", MEDICAL_REVIEWERS: "medical reviewer", MODERATORS: "moderator"}
OTHER_GROUPS = "Other groups"
NOT_YOUR_CLINIC = "You can give roles only in the clinics you work in yourself."
ROLES_HELP = (
    "Tick what the user does in each clinic: editors draft pages, medical reviewers approve and publish them, "
    "moderators answer patient messages and contact-form submissions."
)


class ClinicRolesWidget(forms.CheckboxSelectMultiple):
    """The role checkboxes as one fieldset per clinic, the clinic's name as its legend."""

    template_name = "pages/admin/clinics/roles_widget.html"


def is_network_admin(user):
    return user is not None and user.is_active and user.is_superuser


def own_clinic_roles(user, roles):
    """The part of `roles` ({group id: ClinicRole}, from `clinic_roles()`) that `user` may see and manage: all of it
    for a network admin, else the roles of the clinics where the user holds any role themselves."""
    if is_network_admin(user):
        return roles
    if user is None or not user.is_active:
        return {}
    own_sites = set(ClinicScope.of(user).sites().values_list("pk", flat=True))
    return {pk: entry for pk, entry in roles.items() if entry.site.pk in own_sites}


def grantable_groups(user, roles):
    """The groups `user` may give or take away: every group for a network admin, else their own clinics' roles."""
    if is_network_admin(user):
        return Group.objects.order_by("name")
    return Group.objects.filter(pk__in=list(own_clinic_roles(user, roles)))


def role_choices(groups, roles):
    """Grouped choices: (clinic name, [(group id, role label)]) per clinic by name, then the other groups."""
    by_clinic, others = {}, []
    for group in groups:
        entry = roles.get(group.pk)
        if entry is None:
            others.append((group.pk, group.name))
        else:
            by_clinic.setdefault((entry.site.site_name, entry.site.pk), []).append(entry)
    choices = [
        (name, [(entry.group.pk, ROLE_LABELS.get(entry.role, entry.role.suffix)) for entry in sorted_by_role(entries)])
        for (name, _pk), entries in sorted(by_clinic.items())
    ]
    if others:
        choices.append((OTHER_GROUPS, sorted(others, key=lambda choice: choice[1])))
    return choices


def sorted_by_role(entries):
    order = list(ROLE_LABELS)
    return sorted(entries, key=lambda entry: order.index(entry.role) if entry.role in order else len(order))


class ClinicRolesFormMixin:
    """Replaces Wagtail's flat "Groups" checkboxes with the clinics' role rows; `granted_by` is the signed-in user."""

    def __init__(self, *args, granted_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.granted_by = granted_by
        roles = clinic_roles()
        grantable = list(grantable_groups(granted_by, roles))
        field = forms.ModelMultipleChoiceField(
            queryset=Group.objects.filter(pk__in=[group.pk for group in grantable]),
            required=False,
            label="Roles in each clinic",
            help_text=ROLES_HELP,
            widget=ClinicRolesWidget,
            error_messages={"invalid_choice": NOT_YOUR_CLINIC, "invalid_pk_value": NOT_YOUR_CLINIC},
        )
        field.choices = role_choices(grantable, roles)
        self.fields["groups"] = field
        if self.instance.pk:
            self.initial["groups"] = [group.pk for group in self.instance.groups.all()]
        # Making someone a network admin is granting every clinic: only network admins may.
        if not is_network_admin(granted_by):
            self.fields.pop("is_superuser", None)

    def clean_groups(self):
        chosen = list(self.cleaned_data["groups"])
        if not self.instance.pk:
            return chosen
        # What the signed-in user may not change stays as it is: other clinics' roles, groups not offered.
        offered = set(self.fields["groups"].queryset.values_list("pk", flat=True))
        kept = [group for group in self.instance.groups.all() if group.pk not in offered]
        return chosen + kept


class ClinicUserCreationForm(ClinicRolesFormMixin, UserCreationForm):
    pass


class ClinicUserEditForm(ClinicRolesFormMixin, UserEditForm):
    pass
