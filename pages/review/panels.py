"""Dashboard panels of medical review: the user's clinical pages due for review, and Wagtail's "Awaiting your
review" panel in a fixed number of queries."""

from django.db.models import Count, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import GroupApprovalTask

from pages.clinics.scope import ClinicDirectory
from pages.review.queries import REVIEW_WINDOW_DAYS, describe_review_rows, pages_due_for_review
from pages.review.report import REPORT_URL_NAME

DASHBOARD_LIMIT = 5


class ClinicalReviewPanel(Component):
    """Dashboard: the user's clinical pages overdue or due soon (the first few), linking to the full report.

    Renders nothing when there are none. Queries: one count, and when there is something to show, one for the rows
    and one for the clinics' names.
    """

    name = "clinical_review_due"
    template_name = "pages/admin/clinical_review_panel.html"
    # Above Wagtail's workflow panels (210-220): an overdue review is something to act on first.
    order = 150

    def get_context_data(self, parent_context=None):
        user = parent_context["request"].user
        today = timezone.localdate()
        pages = pages_due_for_review(user, today)
        counts = pages.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(review_due__lt=today)))
        rows = []
        if counts["total"]:
            rows = describe_review_rows(
                list(pages.order_by("review_due", "path")[:DASHBOARD_LIMIT]), ClinicDirectory(), today
            )
        due_soon = counts["total"] - counts["overdue"]
        parts = []
        if counts["overdue"]:
            parts.append(f"{counts['overdue']} overdue")
        if due_soon:
            parts.append(f"{due_soon} due within {REVIEW_WINDOW_DAYS} days")
        return {
            "pages": rows,
            "total": counts["total"],
            "counts_summary": ", ".join(parts),
            "report_url": reverse(REPORT_URL_NAME),
            "columns": ["Title", "Clinic", "Next review due"],
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["total"]:
            return ""
        return get_template(self.template_name).render(context)


class AwaitingReviewPanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "Awaiting your review" dashboard panel, with its group checks made in one query.

    Wagtail asks every active approval task, one query each, whether the user is in its groups
    (GroupApprovalTask._user_in_groups, cached per request on the user). With a review workflow per clinic that is
    one query per clinic on every reviewer's dashboard; here the answers for all tasks are read at once and put in
    that same per-request cache, so the panel's query count does not grow with the number of clinics.
    """

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        if user.is_authenticated and not user.is_superuser:
            active = GroupApprovalTask.objects.filter(active=True)
            mine = set(active.filter(groups__in=user.groups.all()).values_list("pk", flat=True))
            checks = getattr(user, "_group_approval_task_checks", None) or {}
            checks.update({pk: pk in mine for pk in active.values_list("pk", flat=True)})
            user._group_approval_task_checks = checks
        return super().get_context_data(parent_context)
