"""WordPress comments -> patient messages on the page their post became.

Statuses map as WordPress moderators set them (approved, held -> pending, spam, trash -> rejected); the moderation
rules still flag the text (health details, urgent symptoms, links) but never change an imported status. Pingbacks
and trackbacks are skipped and counted. A reply written by one of the site's own authors becomes the clinic's
public reply under the message it answers. The email is kept for the clinic (never shown); the IP address is
kept only as the keyed hash that new messages carry. No notification is sent: nothing here goes through the
submission path that sends them.
"""

from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from wagtail.models import ModelLogEntry

from pages.patient_messages import flood, rules
from pages.patient_messages.models import (
    MAX_BODY_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REPLY_LENGTH,
    PatientMessage,
    Status,
)
from pages.patient_messages.signals import announce_public_change
from pages.wordpress.models import Kind

STATUSES = {
    "1": Status.APPROVED,
    "0": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.REJECTED,
    "post-trashed": Status.REJECTED,  # trashed with its post
}
SKIPPED_TYPES = {"pingback", "trackback"}
LOG_IMPORT = "pages.wordpress.import"
BATCH = 500


def plain_text(html):
    """A comment as the plain text messages are stored in: tags gone, paragraphs kept as blank lines."""
    soup = BeautifulSoup(html or "", "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for paragraph in soup.find_all("p"):
        paragraph.insert_after("\n\n")
    lines = [" ".join(line.split()) for line in soup.get_text().replace("\r", "").split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _email(value):
    value = (value or "").strip()[:MAX_EMAIL_LENGTH]
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _when(comment):
    if comment.date_gmt:
        return comment.date_gmt
    if comment.date_local:
        return timezone.make_aware(comment.date_local)
    return timezone.now()


class Comments:
    """Imports the comments of one item after another; `finish()` writes the audit entries in one go."""

    def __init__(self, importer, moderation_rules):
        self.importer = importer
        self.rules = moderation_rules
        self.log_entries = []
        self.pending = []  # (comment id, new message, page), written in batches
        self.changed_pages = set()
        self.today = timezone.localdate()

    def import_for(self, item, page):
        report = self.importer.report
        staff_ids = self.importer.channel.author_ids
        by_id = {comment.id: comment for comment in item.comments}
        patients, replies = [], {}
        for comment in item.comments:
            if comment.type in SKIPPED_TYPES:
                report.count(comment.type, "skipped")
                continue
            if comment.user_id and comment.user_id in staff_ids and comment.parent:
                root = self._answered(comment, by_id, staff_ids)
                if root is None:
                    report.skip("comment", comment.id, "a staff reply to a comment that is not imported")
                else:
                    replies.setdefault(root, []).append(comment)
                continue
            patients.append(comment)
        for comment in patients:
            message = self._message(comment, page, replies.get(comment.id, []))
            if message is not None and message.pk is None:
                self.pending.append((comment.id, message, page))
        if len(self.pending) >= BATCH:
            self.flush()

    def _answered(self, comment, by_id, staff_ids):
        """The patient comment a staff reply answers, up its thread; None if there is none."""
        seen = set()
        parent = by_id.get(comment.parent)
        while parent is not None and parent.id not in seen:
            seen.add(parent.id)
            if not (parent.user_id and parent.user_id in staff_ids) and parent.type not in SKIPPED_TYPES:
                return parent.id
            parent = by_id.get(parent.parent)
        return None

    def _message(self, comment, page, replies):
        report = self.importer.report
        digest = "".join(part.digest[:8] for part in [comment, *replies])
        origin = self.importer.origins.get((Kind.COMMENT, comment.id))
        if origin is not None and origin.digest == digest:
            report.count("comment", "unchanged")
            return None
        message = PatientMessage.objects.filter(pk=origin.object_id).first() if origin is not None else None
        if origin is not None and message is None:
            # Deleted or erased at the clinic (perhaps on the patient's request): never brought back.
            report.skip("comment", comment.id, "its message was deleted at the clinic since the last import")
            return None
        body = plain_text(comment.content)
        if not body:
            report.skip("comment", comment.id, "no text")
            return None
        if len(body) > MAX_BODY_LENGTH:
            report.note("comment", comment.id, f"text cut to {MAX_BODY_LENGTH} characters")
            body = body[:MAX_BODY_LENGTH]
        created = message is None
        message = message or PatientMessage()
        message.site = self.importer.site
        message.page = page
        message.author_name = (comment.author or "Anonymous")[:MAX_NAME_LENGTH]
        message.author_email = _email(comment.email)
        message.body = body
        message.status = STATUSES.get(comment.approved, Status.PENDING)
        message.submitted_at = _when(comment)
        # The keyed hash only, as for new messages: an address is never stored.
        message.ip_hash = flood.ip_hash(comment.ip)
        decision = rules.decide(body, message.author_name, message.author_email, self.rules)
        message.flag_list = decision.flags
        reply_text = "\n\n".join(filter(None, (plain_text(reply.content) for reply in replies)))
        message.reply = reply_text[:MAX_REPLY_LENGTH]
        message.replied_at = max((_when(reply) for reply in replies), default=None)
        if message.status != Status.PENDING:
            message.moderated_at = message.moderated_at or message.submitted_at
        message._digest = digest
        if message.status == Status.APPROVED:
            self.changed_pages.add(page.pk)
        outcome = "created" if created else "updated"
        if replies:
            report.count("staff reply", outcome, len(replies))
        if created:
            report.count("comment", outcome)
            return message
        message.save()
        self.importer.remember(Kind.COMMENT, comment.id, message, digest, origin)
        self._log(message, page, comment.id)
        report.count("comment", outcome)
        return message

    def _log(self, message, page, wordpress_id):
        self.log_entries.append(
            ModelLogEntry(
                content_type=self.importer.content_type(PatientMessage),
                object_id=str(message.pk),
                label=rules.message_name(
                    message.author_name, page.title, timezone.localdate(message.submitted_at), self.today
                ),
                action=LOG_IMPORT,
                data={"wordpress_id": wordpress_id, "status": message.status},
                timestamp=timezone.now(),
            )
        )

    def flush(self):
        """Write the new messages, then their origins' rows and audit entries (which need the messages' ids)."""
        PatientMessage.objects.bulk_create([message for _, message, _ in self.pending], batch_size=BATCH)
        for comment_id, message, page in self.pending:
            self.importer.remember(Kind.COMMENT, comment_id, message, message._digest, None)
            self._log(message, page, comment_id)
        self.pending = []
        ModelLogEntry.objects.bulk_create(self.log_entries, batch_size=BATCH)
        self.log_entries = []

    def finish(self):
        self.flush()
        announce_public_change(self.changed_pages)
