"""Staff notification emails that survive a mail outage: retried with back-off, a limit, and never sent twice.

django-tasks 0.12 and django-tasks-db 0.13 run a task once: an exception leaves its row FAILED and nothing tries
again. So a notification task sends through `deliver()`, which, when the mail server cannot be reached or answers
"try later", enqueues the same task again to run after the next delay of RETRY_DELAYS, with the attempt number as
its `attempt` keyword (the only thing added to the queue: still no patient data). After the last delay it gives up
and the row stays FAILED with the mail error. Each attempt re-reads the record first, so a message a moderator has
handled meanwhile is not announced late.

Sent means sent: the connection is opened and the message handed over before anything can be retried; an error
while hanging up afterwards is logged, never retried.
"""

import datetime
import logging
import smtplib

from django.core.mail import get_connection
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Seconds to wait after each failed attempt: 1 min, 5 min, 15 min, 1 h, 4 h; then give up (about 5 h 21 min after
# the first attempt, with six attempts in all). Long enough for a mail server to be restarted or replaced.
RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60)
FIRST_ATTEMPT = 1


class RetryScheduled(Exception):  # noqa: N818 - it is the outcome recorded on the attempt's row, not an error
    """This attempt failed and the next one is queued: the row of this attempt says so, not "given up"."""


# How the queue records an attempt that ended in RetryScheduled (DBTaskResult.exception_class_path).
_RETRY_SCHEDULED_PATH = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"


def is_transient(error):
    """Whether a mail error may go away by itself: the server unreachable, timing out, or answering 4xx.

    A permanent refusal (5xx: no such mailbox, sender not allowed) would be refused again, so it is not retried.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _reason in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    # ConnectionRefusedError, TimeoutError, socket.gaierror, SMTPServerDisconnected: all OSErrors.
    return isinstance(error, OSError)


def retry_delay(attempt):
    """Seconds before attempt `attempt + 1`, or None when `attempt` was the last one."""
    if FIRST_ATTEMPT <= attempt <= len(RETRY_DELAYS):
        return RETRY_DELAYS[attempt - 1]
    return None


def deliver(task, object_id, attempt, send):
    """Send one notification with `send(connection)`; returns what it returns (the number of emails sent).

    On a transient mail error, queue `task(object_id, attempt=attempt + 1)` after the next delay and raise
    RetryScheduled; after the last attempt, or on a permanent error, raise the error itself: the task has given up.
    """
    connection = get_connection()
    try:
        # Opened here, so that send_messages() keeps it open and hanging up is separate from sending.
        connection.open()
        sent = send(connection)
    except Exception as error:
        _hang_up(connection)
        delay = retry_delay(attempt) if is_transient(error) else None
        if delay is None or not task.get_backend().supports_defer:
            logger.error("%s for %s gave up at attempt %s: %s", task.name, object_id, attempt, type(error).__name__)
            raise
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        task.using(run_after=run_after).enqueue(object_id, attempt=attempt + 1)
        logger.warning(
            "%s for %s failed at attempt %s (%s); attempt %s at %s.",
            task.name,
            object_id,
            attempt,
            type(error).__name__,
            attempt + 1,
            run_after.isoformat(timespec="seconds"),
        )
        raise RetryScheduled(f"attempt {attempt + 1} queued for {run_after.isoformat()}") from error
    _hang_up(connection)
    return sent


def _hang_up(connection):
    # The message is with the server (or was never sent); a failing QUIT must not make the task send it again.
    try:
        connection.close()
    except Exception as error:
        logger.warning("Closing the mail connection failed: %s", type(error).__name__)


def failure_counts(tasks):
    """Notifications of `tasks` that gave up (rows still stored) and that wait for a retry: one query.

    The numbers the network admins' dashboard and /healthz/ show; rows of the immediate backend (development,
    tests) are never stored, so there they are 0.
    """
    return DBTaskResult.objects.filter(task_path__in=[task.module_path for task in tasks]).aggregate(
        failed=Count(
            "pk",
            filter=Q(status=TaskResultStatus.FAILED) & ~Q(exception_class_path=_RETRY_SCHEDULED_PATH),
        ),
        retrying=Count(
            "pk",
            filter=Q(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING], args_kwargs__kwargs__has_key="attempt"
            ),
        ),
    )
