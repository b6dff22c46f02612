"""The clinic reviewers' email that a library page their clinic adopted has changed, sent by a background task.

Content-free: the clinic's name and an admin link only. Not the page's title or text (the master's words are the
network's, the copy's may be the clinic's own), so nothing of either sits in a mailbox or the task queue.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task
from wagtail.admin.mail import send_mail

from pages.clinics.scope import clinic_name
from pages.library.records import LibraryAdoption
from pages.mail_retries import FIRST_ATTEMPT, deliver

logger = logging.getLogger(__name__)

COMPARE_URL_NAME = "pages_library_compare"


def clinic_reviewers(site):
    """Active users with email in the clinic's groups that may publish its pages (its medical reviewers)."""
    return (
        get_user_model()
        .objects.filter(
            groups__page_permissions__page=site.root_page_id,
            groups__page_permissions__permission__codename="publish_page",
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def library_update_notification(adoption, clinic):
    admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(COMPARE_URL_NAME, args=[adoption.pk])
    subject = f"Library update waiting for {clinic}"
    body = (
        f"A page of the procedure library that {clinic} adopted has a new reviewed version.\n\n"
        "Log in to compare it with your page and choose, section by section, to take the new text or keep your "
        f"own:\n{admin_url}\n\n"
        "Nothing changes on your site until your clinic's medical review approves it.\n"
    )
    return subject, body


@task()
def notify_library_update(adoption_id, attempt=FIRST_ATTEMPT):
    """Email the clinic's medical reviewers that an adopted master changed; returns the emails sent."""
    adoption = LibraryAdoption.objects.filter(pk=adoption_id).select_related("site", "master").first()
    if adoption is None or adoption.master.live_revision_id in (None, adoption.master_revision_id):
        return 0
    site = adoption.site
    recipients = list(clinic_reviewers(site).values_list("email", flat=True))
    if not recipients:
        return 0
    subject, body = library_update_notification(adoption, clinic_name(site.site_name, site.hostname))
    sent = deliver(
        notify_library_update,
        adoption_id,
        attempt,
        lambda connection: send_mail(subject, body, recipients, connection=connection),
    )
    logger.info("Library adoption %s: %s update email(s) sent.", adoption.pk, sent)
    return sent
