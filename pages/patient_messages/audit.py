"""The audit-log actions of patient messages: how Wagtail's history and the site-history report name each step.

Entries are labelled with `message_label(message)` ("Maria L. on Facet joint injections, 2 Dec", as the admin names
the message) and their data holds statuses and counts, never the patient's email or text. Wagtail refuses to save
an entry whose action is not registered (`register_log_actions`).
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.log_actions import LogFormatter
from wagtail.log_actions import log as wagtail_log
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from pages.patient_messages import rules
from pages.patient_messages.models import FollowUp, PatientMessage, Status

LOG_REPLY = "pages.message.reply"
LOG_REDACT = "pages.message.redact"
LOG_FOLLOW_UP = "pages.message.follow_up"
# Moderation steps: action name -> (the audit log's label, the entry's message).
STATUS_ACTIONS = {
    "approve": ("Approve patient message", "Approved"),
    "reject": ("Reject patient message", "Rejected"),
    "spam": ("Mark patient message as spam", "Marked as spam"),
    "restore": ("Restore patient message to pending", "Restored to pending"),
}


def message_label(message):
    """The name of a message in the admin's headings, notices and history: first name, last initial, page, date."""
    return rules.message_name(
        message.author_name,
        message.page.title,
        timezone.localdate(message.submitted_at),
        timezone.localdate(),
    )


def log(message, action, **kwargs):
    """Write one audit entry about `message`, labelled by `message_label` rather than `str(message)`."""
    return wagtail_log(message, action, title=message_label(message), **kwargs)


def log_many(messages, action, *, user, timestamp, data_of):
    """Write one audit entry per message, as `log` would, in one INSERT; each entry has its own uuid."""
    if not log_action_registry.action_exists(action):
        raise ValueError(f"Unregistered audit-log action: {action}")
    content_type = ContentType.objects.get_for_model(PatientMessage, for_concrete_model=False)
    user = user if user is not None and user.is_authenticated else None
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(message.pk),
            label=message_label(message),
            action=action,
            timestamp=timestamp,
            data=data_of(message),
            user=user,
            uuid=uuid.uuid4(),
        )
        for message in messages
    )


def status_action(name):
    return f"pages.message.{name}"


class StatusChangeFormatter(LogFormatter):
    """Describes a status change from the entry's data, e.g. "Approved (was pending)", ", as a bulk action"."""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        previous = dict(Status.choices).get(data.get("from"))
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


class FollowUpFormatter(LogFormatter):
    """E.g. "Follow-up: Patient contacted (note changed)". The note itself is never in the log."""

    label = "Follow up urgent patient message"

    def format_message(self, log_entry):
        data = log_entry.data or {}
        text = f"Follow-up: {dict(FollowUp.choices).get(data.get('to'), 'Not yet')}"
        if data.get("note_changed"):
            text += " (internal note changed)"
        return text


def register_log_actions(actions):
    """Wagtail `register_log_actions` hook: the moderation steps, as the audit log and its filters name them."""
    for name, (label, message) in STATUS_ACTIONS.items():
        formatter = type(
            f"{name.capitalize()}MessageFormatter", (StatusChangeFormatter,), {"label": label, "message": message}
        )
        actions.register_action(status_action(name))(formatter)
    actions.register_action(LOG_REPLY)(ReplyFormatter)
    actions.register_action(LOG_FOLLOW_UP)(FollowUpFormatter)
    actions.register_action(LOG_REDACT, "Redact patient message", "Text edited by the clinic before approval")
