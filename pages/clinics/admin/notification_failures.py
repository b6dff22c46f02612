"""Dashboard for network admins: staff notification emails that gave up or wait for a retry (pages.mail_retries)."""

from django.template.loader import get_template
from wagtail.admin.ui.components import Component

from pages.mail_retries import RETRY_DELAYS
from pages.public.health import notification_failures


class NotificationFailuresPanel(Component):
    """The counts /healthz/ reports, for superusers; renders nothing while every notification was delivered."""

    name = "notification_failures"
    template_name = "pages/admin/notification_failures_panel.html"
    # First: while the mail server is away, no clinic hears of its new patient messages.
    order = 100

    def render_html(self, parent_context=None):
        counts = notification_failures()
        if not (counts["failed"] or counts["retrying"]):
            return ""
        return get_template(self.template_name).render({**counts, "retries": len(RETRY_DELAYS)})
