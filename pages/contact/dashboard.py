"""Dashboard: the new contact-form submissions of each form the user may read, linking to the filtered listing."""

from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from pages.contact import handling
from pages.contact.models import SubmissionState
from pages.contact.submissions import STATE_PARAMETER, listing_url


def new_submission_counts(user):
    """[{pk, title, new}] per form page whose submissions the user may read, by title. One query."""
    return list(
        handling.forms_for(user)
        .annotate(new=handling.new_submissions_count())
        .order_by("title", "pk")
        .values("pk", "title", "new")
    )


class ContactSubmissionsPanel(Component):
    """Dashboard: new submissions per contact form of the user's clinics. Renders nothing for users with no form."""

    name = "contact_submissions"
    template_name = "pages/admin/contact/dashboard_panel.html"
    # Below patient messages (140), above the clinical review panel (150).
    order = 145

    def get_context_data(self, parent_context=None):
        rows = [
            {**row, "url": f"{listing_url(row['pk'])}?{urlencode({STATE_PARAMETER: SubmissionState.NEW})}"}
            for row in new_submission_counts(parent_context["request"].user)
        ]
        return {
            "forms": rows,
            "total_new": sum(row["new"] for row in rows),
            "index_url": reverse("wagtailforms:index"),
            "columns": ["Form", "New"],
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["forms"]:
            return ""
        return get_template(self.template_name).render(context)
