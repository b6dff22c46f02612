"""Who staffs which clinic: the one mapping from a clinic's groups to (clinic, role).

A clinic's groups are those named `group_name(site.site_name, role)` for each role of ROLES (as `create_clinic`
names them); any other group belongs to no clinic.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from wagtail.models import Site

from pages.clinics.roles import ROLES, group_name


@dataclass(frozen=True)
class ClinicRole:
    site: Site
    role: object
    group: Group


def clinic_roles(sites=None):
    """{group id: ClinicRole} for every clinic group of `sites` (default: every Site). Two queries."""
    sites = list(Site.objects.order_by("site_name", "hostname") if sites is None else sites)
    wanted = {group_name(site.site_name, role): (site, role) for site in sites for role in ROLES}
    return {
        group.pk: ClinicRole(*wanted[group.name], group)
        for group in Group.objects.filter(name__in=wanted).order_by("name")
    }
