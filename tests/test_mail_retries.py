"""Staff notifications through a mail outage: queued again with back-off, given up after the limit, sent once.

These run the production queue (django-tasks-db) and its real worker command against a mail backend that refuses
every connection, switched by settings as an outage would switch it.
"""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import ModelLogEntry

from pages import mail_retries
from pages.contact.notifications import notify_form_submission
from pages.mail_retries import RETRY_DELAYS, RetryScheduled, failure_counts, is_transient, retry_delay
from pages.patient_messages.models import PatientMessage, Status
from pages.patient_messages.notifications import notify_new_patient_message
from tests.factories import PatientMessageFactory, UserFactory
from tests.patient_messages.support import send
from tests.support import (
    HANG_UP_FAILS_EMAIL_BACKEND,
    LOCMEM_EMAIL_BACKEND,
    REFUSING_EMAIL_BACKEND,
    run_task_worker,
    use_mail_outage_queue,
)

NOTIFICATION_TASKS = (notify_new_patient_message, notify_form_submission)
RETRY_SCHEDULED = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"


@pytest.fixture
def queue(settings, monkeypatch):
    use_mail_outage_queue(settings, monkeypatch)


def notification_rows():
    """The queue's rows of staff notifications (building pages queues Wagtail's own index tasks too)."""
    return DBTaskResult.objects.filter(task_path__in=[task.module_path for task in NOTIFICATION_TASKS])


def waiting():
    return notification_rows().filter(status=TaskResultStatus.READY)


def make_due():
    """What waiting for the retry's run_after would do, without the wait."""
    waiting().update(run_after=timezone.now())


def only_waiting_row():
    rows = list(waiting())
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(params=["patient message", "contact form"])
def notification(request, procedure_a, contact_page):
    """(task, id) of either kind of staff notification, for a record that is to be announced."""
    if request.param == "patient message":
        return notify_new_patient_message, PatientMessageFactory(page=procedure_a, status=Status.PENDING).pk
    submission = FormSubmission.objects.create(page=contact_page, form_data={"message": "Is parking free?"})
    return notify_form_submission, submission.pk


# --- The rules ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPResponseException(421, b"try again later"), True),
        (smtplib.SMTPRecipientsRefused({"staff@ascpm.test": (451, b"greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"staff@ascpm.test": (550, b"no such mailbox")}), False),
        (smtplib.SMTPSenderRefused(553, b"sender not allowed", "clinic@localhost"), False),
        (ValueError("a bug, not the mail server"), False),
    ],
)
def test_only_errors_that_may_pass_by_themselves_are_retried(error, transient):
    assert is_transient(error) is transient


def test_the_delays_grow_and_stop_after_the_last():
    assert [retry_delay(attempt) for attempt in range(1, len(RETRY_DELAYS) + 2)] == [*RETRY_DELAYS, None]
    assert RETRY_DELAYS == (60, 300, 900, 3600, 14400)


# --- Through the queue ----------------------------------------------------------------------------------------------


def test_a_refused_notification_is_queued_again_a_minute_later(notification, queue):
    task, object_id = notification
    task.enqueue(object_id)
    before = timezone.now()

    run_task_worker()

    first = notification_rows().get(args_kwargs__kwargs={})
    assert first.status == TaskResultStatus.FAILED
    assert first.exception_class_path == RETRY_SCHEDULED
    assert "ConnectionRefusedError" in first.traceback  # why, for whoever reads the row
    retry = only_waiting_row()
    assert retry.task_path == task.module_path
    assert retry.args_kwargs == {"args": [object_id], "kwargs": {"attempt": 2}}
    expected = before + datetime.timedelta(seconds=60)
    assert expected - datetime.timedelta(seconds=5) <= retry.run_after <= expected + datetime.timedelta(seconds=30)
    assert not mail.outbox
    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 0, "retrying": 1}


def test_retries_back_off_then_give_up_after_the_last_with_the_mail_error(notification, queue):
    task, object_id = notification
    task.enqueue(object_id)
    delays = []

    for _ in range(len(RETRY_DELAYS) + 3):  # bounded: more rounds than attempts, in case it never gives up
        started = timezone.now()
        run_task_worker()
        if not waiting().exists():
            break
        delays.append(round((only_waiting_row().run_after - started).total_seconds() / 60))
        make_due()

    assert delays == [1, 5, 15, 60, 240]
    rows = notification_rows().order_by("enqueued_at")
    assert [row.status for row in rows] == [TaskResultStatus.FAILED] * (len(RETRY_DELAYS) + 1)
    assert [row.args_kwargs["kwargs"].get("attempt", 1) for row in rows] == [1, 2, 3, 4, 5, 6]
    # The last attempt's row records the outage itself: this one gave up.
    assert rows.last().exception_class_path == "builtins.ConnectionRefusedError"
    assert not mail.outbox
    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 1, "retrying": 0}


def test_once_the_mail_server_is_back_the_retry_sends_exactly_once(notification, queue, settings):
    task, object_id = notification
    task.enqueue(object_id)
    run_task_worker()
    run_task_worker()  # another worker pass before the retry is due: nothing is sent or queued twice
    assert waiting().count() == 1

    settings.EMAIL_BACKEND = LOCMEM_EMAIL_BACKEND
    make_due()
    run_task_worker()
    run_task_worker()

    assert len(mail.outbox) == 1
    assert notification_rows().get(status=TaskResultStatus.SUCCESSFUL).return_value == 1
    assert not waiting().exists()
    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 0, "retrying": 0}


def test_a_connection_that_breaks_after_sending_is_not_sent_again(notification, queue, settings):
    task, object_id = notification
    settings.EMAIL_BACKEND = HANG_UP_FAILS_EMAIL_BACKEND
    task.enqueue(object_id)

    run_task_worker()

    assert len(mail.outbox) == 1
    assert notification_rows().get().status == TaskResultStatus.SUCCESSFUL
    assert not waiting().exists()


class _Sender:
    """A mail connection whose sending raises what a server answered; opening and closing work."""

    def __init__(self, raise_error):
        self.raise_error = raise_error

    def open(self):
        return True

    def send_messages(self, email_messages):
        self.raise_error(self)

    def close(self):
        return None


def test_a_permanent_refusal_gives_up_at_once(notification, queue, monkeypatch):
    task, object_id = notification

    def refuse_recipient(connection):
        raise smtplib.SMTPRecipientsRefused({"staff@ascpm.test": (550, b"no such mailbox")})

    monkeypatch.setattr(mail_retries, "get_connection", lambda: _Sender(refuse_recipient))
    task.enqueue(object_id)

    run_task_worker()

    assert notification_rows().get().exception_class_path == "smtplib.SMTPRecipientsRefused"
    assert not waiting().exists()
    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 1, "retrying": 0}


def test_a_message_moderated_while_the_mail_server_was_away_is_not_announced_late(procedure_a, queue, settings):
    message = PatientMessageFactory(page=procedure_a, status=Status.PENDING)
    notify_new_patient_message.enqueue(message.pk)
    run_task_worker()
    message.status = Status.APPROVED
    message.save(update_fields=["status"])

    settings.EMAIL_BACKEND = LOCMEM_EMAIL_BACKEND
    make_due()
    run_task_worker()

    assert not mail.outbox
    assert notification_rows().get(status=TaskResultStatus.SUCCESSFUL).return_value == 0


def test_without_a_queue_that_can_wait_a_refused_notification_gives_up_and_the_message_is_kept(
    settings, client, procedure_a, django_capture_on_commit_callbacks
):
    """The immediate backend (development, this test suite) cannot run a task later: the patient is still thanked."""
    settings.EMAIL_BACKEND = REFUSING_EMAIL_BACKEND

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, procedure_a)

    assert response.status_code == 302
    assert PatientMessage.objects.get().status == Status.PENDING
    assert not mail.outbox


# --- The delays as a setting, and re-sending what gave up ------------------------------------------------------------


def test_the_retry_delays_come_from_the_setting_when_it_is_set(settings):
    settings.NOTIFICATION_RETRY_DELAYS = (2, 3)

    assert [retry_delay(attempt) for attempt in (1, 2, 3)] == [2, 3, None]


def give_up(task, object_id, settings):
    """Run `task` through an outage with a single short retry, until it gives up."""
    settings.NOTIFICATION_RETRY_DELAYS = (1,)
    task.enqueue(object_id)
    run_task_worker()
    make_due()
    run_task_worker()
    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 1, "retrying": 0}


def resend(*args):
    out = StringIO()
    call_command("resend_notifications", *args, stdout=out)
    return out.getvalue()


def test_resend_dry_run_counts_what_gave_up_and_changes_nothing(notification, queue, settings):
    task, object_id = notification
    give_up(task, object_id, settings)
    rows_before = notification_rows().count()

    assert "1 notification(s) gave up and would be queued again (dry run" in resend("--dry-run")

    assert notification_rows().count() == rows_before
    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 1, "retrying": 0}


def test_a_resent_notification_is_delivered_once_and_audited(notification, queue, settings):
    task, object_id = notification
    give_up(task, object_id, settings)
    admin = UserFactory(username="network-admin", is_superuser=True)

    assert "1 notification(s) queued again" in resend("--user", "network-admin")
    # Re-sending again queues nothing more: the given-up row is marked re-sent.
    assert "0 notification(s) queued again" in resend()

    settings.EMAIL_BACKEND = LOCMEM_EMAIL_BACKEND
    run_task_worker()
    run_task_worker()
    assert len(mail.outbox) == 1
    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 0, "retrying": 0}
    entry = ModelLogEntry.objects.get(action=mail_retries.LOG_RESEND)
    assert entry.user == admin
    assert entry.label.endswith(f"#{object_id}")


def test_resend_refuses_a_user_who_is_not_a_network_admin(notification, queue, settings):
    task, object_id = notification
    give_up(task, object_id, settings)
    UserFactory(username="editor", is_superuser=False)

    with pytest.raises(CommandError, match="network admin"):
        resend("--user", "editor")

    assert failure_counts(NOTIFICATION_TASKS) == {"failed": 1, "retrying": 0}
