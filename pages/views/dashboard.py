"""Dashboard panels taken over from Wagtail."""

from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import GroupApprovalTask


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
