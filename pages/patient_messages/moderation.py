"""Every change of a patient message's status or text: moderation, reply, redaction, erasure and purge.

Callers (the admin views, bulk actions, the data-care commands) pass querysets already narrowed to what the user
may act on; here the rows are locked and re-read, so a message another moderator changed in the meantime is judged
on its current state, and every change is written to the audit log (audit.py) with no personal data.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from wagtail.models import ModelLogEntry

from pages.patient_messages import audit
from pages.patient_messages.models import PatientMessage, Status
from pages.patient_messages.signals import announce_public_change


@dataclass(frozen=True)
class ModerationAction:
    name: str
    status: str
    label: str  # the button, e.g. "Approve"
    past: str  # e.g. "approved", for messages to the moderator
    selected: str  # the bulk action's accessible name, e.g. "Approve the selected patient messages"
    classname: str = ""

    @property
    def log_action(self):
        return audit.status_action(self.name)


# Only "approve" is a primary button: it is the one that publishes.
_SECONDARY = "button-secondary"
ACTIONS = {
    action.name: action
    for action in (
        ModerationAction("approve", Status.APPROVED, "Approve", "approved", "Approve the selected patient messages"),
        ModerationAction(
            "reject", Status.REJECTED, "Reject", "rejected", "Reject the selected patient messages", _SECONDARY
        ),
        ModerationAction(
            "spam",
            Status.SPAM,
            "Mark as spam",
            "marked as spam",
            "Mark the selected patient messages as spam",
            _SECONDARY,
        ),
        ModerationAction(
            "restore",
            Status.PENDING,
            "Restore to pending",
            "restored to pending",
            "Restore the selected patient messages to pending",
            _SECONDARY,
        ),
    )
}


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
    return not erased and status == Status.PENDING


def moderate(messages_qs, action, user, *, bulk=False):
    """Apply `action` to the messages of `messages_qs` it applies to; return the messages changed.

    Callers pass a queryset already narrowed to the user's clinics. The rows are locked and re-read here, so a
    message another moderator changed in the meantime is judged on its current status. However many messages are
    selected, this takes the same few queries: the locked read, one UPDATE and one insert of all the audit entries.
    """
    from pages.patient_messages.notifications import announce_reply_when_committed  # loads task backends

    now = timezone.now()
    with transaction.atomic():
        # The page's title names the message in its audit entries; only the messages' rows are locked.
        locked = messages_qs.select_for_update(of=("self",)).select_related("page").order_by("pk")
        locked = locked.only(*MODERATED_FIELDS, "page__title")
        changed = [message for message in locked if can_apply(action, message.status, message.erased_at is not None)]
        if not changed:
            return []
        previous = {message.pk: message.status for message in changed}
        PatientMessage.objects.filter(pk__in=list(previous)).update(
            status=action.status, moderated_at=now, moderated_by=user
        )
        for message in changed:
            message.status, message.moderated_at, message.moderated_by = action.status, now, user
        # One uuid per entry: Wagtail's History view keeps only the latest entry of each (uuid, action) pair
        # across all objects, so entries sharing the request's uuid would hide each other.
        audit.log_many(
            changed,
            action.log_action,
            user=user,
            timestamp=now,
            data_of=lambda message: {"from": previous[message.pk], "to": action.status, "bulk": bulk},
        )
        for message in changed:
            # Approving a message that already has a reply publishes the reply too.
            announce_reply_when_committed(message)
        announce_public_change(message.page_id for message in changed)
    return changed


# What moderating a message reads of it: its state, and what names it in the audit log and in notices.
MODERATED_FIELDS = (
    "pk",
    "site_id",
    "page_id",
    "status",
    "flags",
    "erased_at",
    "author_name",
    "submitted_at",
    "reply",
    "reply_notice",
    "moderated_at",
    "moderated_by",
)


def edit_message(message_qs, pk, user, *, body=None, reply=None):
    """Redact the text (`body`, pending messages only) and/or set the clinic's public reply; returns the message.

    `None` leaves a field as it is; an empty reply removes it. Raises PermissionError when the text is given but the
    message is no longer pending (moderated in the instant since the form was checked).
    """
    from pages.patient_messages.notifications import announce_reply_when_committed  # loads task backends

    with transaction.atomic():
        message = message_qs.select_for_update(of=("self",)).select_related("page").get(pk=pk)
        update_fields = []
        if body is not None:
            if not can_redact(message.status, message.erased_at is not None):
                raise PermissionError("This message is no longer pending: its text can no longer be edited.")
            message.body = body
            message.redacted = True
            update_fields += ["body", "redacted"]
            audit.log(message, audit.LOG_REDACT, user=user, data={"status": message.status})
        if reply is not None and message.erased_at is None:
            message.reply = reply
            message.replied_at = timezone.now() if reply else None
            message.replied_by = user if reply else None
            update_fields += ["reply", "replied_at", "replied_by"]
            audit.log(message, audit.LOG_REPLY, user=user, data={"removed": not reply})
            announce_reply_when_committed(message)
        if update_fields:
            message.save(update_fields=update_fields)
            announce_public_change([message.page_id])
    return message


def follow_up(message_qs, pk, user, *, state, note):
    """Record how the clinic followed up an urgent message (contacted, handled) and its internal note.

    Who and when are kept on the message and in the audit log; the log says only which state was set and whether
    the note changed, never the note (it is about the patient's health). Returns the message.
    """
    with transaction.atomic():
        message = message_qs.select_for_update(of=("self",)).select_related("page").get(pk=pk)
        if message.erased_at is not None:
            raise PermissionError("This message was erased on the patient's request: there is nothing to follow up.")
        note_changed = note != message.followup_note
        if state == message.followup_state and not note_changed:
            return message
        previous = message.followup_state
        message.followup_state = state
        message.followup_note = note
        message.followup_at = timezone.now()
        message.followup_by = user
        message.save(update_fields=["followup_state", "followup_note", "followup_at", "followup_by"])
        audit.log(
            message, audit.LOG_FOLLOW_UP, user=user, data={"from": previous, "to": state, "note_changed": note_changed}
        )
    return message


# --- Patients' requests and retention ------------------------------------------------------------------------------

# What erasing blanks on a message. The clinic's reply goes too: it was written to this patient and often
# answers them by name or repeats what they wrote; and so does the clinic's internal follow-up note.
ERASED_MESSAGE_FIELDS = ("author_name", "author_email", "body", "ip_hash", "reply", "followup_note")
# What erasing switches off: a request to be emailed when the clinic replies has no address left to go to.
ERASED_MESSAGE_REQUESTS = ("reply_notice",)
# An erased message has nothing left to show or to moderate: public or waiting ones become rejected (and so are
# deleted by `purge_messages` after the clinic's retention period); spam stays spam.
STATUSES_REJECTED_ON_ERASE = (Status.PENDING, Status.APPROVED)
# Statuses the retention period applies to. Pending and approved messages are never purged.
PURGEABLE_STATUSES = (Status.REJECTED, Status.SPAM)


def status_after_erase(status):
    return Status.REJECTED if status in STATUSES_REJECTED_ON_ERASE else status


def erase(messages, now):
    """Blank the personal data of `messages` (loaded, locked rows) and take them off the public site, in one query.

    The rows stay (clinic, page, dates, status, flags) so moderation history and statistics stay whole. The caller
    writes the audit entries, which tie each message to the patient's request. Every audit entry of the messages
    loses the patient's first name and initial: it is relabelled with the model's id-only name (`str(message)`).
    """
    pks = [message.pk for message in messages]
    if pks:
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(PatientMessage), object_id__in=[str(pk) for pk in pks]
        ).update(label=Case(*[When(object_id=str(message.pk), then=Value(str(message))) for message in messages]))
    PatientMessage.objects.filter(pk__in=pks).update(
        **dict.fromkeys(ERASED_MESSAGE_FIELDS, ""),
        **dict.fromkeys(ERASED_MESSAGE_REQUESTS, False),
        redacted=True,
        erased_at=now,
        status=Case(
            When(status__in=STATUSES_REJECTED_ON_ERASE, then=Value(Status.REJECTED)),
            default=F("status"),
        ),
    )
    announce_public_change(message.page_id for message in messages)


def expired(site, cutoff):
    """Rejected and spam messages of `site` whose retention period ended before `cutoff`.

    The period runs from the moderator's decision (moderated_at), so a message rejected today after waiting a
    month still gets the full period in which a moderator can restore it. Messages the filters classed as spam
    on arrival were never moderated: for them it runs from submission.
    """
    return PatientMessage.objects.filter(site=site, status__in=PURGEABLE_STATUSES).filter(
        Q(moderated_at__lt=cutoff) | Q(moderated_at__isnull=True, submitted_at__lt=cutoff)
    )


def purge(site, cutoff, *, dry_run=False):
    """Delete (or with `dry_run`, count) the expired messages of `site`: one query, no rows loaded."""
    messages = expired(site, cutoff)
    return messages.count() if dry_run else messages.delete()[0]
