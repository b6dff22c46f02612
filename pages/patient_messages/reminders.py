"""Urgent messages that have waited too long: the dashboard's highlight and the one reminder email per message.

A pending message flagged with urgent symptoms that has waited longer than its clinic's "remind moderators of
urgent messages after (hours)" (Clinic settings, default 4, 0 for never) is overdue. The reminder goes to the
clinic's moderators and its notification address, by a background task, once per message: the message's
`urgent_reminder_sent_at` is claimed with a conditional UPDATE first, so two runs of `remind_urgent_messages` at
once still send one email. Like the first notification, it names no patient, page or text.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.admin.mail import send_mail

from pages.clinics.models import ClinicSettings
from pages.clinics.roles import MODERATE_MESSAGES
from pages.clinics.scope import clinic_name
from pages.patient_messages import rules
from pages.patient_messages.models import PatientMessage

logger = logging.getLogger(__name__)

DEFAULT_HOURS = ClinicSettings._meta.get_field("urgent_message_reminder_hours").default


def reminder_hours(site_ids=None):
    """{site id: hours} of the clinics' settings (those without a settings row use the default). One query."""
    rows = ClinicSettings.objects.all()
    if site_ids is not None:
        rows = rows.filter(site_id__in=site_ids)
    return dict(rows.values_list("site_id", "urgent_message_reminder_hours"))


def waited_too_long(hours_by_site, now, *, site_field="site_id", submitted_field="submitted_at"):
    """A condition on messages (or, with other field names, on a join to them): submitted more than their clinic's
    number of hours before `now`. Clinics set to 0 never match; None when no clinic could match at all."""
    conditions = [
        Q(**{site_field: site_id, f"{submitted_field}__lt": now - datetime.timedelta(hours=hours)})
        for site_id, hours in hours_by_site.items()
        if hours
    ]
    if DEFAULT_HOURS:
        # Clinics without a settings row yet: the default applies, as ClinicSettings.for_site would give it.
        default = Q(**{f"{submitted_field}__lt": now - datetime.timedelta(hours=DEFAULT_HOURS)})
        conditions.append(default & ~Q(**{f"{site_field}__in": list(hours_by_site)}))
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


def overdue_urgent_messages(now):
    """Pending urgent messages past their clinic's hours that have had no reminder yet."""
    condition = waited_too_long(reminder_hours(), now)
    if condition is None:
        return PatientMessage.objects.none()
    return (
        PatientMessage.objects.pending()
        .with_flag(rules.FLAG_URGENT)
        .filter(urgent_reminder_sent_at__isnull=True)
        .filter(condition)
    )


def send_urgent_reminders(now=None):
    """Claim each overdue urgent message and queue its reminder; returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for pk in overdue_urgent_messages(now).order_by("submitted_at", "pk").values_list("pk", flat=True):
        # Claimed first: a concurrent run, or this one again, finds it taken and sends nothing.
        if PatientMessage.objects.filter(pk=pk, urgent_reminder_sent_at__isnull=True).update(
            urgent_reminder_sent_at=now
        ):
            notify_urgent_message_waiting.enqueue(pk)
            queued += 1
    return queued


def moderator_emails(site_id):
    """The email addresses of the active staff who moderate the clinic's messages (GroupSitePermission)."""
    app_label, codename = MODERATE_MESSAGES.split(".")
    users = get_user_model().objects.filter(
        is_active=True,
        groups__site_permissions__site_id=site_id,
        groups__site_permissions__permission__codename=codename,
        groups__site_permissions__permission__content_type__app_label=app_label,
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def urgent_reminder(hours, clinic, admin_url):
    """Subject and body of the reminder: how long an urgent message has waited, the clinic and the admin link only."""
    waited = f"{hours} hour{'' if hours == 1 else 's'}"
    subject = f"Urgent patient message waiting {waited} ({clinic})"
    lines = [
        f"An urgent patient message has waited {waited} for moderation at {clinic}.",
        "",
        "Log in to read it; the patient may need a phone call today:",
        admin_url,
        "",
        "To protect patients' privacy this email does not contain the message, the page, the patient's name or "
        "email address.",
    ]
    return subject, "\n".join(lines) + "\n"


@task()
def notify_urgent_message_waiting(message_id):
    """Email the clinic's moderators (and its notification address) that an urgent message is still waiting.

    Nothing is sent once the message has been moderated. Returns the emails sent.
    """
    message = PatientMessage.objects.pending().filter(pk=message_id).select_related("site").first()
    if message is None:
        return 0
    clinic = ClinicSettings.for_site(message.site)
    recipients = moderator_emails(message.site_id)
    if clinic.notification_email and clinic.notification_email not in recipients:
        recipients.append(clinic.notification_email)
    if not recipients:
        return 0
    hours = int((timezone.now() - message.submitted_at).total_seconds() // 3600)
    admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("patient_messages:inspect", args=[message.pk])
    subject, body = urgent_reminder(
        hours, clinic_name(message.site.site_name, message.site.hostname, clinic.display_name), admin_url
    )
    sent = send_mail(subject, body, recipients)
    logger.info("Urgent patient message %s: reminder sent to %s address(es).", message.pk, sent)
    return sent
