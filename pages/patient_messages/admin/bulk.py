"""Bulk approve, reject, mark as spam and restore on the patient messages listing.

Wagtail's bulk actions trust their input: "select all" (`id=all`) means every row of the model, explicit ids are
looked up without any scope, and the confirmation page names the objects the user may not act on. Here both paths
start from the user's clinics' messages, and "select all" also applies the listing's filters and search (the
listing's own query string comes along with it), so it acts on exactly what the moderator was looking at. Another
clinic's ids are dropped without a trace: not acted on, not counted, not named.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from wagtail.admin.views.bulk_action import BulkAction

from pages.patient_messages.admin.listing import excerpt, scoped_listing
from pages.patient_messages.admin.scope import moderator_scope
from pages.patient_messages.audit import message_label
from pages.patient_messages.models import PatientMessage
from pages.patient_messages.moderation import ACTIONS, can_apply, moderate

# The confirmation page lists this many messages by name, then says how many more there are.
CONFIRMATION_LIST_LIMIT = 50


class PatientMessageBulkAction(BulkAction):
    models = [PatientMessage]
    template_name = "pages/admin/messages/confirm_bulk_action.html"
    moderation_action = None  # a moderation.ModerationAction, set by each generated subclass

    @cached_property
    def scope(self):
        return moderator_scope(self.request)

    def dispatch(self, request, *args, **kwargs):
        # Wagtail's bulk-action URL only asks for admin access: refuse users who moderate no clinic outright.
        if not self.scope:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        return scoped_listing(self.request, self.scope).values_list("pk", flat=True)

    def selected_messages(self):
        """The selected messages of the user's clinics; ids of other clinics' messages simply find nothing."""
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            queryset = scoped_listing(self.request, self.scope)
        else:
            queryset = self.scope.messages().filter(pk__in=[int(pk) for pk in ids if pk.isdigit()])
        return list(queryset.select_related("page").order_by("-submitted_at", "-pk"))

    def check_perm(self, obj):
        # Redundant with the scoped query above, and kept so: an object of another clinic never passes.
        return obj.site_id in self.scope.site_ids

    def get_actionable_objects(self):
        selected = self.selected_messages()
        if not selected:
            # As Wagtail's own bulk actions answer (get_list_or_404): and so the same for "no such message" and
            # "another clinic's message".
            raise Http404
        actionable, unchanged = [], []
        for message in selected:
            if not self.check_perm(message):
                continue
            if can_apply(self.moderation_action, message.status, message.erased_at is not None):
                actionable.append(message)
            else:
                unchanged.append(message)
        # "items_with_no_access" stays empty on purpose: Wagtail would list those objects by name.
        return actionable, {"items_with_no_access": [], "items_unchanged": unchanged}

    def object_context(self, obj):
        return {"item": obj, "name": message_label(obj), "excerpt": excerpt(obj), "status": obj.get_status_display()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "action": self.moderation_action,
                "confirm_label": f"Yes, {self.moderation_action.label[0].lower()}{self.moderation_action.label[1:]}",
                "items_shown": context["items"][:CONFIRMATION_LIST_LIMIT],
                "items_not_shown": max(len(context["items"]) - CONFIRMATION_LIST_LIMIT, 0),
                "header_icon": "comment",
            }
        )
        return context

    def get_execution_context(self):
        return {"user": self.request.user, "moderation_action": self.moderation_action}

    @classmethod
    def execute_action(cls, objects, user=None, moderation_action=None, **kwargs):
        # Re-read and locked inside `moderate`: a message changed since the confirmation page is judged afresh.
        queryset = PatientMessage.objects.filter(pk__in=[message.pk for message in objects])
        changed = moderate(queryset, moderation_action, user, bulk=True)
        return len(changed), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        noun = "patient message" if num_parent_objects == 1 else "patient messages"
        return f"{num_parent_objects} {noun} {self.moderation_action.past}."


def bulk_action_for(moderation_action, priority):
    """The bulk action of one moderation action ("Approve" -> ApproveBulkAction), as Wagtail registers them."""
    return type(
        f"{moderation_action.name.capitalize()}BulkAction",
        (PatientMessageBulkAction,),
        {
            "display_name": moderation_action.label,
            "action_type": moderation_action.name,
            "aria_label": moderation_action.selected,
            "moderation_action": moderation_action,
            "action_priority": priority,
        },
    )


BULK_ACTIONS = tuple(bulk_action_for(action, 10 * n) for n, action in enumerate(ACTIONS.values(), start=1))
