"""Onboarding a clinic: its Site, home page, Collection, settings, groups, permissions and review workflow.

`validate_clinic_input` is a pure function; `create_or_update_clinic` does nothing until the input is valid and
then writes everything in one transaction, so a failed run changes nothing and a repeated run changes nothing
more.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from pages.clinics import branding, phones
from pages.clinics.models import ClinicSettings
from pages.clinics.roles import ADMIN_ACCESS, MEDICAL_REVIEWERS, ROLES, group_name
from pages.content.home import ClinicHomePage

# A hostname is dot-separated labels of letters, digits and inner hyphens (RFC 1123), 253 characters at most.
HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_HOSTNAME_LENGTH = 253
# Group names are "<clinic> medical reviewers" and auth.Group.name holds 150 characters.
MAX_CLINIC_NAME_LENGTH = 150 - len(" medical reviewers")


class ClinicInputError(ValueError):
    """The command line asked for something impossible; the message says what and how to fix it."""


def workflow_name(clinic_name):
    return f"{clinic_name} medical review"


def normalise_hostname(hostname):
    return (hostname or "").strip().lower().rstrip(".")


def hostname_problem(hostname):
    """Why `hostname` is not a bare hostname such as 'ascpm.example.com', or None."""
    if not hostname:
        return "The hostname is empty."
    if "://" in hostname or "/" in hostname:
        return f"{hostname!r} looks like a URL; give only the hostname, e.g. 'ascpm.example.com'."
    if ":" in hostname:
        return f"{hostname!r} contains a port; pass the port with --port."
    if len(hostname) > MAX_HOSTNAME_LENGTH:
        return f"The hostname is longer than {MAX_HOSTNAME_LENGTH} characters."
    bad = [label for label in hostname.split(".") if not HOSTNAME_LABEL.match(label)]
    if bad:
        return (
            f"{hostname!r} is not a valid hostname: {bad[0]!r} must be 1-63 letters, digits or hyphens, "
            "not starting or ending with a hyphen."
        )
    return None


@dataclass
class ClinicInput:
    name: str
    hostname: str
    port: int = 80
    settings: dict = field(default_factory=dict)


def validate_clinic_input(name, hostname, port, settings_values):
    """Check and normalise the command-line input; raise ClinicInputError naming the first problem."""
    name = (name or "").strip()
    if not name:
        raise ClinicInputError("The clinic name is empty.")
    if len(name) > MAX_CLINIC_NAME_LENGTH:
        raise ClinicInputError(f"The clinic name is longer than {MAX_CLINIC_NAME_LENGTH} characters.")
    hostname = normalise_hostname(hostname)
    problem = hostname_problem(hostname)
    if problem:
        raise ClinicInputError(problem)
    if not isinstance(port, int) or not 1 <= port <= 65535:
        raise ClinicInputError(f"The port must be a whole number from 1 to 65535, not {port!r}.")
    values = {key: value for key, value in settings_values.items() if value is not None}
    if values.get("phone"):
        try:
            phones.validate_phone_number(values["phone"])
        except ValidationError as exc:
            raise ClinicInputError(f"Phone: {exc.messages[0]}") from exc
    if values.get("notification_email"):
        try:
            validate_email(values["notification_email"])
        except ValidationError as exc:
            raise ClinicInputError(f"{values['notification_email']!r} is not a valid email address.") from exc
    if "brand_colour" in values:
        try:
            branding.parse_hex(values["brand_colour"])
        except ValueError as exc:
            raise ClinicInputError(f"Brand colour: {exc}") from exc
        values["brand_colour"] = values["brand_colour"].lower()
    for key, value in values.items():
        limit = ClinicSettings._meta.get_field(key).max_length
        if limit and len(value) > limit:
            raise ClinicInputError(f"{key.replace('_', ' ').capitalize()} is longer than {limit} characters.")
    return ClinicInput(name=name, hostname=hostname, port=port, settings=values)


@dataclass
class ClinicResult:
    site: Site
    home_page: ClinicHomePage
    collection: Collection
    settings: ClinicSettings
    groups: dict
    created: bool


def create_or_update_clinic(name, hostname, port=80, **settings_values):
    """Create the clinic called `name`, or bring an existing one up to date; idempotent.

    A clinic is identified by its name (the Site's name). Raises ClinicInputError, before writing anything, for
    bad input or a hostname that another clinic already uses.
    """
    clinic = validate_clinic_input(name, hostname, port, settings_values)
    other = Site.objects.filter(hostname=clinic.hostname).exclude(site_name=clinic.name).first()
    if other is not None:
        raise ClinicInputError(
            f"The hostname {clinic.hostname!r} already belongs to the clinic {other.site_name!r}; "
            "choose another hostname or rename that clinic's site first."
        )
    with transaction.atomic():
        site = Site.objects.filter(site_name=clinic.name).select_related("root_page").first()
        created = site is None
        if created:
            home = _create_home_page(clinic.name)
            site = Site.objects.create(
                hostname=clinic.hostname, port=clinic.port, site_name=clinic.name, root_page=home
            )
        else:
            home = site.root_page.specific
            if (site.hostname, site.port) != (clinic.hostname, clinic.port):
                site.hostname, site.port = clinic.hostname, clinic.port
                site.save()
        collection = _ensure_collection(clinic.name)
        clinic_settings = _ensure_settings(site, clinic)
        groups = {role.suffix: _ensure_group(clinic.name, role, home, collection, site) for role in ROLES}
        _ensure_workflow(clinic.name, home, groups[MEDICAL_REVIEWERS.suffix])
    return ClinicResult(site, home, collection, clinic_settings, groups, created)


def _create_home_page(name):
    root = Page.get_first_root_node()
    base_slug = slugify(name) or "clinic"
    slug, n = base_slug, 1
    taken = set(root.get_children().values_list("slug", flat=True))
    while slug in taken:
        n += 1
        slug = f"{base_slug}-{n}"
    return root.add_child(instance=ClinicHomePage(title=name, slug=slug))


def _ensure_collection(name):
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def _ensure_settings(site, clinic):
    instance = ClinicSettings.objects.filter(site=site).first()
    if instance is None:
        instance = ClinicSettings(site=site, display_name=clinic.name)
    changed = instance.pk is None
    for key, value in clinic.settings.items():
        if getattr(instance, key) != value:
            setattr(instance, key, value)
            changed = True
    if changed:
        # A clinic may start without a phone number: its settings then show as incomplete until staff add one.
        instance.full_clean(exclude=[] if instance.phone else ["phone"])
        instance.save()
    return instance


def _permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _ensure_group(clinic_name, role, home, collection, site):
    group, _ = Group.objects.get_or_create(name=group_name(clinic_name, role))
    group.permissions.add(_permission(ADMIN_ACCESS))
    for permission_type in role.page_permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=home, permission=_permission(f"wagtailcore.{permission_type}_page")
        )
    for codename in role.collection_permissions:
        app_label = "wagtailimages" if codename.endswith("_image") else "wagtaildocs"
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(f"{app_label}.{codename}")
        )
    for dotted in role.site_permissions:
        GroupSitePermission.objects.get_or_create(group=group, site=site, permission=_permission(dotted))
    return group


def _ensure_workflow(clinic_name, home, reviewers):
    """Editors submit; this clinic's medical reviewers approve (and so publish) or request changes."""
    name = workflow_name(clinic_name)
    workflow, _ = Workflow.objects.get_or_create(name=name)
    task, _ = GroupApprovalTask.objects.get_or_create(name=f"{name}: approval by medical reviewers")
    task.groups.set([reviewers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
