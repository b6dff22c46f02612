"""Patient messages: public comments under clinical pages, shown only after a person at the clinic approves them.

A message is health-related personal data. The author's email is never rendered publicly and never part of
`__str__` (which Wagtail's audit log uses as the entry's label); only `.approved()` messages reach a public page.
This module is data only: the page's form lives in `page.py`, receiving a message in `submission.py`, and every
change of status in `moderation.py`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from pages.patient_messages import rules

MAX_NAME_LENGTH = 80
MAX_EMAIL_LENGTH = 254
MAX_BODY_LENGTH = 2000
MAX_REPLY_LENGTH = 2000


def staff_member(verbose_name):
    """Who at the clinic took a step; the step stays on record (empty) when their account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class Status(models.TextChoices):
    """Where a message stands. Only a person moves it to APPROVED; the rules choose PENDING or SPAM."""

    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


def encode_flags(flags):
    """The stored form of a set of flags: comma-delimited on both ends (",links,urgent,"), "" for none.

    The delimiters at both ends let one flag be filtered with a substring match without matching another.
    """
    return f",{','.join(sorted(set(flags)))}," if flags else ""


def decode_flags(stored):
    return [flag for flag in (stored or "").split(",") if flag]


def flag_lookup(flag, field="flags"):
    """The filter keyword arguments that select rows whose `field` (a flags column) holds `flag`."""
    return {f"{field}__contains": f",{flag},"}


def urgent_pending_first():
    """An ordering key: 0 for pending messages flagged with urgent symptoms, 1 for every other message.

    The moderators' listing leads with it, and the indexes below hold the same expression, so the database reads
    the listing's first rows straight from an index instead of sorting a clinic's every message.
    """
    return models.Case(
        models.When(models.Q(status=Status.PENDING, **flag_lookup(rules.FLAG_URGENT)), then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class FollowUp(models.TextChoices):
    """How far the clinic has got with an urgent message's patient, away from the public reply. Never public."""

    NONE = "", "Not yet"
    CONTACTED = "contacted", "Patient contacted"
    HANDLED = "handled", "Handled"


class PatientMessageQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def pending(self):
        return self.filter(status=Status.PENDING)

    def with_flag(self, flag):
        return self.filter(**flag_lookup(flag))

    def in_sites(self, sites):
        return self.filter(site__in=sites)


class PatientMessage(models.Model):
    """One message a patient left under one page of one clinic."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="clinic", on_delete=models.CASCADE, related_name="patient_messages"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="page", on_delete=models.CASCADE, related_name="patient_messages"
    )
    author_name = models.CharField(
        "name", max_length=MAX_NAME_LENGTH, help_text="As the patient typed it; shown with the message."
    )
    author_email = models.EmailField(
        "email", max_length=MAX_EMAIL_LENGTH, help_text="Never shown publicly; only for the clinic to reply."
    )
    body = models.TextField(
        "message",
        max_length=MAX_BODY_LENGTH,
        help_text="Plain text, shown exactly as typed once approved. Edit it to remove personal details before "
        "approving: the message is then marked as redacted.",
    )
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.PENDING)
    # Stored by encode_flags: comma-delimited on both ends (",urgent,links,").
    flags = models.CharField("flags", max_length=200, blank=True, default="")
    submitted_at = models.DateTimeField("submitted", default=timezone.now)
    # A keyed hash of the sender's IP address (never the address) for flood checks and spam patterns.
    ip_hash = models.CharField("IP hash", max_length=64, blank=True, default="")
    # A hash of the form's one-time token: a resubmitted or double-clicked form creates no second message (unique
    # in the database, so only the database can say a form was already sent).
    form_token_hash = models.CharField(max_length=64, blank=True, default="")
    moderated_at = models.DateTimeField("moderated", null=True, blank=True)
    moderated_by = staff_member("moderated by")
    reply = models.TextField(
        "clinic reply",
        max_length=MAX_REPLY_LENGTH,
        blank=True,
        help_text="Shown publicly under the message once it is approved, e.g. 'Thank you, we are glad it helped.' "
        "Never include personal details.",
    )
    replied_at = models.DateTimeField("replied", null=True, blank=True)
    replied_by = staff_member("replied by")
    redacted = models.BooleanField(
        "redacted", default=False, help_text="The clinic edited the text before approving it."
    )
    # The patient's own request for one email, without the message or the reply, once the clinic's reply is
    # public (notifications.py). Cleared when that email goes, and by erasure: the address serves nothing else.
    reply_notice = models.BooleanField(
        "email when the clinic replies",
        default=False,
        help_text="The patient asked to be emailed once the clinic's reply is published.",
    )
    reply_notice_sent_at = models.DateTimeField("reply notice sent", null=True, blank=True)
    erased_at = models.DateTimeField(
        "erased", null=True, blank=True, help_text="When the patient's data was erased on request."
    )
    # Follow-up of urgent messages: internal to the clinic, never on a public page or in a patient's email.
    followup_state = models.CharField(
        "follow-up", max_length=10, choices=FollowUp.choices, blank=True, default=FollowUp.NONE
    )
    followup_note = models.TextField(
        "internal note",
        max_length=MAX_REPLY_LENGTH,
        blank=True,
        help_text=(
            "For the clinic only, never shown on the site, e.g. 'Called at 14:10, seen today at 16:00'. A copy of "
            "the patient's data, if they ask for one, includes it."
        ),
    )
    followup_at = models.DateTimeField("follow-up recorded", null=True, blank=True)
    followup_by = staff_member("follow-up recorded by")
    # When the one reminder that this urgent message has waited too long was claimed (see reminders.py).
    urgent_reminder_sent_at = models.DateTimeField("urgent reminder sent", null=True, blank=True)

    objects = PatientMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "patient message"
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            # The public list under a page: approved messages of one page, oldest first.
            models.Index(fields=["page", "status", "submitted_at"], name="message_page_status_time"),
            # The moderators' list, as it opens: urgent pending messages first, then newest first; per clinic, per
            # clinic and status, and across every clinic (network admins). The expression must stay the one the
            # listing orders by (urgent_pending_first) for the database to use these.
            models.Index(
                models.F("site"),
                urgent_pending_first(),
                models.F("submitted_at").desc(),
                models.F("id").desc(),
                name="message_site_urgent_time",
            ),
            models.Index(
                models.F("site"),
                models.F("status"),
                urgent_pending_first(),
                models.F("submitted_at").desc(),
                models.F("id").desc(),
                name="message_site_status_urgent",
            ),
            models.Index(
                urgent_pending_first(),
                models.F("submitted_at").desc(),
                models.F("id").desc(),
                name="message_urgent_time",
            ),
            # The list sorted by date, and the counts per status (read from the index alone).
            models.Index(fields=["site", "-submitted_at", "-id"], name="message_site_time"),
            models.Index(fields=["site", "status", "-submitted_at", "-id"], name="message_site_status_time"),
            # Duplicate checks and data-subject requests.
            models.Index(fields=["author_email", "page"], name="message_email_page"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["form_token_hash"],
                condition=~models.Q(form_token_hash=""),
                name="message_unique_form_token",
            )
        ]

    def __str__(self):
        # No name, email or text: this is the label of every audit-log entry about the message.
        return f"Message #{self.pk} on page #{self.page_id}"

    def get_absolute_url(self):
        return f"{self.page.url}#message-{self.pk}"

    @property
    def flag_list(self):
        return decode_flags(self.flags)

    @flag_list.setter
    def flag_list(self, flags):
        self.flags = encode_flags(flags)

    @property
    def flag_labels(self):
        return [rules.FLAG_LABELS.get(flag, flag) for flag in self.flag_list]

    @property
    def is_urgent(self):
        return rules.FLAG_URGENT in self.flag_list
