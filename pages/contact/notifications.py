"""The staff notification of a contact-form submission, sent by a background task.

The task receives the submission's primary key only: nothing a patient typed goes into the task queue or a log.
A mail outage is retried (pages.mail_retries).
"""

import logging

from django_tasks import task
from wagtail.contrib.forms.models import FormSubmission

from pages.mail_retries import FIRST_ATTEMPT, deliver

logger = logging.getLogger(__name__)


@task()
def notify_form_submission(submission_id, attempt=FIRST_ATTEMPT):
    """Tell the form page's staff that a submission arrived, without its content; returns the emails sent.

    Runs after the request, so a slow or failing mail server never delays or loses the patient's submission.
    """
    submission = FormSubmission.objects.filter(pk=submission_id).select_related("page").first()
    if submission is None:
        # Deleted (e.g. by a moderator) before the worker got to it: nothing to announce.
        return 0
    page = submission.page.specific
    send_notification = getattr(page, "send_submission_notification", None)
    if send_notification is None:
        logger.warning("Form submission %s is on page %s, which sends no notifications.", submission_id, page.pk)
        return 0
    if not page.notification_recipients():
        return 0  # no address to tell: no mail connection to open (or to retry)
    sent = deliver(
        notify_form_submission,
        submission_id,
        attempt,
        lambda connection: send_notification(connection, submission_id=submission_id),
    )
    logger.info("Form submission %s on page %s: %s notification email(s) sent.", submission_id, page.pk, sent)
    return sent
