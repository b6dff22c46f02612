"""Dashboard for network admins: staff notification emails that gave up or wait for a retry (pages.mail_retries),
and the button that queues the ones that gave up once more (as `manage.py resend_notifications` does)."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.loader import get_template
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.ui.components import Component

from pages.mail_retries import RETRY_DELAYS, resend_given_up
from pages.public.health import COUNTS_CACHE_KEY, notification_failures, notification_tasks

RESEND_URL_NAME = "pages_resend_notifications"


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
        request = (parent_context or {}).get("request")
        context = {**counts, "retries": len(RETRY_DELAYS), "resend_url_name": RESEND_URL_NAME}
        return get_template(self.template_name).render(context, request)


@require_POST
def resend_notifications(request):
    """Queue every notification that gave up once more, audited under the network admin who pressed the button."""
    if not request.user.is_superuser:
        raise PermissionDenied
    count = resend_given_up(notification_tasks(), user=request.user)
    cache.delete(COUNTS_CACHE_KEY)  # the dashboard and /healthz/ count afresh, not from before the re-send
    if count:
        text = ngettext(
            "%(count)d notification queued again; it goes out once the mail server answers.",
            "%(count)d notifications queued again; they go out once the mail server answers.",
            count,
        )
        messages.success(request, text % {"count": count})
    else:
        messages.info(request, "No notification had given up: nothing was queued again.")
    return redirect("wagtailadmin_home")
