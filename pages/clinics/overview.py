"""The network admins' Clinics overview: one row per clinic, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.admin.menu import MenuItem
from wagtail.models import Page, Site

from pages.clinics.models import ClinicSettings
from pages.clinics.staff import clinic_roles
from pages.content.home import ClinicHomePage
from pages.patient_messages.models import PatientMessage
from pages.review.queries import pages_due_for_review

URL_NAME = "clinics_overview"

# The settings a clinic needs before it goes live: (field, label).
REQUIRED_SETTINGS = (
    ("display_name", "display name"),
    ("phone", "phone"),
    ("address", "address"),
    ("notification_email", "notification email"),
    ("privacy_page_id", "privacy page"),
)


@dataclass(frozen=True)
class ClinicRow:
    site: Site
    staff_count: int
    missing_settings: tuple
    due_for_review: int
    pending_messages: int
    last_published_at: object

    @property
    def settings_complete(self):
        return not self.missing_settings


def _last_published(sites):
    tree = Page.objects.filter(path__startswith=OuterRef("root_page__path"), depth__gte=OuterRef("root_page__depth"))
    # Never-published pages have no date: PostgreSQL would sort those NULLs first.
    newest = tree.filter(last_published_at__isnull=False).order_by("-last_published_at")
    newest = newest.values("last_published_at")[:1]
    return sites.annotate(last_publish=Subquery(newest))


def clinic_sites():
    """The Sites whose root is a ClinicHomePage: the clinics."""
    home_type = ContentType.objects.get_for_model(ClinicHomePage)
    return Site.objects.filter(root_page__content_type=home_type).select_related("root_page").order_by("site_name")


def clinic_rows(user, today=None):
    """Every clinic's row. Six queries, whatever the number of clinics."""
    today = today or timezone.localdate()
    sites = list(_last_published(clinic_sites()))
    roles = clinic_roles(sites)
    members = defaultdict(set)
    memberships = get_user_model().groups.through.objects.filter(group_id__in=roles, user__is_active=True)
    for user_id, group_id in memberships.values_list("user_id", "group_id"):
        members[roles[group_id].site.pk].add(user_id)
    settings_of = {item.site_id: item for item in ClinicSettings.objects.filter(site__in=sites)}
    pending = dict(
        PatientMessage.objects.pending().order_by().values("site").annotate(n=Count("pk")).values_list("site", "n")
    )
    due_paths = list(pages_due_for_review(user, today).values_list("path", flat=True))
    rows = []
    for site in sites:
        root_path = site.root_page.path
        instance = settings_of.get(site.pk)
        missing = tuple(label for field, label in REQUIRED_SETTINGS if instance is None or not getattr(instance, field))
        rows.append(
            ClinicRow(
                site=site,
                staff_count=len(members[site.pk]),
                missing_settings=missing,
                due_for_review=sum(1 for path in due_paths if path.startswith(root_path)),
                pending_messages=pending.get(site.pk, 0),
                last_published_at=site.last_publish,
            )
        )
    return rows


def clinics_overview(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    return TemplateResponse(
        request,
        "pages/admin/clinics/overview.html",
        {"rows": clinic_rows(request.user), "page_title": "Clinics", "header_icon": "site"},
    )


class ClinicsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser
