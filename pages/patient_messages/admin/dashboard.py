"""The moderators' dashboard: each moderated clinic's pending and urgent messages, linking to the filtered listing,
and the dashboard view itself, named for their clinic."""

from django.db.models import Count, Q, Value
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
from pages.patient_messages.models import Status, flag_lookup
from pages.patient_messages.reminders import DEFAULT_HOURS, reminder_hours, waited_too_long


def clinic_message_counts(user, now=None):
    """Per clinic the user moderates: pending, urgent (pending and flagged urgent) and overdue (urgent and waiting
    longer than the clinic's reminder hours) messages, with those hours. Two queries."""
    sites = ClinicScope.of(user).sites_for(MODERATE_MESSAGES).values("pk")
    hours = reminder_hours(sites)
    pending = Q(patient_messages__status=Status.PENDING)
    urgent = pending & Q(**flag_lookup(rules.FLAG_URGENT, "patient_messages__flags"))
    waited = waited_too_long(
        hours, now or timezone.now(), site_field="pk", submitted_field="patient_messages__submitted_at"
    )
    rows = list(
        Site.objects.filter(pk__in=sites)
        .annotate(
            pending=Count("patient_messages", filter=pending),
            urgent=Count("patient_messages", filter=urgent),
            overdue=Count("patient_messages", filter=urgent & waited) if waited is not None else Value(0),
        )
        .order_by("site_name", "hostname", "pk")
        .values("pk", "site_name", "hostname", "pending", "urgent", "overdue")
    )
    for row in rows:
        row["hours"] = hours.get(row["pk"], DEFAULT_HOURS)
    return rows


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
