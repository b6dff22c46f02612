"""Which messages an admin view may show: those of the clinics the user moderates, and nothing else.

Wagtail's generic views check "has this permission on any clinic", never "on this message's clinic", so every admin
view of messages starts from `ModeratorScope.messages()`, built on the request's ClinicScope. A message of another
clinic is then a 404, whatever the URL.
"""

from django.contrib.admin.utils import quote
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.models import Page

from pages.clinics.roles import MODERATE_MESSAGES
from pages.clinics.scope import ClinicScope, pages_in_sites
from pages.patient_messages.models import PatientMessage

VIEWSET_NAME = "patient_messages"
EXCERPT_LENGTH = 120
# Searched with plain icontains queries: adding messages to a search index would copy health data into another table.
SEARCH_FIELDS = ["author_name", "body"]
# Up to this many clinics, the page filter offers every page of theirs that has messages; beyond, a clinic's pages
# once that clinic is chosen.
TREE_FILTER_MAX_CLINICS = 20


def url_name(view):
    return f"{VIEWSET_NAME}:{view}"


class ModeratorScope:
    """The clinics one user moderates (one query, kept by the ClinicScope for the request) and their messages."""

    def __init__(self, user):
        self.clinics = ClinicScope.of(user).clinics_for(MODERATE_MESSAGES)
        self.site_ids = sorted(clinic.pk for clinic in self.clinics)

    def __bool__(self):
        return bool(self.clinics)

    def messages(self):
        """Every message the user may see and moderate (an empty queryset for users who moderate nothing)."""
        return PatientMessage.objects.filter(site_id__in=self.site_ids)

    def clinic_name(self, site_id):
        return next((clinic.name for clinic in self.clinics if clinic.pk == site_id), "")

    def page_choices(self, clinic_id=None, page_id=None):
        """(page id, label) of the pages that have messages in these clinics (or in `clinic_id`): one query.

        It walks the clinics' pages (a few per clinic) and asks the index of each whether it has a message, instead
        of reading every message to find their distinct pages. Past TREE_FILTER_MAX_CLINICS clinics (a network
        admin), every clinic's pages would be thousands of choices, slow to render and of no use: they choose a
        clinic first, and a page already chosen (`page_id`, from a link) stays a choice.
        """
        clinics = self.clinics
        if len(clinics) > TREE_FILTER_MAX_CLINICS and clinic_id:
            clinics = [clinic for clinic in clinics if clinic.pk == clinic_id]
        if len(clinics) <= TREE_FILTER_MAX_CLINICS:
            pages = pages_in_sites(clinics)
        elif page_id is not None:
            pages = Page.objects.filter(pk=page_id)
        else:
            return []
        messages = PatientMessage.objects.filter(page_id=OuterRef("pk"), site_id__in=[clinic.pk for clinic in clinics])
        rows = (
            pages.filter(Exists(messages))
            .annotate(site_id=Subquery(messages.order_by().values("site_id")[:1]))
            .order_by("title", "pk")
            .values_list("pk", "title", "site_id")
        )
        # Two clinics often have a page of the same name: a multi-clinic user needs to tell them apart.
        names = {clinic.pk: clinic.name for clinic in self.clinics} if len(self.clinics) > 1 else {}
        return [(str(pk), f"{title} ({names[site_id]})" if names else title) for pk, title, site_id in rows]


def moderator_scope(request):
    """The request user's ModeratorScope (its clinics are read once per request)."""
    return ModeratorScope(request.user)


class ScopedViewMixin:
    """For admin views of messages: `get_scoped_queryset()` is where every lookup of a message starts."""

    @cached_property
    def scope(self):
        return moderator_scope(self.request)

    def get_scoped_queryset(self):
        return self.scope.messages()

    def get_inspect_url_for(self, message):
        return reverse(url_name("inspect"), args=[quote(message.pk)])
