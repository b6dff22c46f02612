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

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import log

logger = logging.getLogger(__name__)

# Seconds to wait after each failed attempt: 1 min, 5 min, 15 min, 1 h, 4 h; then give up (about 5 h 21 min after
# the first attempt, with six attempts in all). Long enough for a mail server to be restarted or replaced. The
# setting NOTIFICATION_RETRY_DELAYS replaces them (the reliability suite shortens the outage it waits through).
RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60)
FIRST_ATTEMPT = 1
LOG_RESEND = "pages.notification.resend"
LOG_ACTIONS = {LOG_RESEND: ("Re-send staff notification", "Re-sent after it gave up")}


class Resent(Exception):  # noqa: N818 - recorded on a given-up row once a network admin re-sent it
    """This notification gave up, and a network admin queued it again: no longer counted as given up."""


class RetryScheduled(Exception):  # noqa: N818 - it is the outcome recorded on the attempt's row, not an error
    """This attempt failed and the next one is queued: the row of this attempt says so, not "given up"."""


# How the queue records an attempt that ended in RetryScheduled (DBTaskResult.exception_class_path).
_RETRY_SCHEDULED_PATH = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"
_RESENT_PATH = f"{Resent.__module__}.{Resent.__qualname__}"


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


def retry_delays():
    """The delays in force: the setting NOTIFICATION_RETRY_DELAYS, else RETRY_DELAYS."""
    return tuple(getattr(settings, "NOTIFICATION_RETRY_DELAYS", None) or RETRY_DELAYS)


def retry_delay(attempt):
    """Seconds before attempt `attempt + 1`, or None when `attempt` was the last one."""
    delays = retry_delays()
    if FIRST_ATTEMPT <= attempt <= len(delays):
        return delays[attempt - 1]
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


# A row that gave up: failed, and neither followed by a retry nor re-sent since.
_GAVE_UP = Q(status=TaskResultStatus.FAILED) & ~Q(exception_class_path__in=[_RETRY_SCHEDULED_PATH, _RESENT_PATH])


def failure_counts(tasks):
    """Notifications of `tasks` that gave up (rows still stored) and that wait for a retry: one query.

    The numbers the network admins' dashboard and /healthz/ show; rows of the immediate backend (development,
    tests) are never stored, so there they are 0.
    """
    return DBTaskResult.objects.filter(task_path__in=[task.module_path for task in tasks]).aggregate(
        failed=Count("pk", filter=_GAVE_UP),
        retrying=Count(
            "pk",
            filter=Q(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING], args_kwargs__kwargs__has_key="attempt"
            ),
        ),
    )


def register_log_actions(actions):
    """Wagtail `register_log_actions` hook: re-sending a notification that gave up."""
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


def given_up(tasks):
    """The rows of `tasks` that gave up, oldest first."""
    return DBTaskResult.objects.filter(_GAVE_UP, task_path__in=[task.module_path for task in tasks]).order_by(
        "enqueued_at", "pk"
    )


def resend_given_up(tasks, user=None, dry_run=False):
    """Queue every notification of `tasks` that gave up once more, from its first attempt; returns how many.

    Each given-up row is marked Resent (it keeps its status and its mail error, and is no longer counted as given
    up) in the same transaction as its new task is queued, and gets an audit entry naming who re-sent it. Rows are
    locked while this runs, so two admins re-sending at once queue each notification once.
    """
    by_path = {task.module_path: task for task in tasks}
    count = 0
    with transaction.atomic():
        for row in given_up(tasks).select_for_update(skip_locked=True):
            count += 1
            if dry_run:
                continue
            object_id = row.args_kwargs["args"][0]
            by_path[row.task_path].enqueue(object_id)
            row.exception_class_path = _RESENT_PATH
            row.save(update_fields=["exception_class_path"])
            log(row, LOG_RESEND, user=user, title=f"{row.task_path.rpartition('.')[2]} #{object_id}")
    if count and not dry_run:
        logger.warning("%s given-up notification(s) queued again.", count)
    return count
