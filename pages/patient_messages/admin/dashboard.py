"""The moderators' dashboard: each moderated clinic's pending and urgent messages, linking to the filtered listing,
and the dashboard view itself, named for their clinic."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import HomeView
from wagtail.models import Site

from pages.clinics.roles import MODERATE_MESSAGES
from pages.clinics.scope import ClinicScope, clinic_name
from pages.patient_messages import rules
from pages.patient_messages.admin.scope import ModeratorScope, url_name
from pages.patient_messages.models import PatientMessage, Status, flag_lookup
from pages.patient_messages.reminders import DEFAULT_HOURS, reminder_hours, waited_too_long


def clinic_message_counts(user, now=None):
    """Per clinic the user moderates: pending, urgent (pending and flagged urgent) and overdue (urgent and waiting
    longer than the clinic's reminder hours) messages, with those hours. Two queries.

    Each count reads only the clinic's pending messages (through the (site, status, ...) index), never its every
    message.
    """
    sites = ClinicScope.of(user).sites_for(MODERATE_MESSAGES).values("pk")
    hours = reminder_hours(sites)
    urgent = Q(**flag_lookup(rules.FLAG_URGENT))
    waited = waited_too_long(hours, now or timezone.now())
    rows = list(
        Site.objects.filter(pk__in=sites)
        .annotate(
            pending=pending_count(),
            urgent=pending_count(urgent),
            overdue=pending_count(urgent & waited) if waited is not None else Value(0),
        )
        .order_by("site_name", "hostname", "pk")
        .values("pk", "site_name", "hostname", "pending", "urgent", "overdue")
    )
    for row in rows:
        row["hours"] = hours.get(row["pk"], DEFAULT_HOURS)
    return rows


def pending_count(condition=None):
    """The number of the outer Site's pending messages (matching `condition`), as a subquery."""
    messages = PatientMessage.objects.filter(site_id=OuterRef("pk"), status=Status.PENDING)
    if condition is not None:
        messages = messages.filter(condition)
    counted = messages.order_by().values("site_id").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class PatientMessagesPanel(Component):
    """Dashboard: each moderated clinic's pending and urgent messages, linking to the filtered listing.

    Renders nothing for users who moderate no clinic.
    """

    name = "patient_messages"
    template_name = "pages/admin/messages/dashboard_panel.html"
    # Above the clinical review panel (150): an urgent message may be a patient who needs a call today.
    order = 140

    def get_context_data(self, parent_context=None):
        user = parent_context["request"].user
        index_url = reverse(url_name("index"))
        rows = []
        for row in clinic_message_counts(user):
            pending = {"clinic": row["pk"], "status": Status.PENDING}
            rows.append(
                {
                    "name": clinic_name(row["site_name"], row["hostname"]),
                    "pending": row["pending"],
                    "urgent": row["urgent"],
                    "pending_url": f"{index_url}?{urlencode(pending)}",
                    "urgent_url": f"{index_url}?{urlencode({**pending, 'flag': rules.FLAG_URGENT})}",
                    "overdue": row["overdue"],
                    "hours": row["hours"],
                }
            )
        return {
            "clinics": rows,
            "total_pending": sum(row["pending"] for row in rows),
            "total_urgent": sum(row["urgent"] for row in rows),
            "total_overdue": sum(row["overdue"] for row in rows),
            "index_url": index_url,
            "columns": ["Clinic", "Pending", "Urgent"],
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["clinics"]:
            return ""
        return get_template(self.template_name).render(context)


class ClinicHomeView(HomeView):
    """Wagtail's dashboard, for staff who cannot see pages (moderators): titled with the clinics they moderate, and
    without "Search all pages…", which would only lead them to an explorer they may not open."""

    template_name = "pages/admin/messages/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["root_page"] is None:
            context["search_form"] = None
            clinics = ModeratorScope(self.request.user).clinics
            if clinics:
                context["site_name"] = ", ".join(clinic.name for clinic in clinics)
        return context
