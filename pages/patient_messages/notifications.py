"""The moderators' email about a new patient message, sent by a background task.

Tasks receive primary keys only: arguments are stored in the task queue (the database in production), and
nothing a patient typed may end up there, in a log or in the email. A mail outage is retried (pages.mail_retries).
"""

import logging

from django.conf import settings
from django.urls import reverse
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
