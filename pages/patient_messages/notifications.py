"""The moderators' email about a new patient message, and the patient's optional notice that the clinic replied,
each sent by a background task.

Tasks receive primary keys only: arguments are stored in the task queue (the database in production), and
nothing a patient typed may end up there, in a log or in the email. A mail outage is retried (pages.mail_retries).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.admin.mail import send_mail

from pages.clinics.models import ClinicSettings
from pages.clinics.scope import clinic_name
from pages.mail_retries import FIRST_ATTEMPT, deliver
from pages.patient_messages.models import PatientMessage, Status

logger = logging.getLogger(__name__)


def patient_message_notification(message, clinic):
    """Subject and body of the moderators' email: the page, the clinic, whether it is urgent and the admin link.

    Built from the page and the message's id and flags only: never its text, the patient's name or email.
    """
    admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("patient_messages:inspect", args=[message.pk])
    page_title = message.page.title
    urgent = message.is_urgent
    subject = f'New patient message on "{page_title}" ({clinic})'
    if urgent:
        subject = f"Urgent: {subject}"
    lines = [f'A new patient message is waiting for moderation on the page "{page_title}" ({clinic}).', ""]
    if urgent:
        lines += ["It is flagged urgent: please read it today.", ""]
    lines += [
        "Log in to read and moderate it:",
        admin_url,
        "",
        "To protect patients' privacy this email does not contain the message, the patient's name or email "
        "address. Please do not forward messages by email.",
    ]
    return subject, "\n".join(lines) + "\n"


@task()
def notify_new_patient_message(message_id, attempt=FIRST_ATTEMPT):
    """Email the clinic's notification address that a message awaits moderation; returns the emails sent.

    Only a pending message is announced: spam never is, and one a moderator already handled (also while the mail
    server was away and this waited for a retry) needs no reminder.
    """
    message = PatientMessage.objects.filter(pk=message_id, status=Status.PENDING).select_related("page", "site").first()
    if message is None:
        return 0
    clinic = ClinicSettings.for_site(message.site)
    if not clinic.notification_email:
        return 0
    subject, body = patient_message_notification(
        message, clinic_name(message.site.site_name, message.site.hostname, clinic.display_name)
    )
    sent = deliver(
        notify_new_patient_message,
        message_id,
        attempt,
        lambda connection: send_mail(subject, body, [clinic.notification_email], connection=connection),
    )
    logger.info("Patient message %s on page %s: %s notification email(s) sent.", message.pk, message.page_id, sent)
    return sent


# --- The patient's reply notice --------------------------------------------------------------------------------------


def reply_is_public(message):
    """Whether the clinic's reply shows on the page: the message is approved, has a reply and was not erased."""
    return message.status == Status.APPROVED and bool(message.reply) and message.erased_at is None


def announce_reply_when_committed(message):
    """Queue the patient's reply notice once this transaction commits, if they asked for one and the reply is public.

    Moderation calls this after every change that can publish a reply (a reply on an approved message, approving a
    message that has one); the task checks again, so a change undone in the meantime sends nothing.
    """
    if message.reply_notice and reply_is_public(message):
        transaction.on_commit(lambda: notify_reply_published.enqueue(message.pk))


def reply_notice(message, clinic):
    """Subject and body of the patient's email: only that `clinic` replied on the page, and the page's address.

    Nothing of the message, the reply or the patient's name: an inbox is not a private place, and the page says it.
    """
    page_title = message.page.title
    subject = f"{clinic} replied to your message"
    body = (
        f'{clinic} has replied to your message on the page "{page_title}". Read the reply here:\n'
        f"{message.page.get_full_url()}#message-{message.pk}\n\n"
        "You asked for this email when you left your message. It is the only one we send about it, and your email "
        "address is used for nothing else.\n"
    )
    return subject, body


@task()
def notify_reply_published(message_id):
    """Email the patient, once, that the clinic's reply to their message is public; returns the emails sent (0 or 1).

    The request is taken (cleared) before the email goes, in one UPDATE, so two workers never both send it.
    """
    message = PatientMessage.objects.filter(pk=message_id, reply_notice=True).select_related("page", "site").first()
    if message is None or not reply_is_public(message) or not message.author_email:
        return 0
    taken = PatientMessage.objects.filter(pk=message.pk, reply_notice=True).update(
        reply_notice=False, reply_notice_sent_at=timezone.now()
    )
    if not taken:
        return 0
    clinic = ClinicSettings.for_site(message.site)
    subject, body = reply_notice(
        message, clinic_name(message.site.site_name, message.site.hostname, clinic.display_name)
    )
    sent = send_mail(subject, body, [message.author_email])
    logger.info("Patient message %s on page %s: reply notice sent.", message.pk, message.page_id)
    return sent
