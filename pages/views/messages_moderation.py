"""Patient messages in the admin: who moderates which messages, what moderating does, and its audit trail.

Wagtail's generic views check "has this permission on any clinic", never "on this message's clinic", so every admin
view of messages starts from `ModeratorScope.messages()`: the messages of the clinics the user moderates
(`clinic_sites_for`, the one place that answers it). A message of another clinic is then a 404, whatever the URL.
The permission policy registered for PatientMessage keeps Wagtail's own checks (menu, buttons, admin URL finder) in
line with that, and adds two rules of its own: nobody adds messages in the admin (patients write them) and only
network admins delete them (moderators reject or mark as spam).

Every moderation step is a row in Wagtail's audit log. Entries are labelled with `str(message)` ("Message #12 on
page #5") and their data holds statuses, never the patient's name, email or text.
"""

import uuid
from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Site
from wagtail.permission_policies.sites import SitePermissionPolicy

from pages import moderation
from pages.models import PatientMessage
from pages.models.messages import STATUS_CHOICES
from pages.permissions import clinic_sites_for

MODERATE_PERMISSION = "pages.change_patientmessage"
VIEWSET_NAME = "patient_messages"
STATUS_LABELS = dict(STATUS_CHOICES)
EXCERPT_LENGTH = 120
# Searched with plain icontains queries: adding messages to a search index would copy health data into another table.
SEARCH_FIELDS = ["author_name", "body"]


def url_name(view):
    return f"{VIEWSET_NAME}:{view}"


# --- Who may act on which messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clinic:
    pk: int
    name: str


class ModeratorScope:
    """The clinics one user moderates, read once (one query) and reused by everything that serves the request."""

    def __init__(self, user):
        rows = (
            clinic_sites_for(user, MODERATE_PERMISSION)
            .order_by("site_name", "hostname", "pk")
            .values_list("pk", "site_name", "hostname")
        )
        self.clinics = [Clinic(pk, name or hostname) for pk, name, hostname in rows]
        self.site_ids = sorted(clinic.pk for clinic in self.clinics)

    def __bool__(self):
        return bool(self.clinics)

    def messages(self):
        """Every message the user may see and moderate (an empty queryset for users who moderate nothing)."""
        return PatientMessage.objects.filter(site_id__in=self.site_ids)

    def clinic_name(self, site_id):
        return next((clinic.name for clinic in self.clinics if clinic.pk == site_id), "")

    def page_choices(self):
        """(page id, label) of the pages that have messages in these clinics: one query."""
        rows = (
            self.messages()
            .order_by("page__title", "page_id")
            .values_list("page_id", "page__title", "site_id")
            .distinct()
        )
        # Two clinics often have a page of the same name: a multi-clinic user needs to tell them apart.
        several = len(self.clinics) > 1
        return [
            (str(page_id), f"{title} ({self.clinic_name(site_id)})" if several else title)
            for page_id, title, site_id in rows
        ]


def moderator_scope(request):
    """The request user's ModeratorScope, cached on the request so a page of the admin asks only once."""
    cached = getattr(request, "_patient_message_scope", None)
    if cached is None or cached[0] != request.user.pk:
        cached = (request.user.pk, ModeratorScope(request.user))
        request._patient_message_scope = cached
    return cached[1]


class ScopedViewMixin:
    """For admin views of messages: `get_scoped_queryset()` is where every lookup of a message starts."""

    @cached_property
    def scope(self):
        return moderator_scope(self.request)

    def get_scoped_queryset(self):
        return self.scope.messages()

    def get_inspect_url_for(self, message):
        return reverse(url_name("inspect"), args=[quote(message.pk)])


class PatientMessagePermissionPolicy(SitePermissionPolicy):
    """Per-clinic permissions (GroupSitePermission rows, as for clinic settings), plus two fixed rules.

    - "add": nobody. Messages come from patients through the page's form; a message typed in the admin would be
      published under a patient's name that nobody checked.
    - "delete": network admins (superusers) only. Moderators reject or mark as spam, which keeps the message for the
      audit trail until `purge_messages` deletes it after the clinic's retention period.
    """

    def _allowed_actions(self, user, actions):
        return [
            action
            for action in actions
            if action != "add" and (action != "delete" or getattr(user, "is_superuser", False))
        ]

    def user_has_any_permission(self, user, actions):
        allowed = self._allowed_actions(user, actions)
        return bool(allowed) and super().user_has_any_permission(user, allowed)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        allowed = self._allowed_actions(user, actions)
        return bool(allowed) and super().user_has_any_permission_for_instance(user, allowed, instance)

    def sites_user_has_any_permission_for(self, user, actions):
        allowed = self._allowed_actions(user, actions)
        if not allowed:
            return Site.objects.none()
        return super().sites_user_has_any_permission_for(user, allowed)


# --- Moderation actions: the rules are plain functions, `moderate` applies and logs them ---------------------------


@dataclass(frozen=True)
class ModerationAction:
    name: str
    status: str
    label: str  # the button, e.g. "Approve"
    past: str  # e.g. "approved", for messages to the moderator
    log_label: str  # how the audit log's action filter names it
    classname: str = ""

    @property
    def log_action(self):
        return f"pages.message.{self.name}"


# Only "approve" is a primary button: it is the one that publishes.
_SECONDARY = "button-secondary"
ACTIONS = {
    action.name: action
    for action in (
        ModerationAction("approve", moderation.APPROVED, "Approve", "approved", "Approve patient message"),
        ModerationAction("reject", moderation.REJECTED, "Reject", "rejected", "Reject patient message", _SECONDARY),
        ModerationAction(
            "spam", moderation.SPAM, "Mark as spam", "marked as spam", "Mark patient message as spam", _SECONDARY
        ),
        ModerationAction(
            "restore",
            moderation.PENDING,
            "Restore to pending",
            "restored to pending",
            "Restore patient message to pending",
            _SECONDARY,
        ),
    )
}
LOG_REPLY = "pages.message.reply"
LOG_REDACT = "pages.message.redact"


def can_apply(action, status, erased):
    """Whether `action` makes sense for a message in `status`: it must change it, and erased messages are final.

    An erased message has no name or text left (the patient asked for it), so publishing or re-queueing it would
    put an empty message on a public page or in front of moderators.
    """
    return not erased and status != action.status


def can_redact(status, erased):
    """Whether a moderator may edit the message's text: only while it is pending.

    The text on a public page is then always text that a moderator approved exactly as it stands. To correct an
    approved message, restore it to pending (it leaves the page), redact it, then approve it again; all three steps
    are in the audit log.
    """
    return not erased and status == moderation.PENDING


def moderate(messages_qs, action, user, *, bulk=False):
    """Apply `action` to the messages of `messages_qs` it applies to; return the messages changed.

    Callers pass a queryset already narrowed to the user's clinics. The rows are locked and re-read here, so a
    message another moderator changed in the meantime is judged on its current status.
    """
    now = timezone.now()
    changed = []
    with transaction.atomic():
        for message in messages_qs.select_for_update().order_by("pk"):
            if not can_apply(action, message.status, message.erased_at is not None):
                continue
            previous = message.status
            message.status = action.status
            message.moderated_at = now
            message.moderated_by = user
            message.save(update_fields=["status", "moderated_at", "moderated_by"])
            # One uuid per message: Wagtail's History view keeps only the latest entry of each (uuid, action) pair
            # across all objects, so entries sharing the request's uuid would hide each other.
            log(
                message,
                action.log_action,
                user=user,
                uuid=uuid.uuid4(),
                data={"from": previous, "to": action.status, "bulk": bulk},
            )
            changed.append(message)
    return changed


class StatusChangeFormatter(LogFormatter):
    """Describes a status change from the entry's data, e.g. "Approved (was pending)", ", as a bulk action"."""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        previous = STATUS_LABELS.get(data.get("from"))
        text = self.message
        if previous:
            text += f" (was {previous.lower()})"
        if data.get("bulk"):
            text += ", as a bulk action"
        return text


class ReplyFormatter(LogFormatter):
    label = "Reply to patient message"

    def format_message(self, log_entry):
        return "Clinic reply removed" if (log_entry.data or {}).get("removed") else "Clinic reply written or changed"


def register_log_actions(actions):
    """Wagtail `register_log_actions` hook: the moderation steps, as the audit log and its filters name them."""
    for action in ACTIONS.values():
        formatter = type(
            f"{action.name.capitalize()}MessageFormatter",
            (StatusChangeFormatter,),
            {"label": action.log_label, "message": action.past.capitalize()},
        )
        actions.register_action(action.log_action)(formatter)
    actions.register_action(LOG_REPLY)(ReplyFormatter)
    actions.register_action(LOG_REDACT, "Redact patient message", "Text edited by the clinic before approval")
