"""Helpers shared by tests of more than one app."""

import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command, load_command_class

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SETUP = "import django; django.setup(); from django.conf import settings as s; "


def python(code, **env):
    """Run `code` in a fresh interpreter with only the given environment (plus PATH)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def printed_by_settings(code, **env):
    """The words `code` prints, with the settings loaded as `s`, in a fresh interpreter that must start cleanly."""
    result = python(SETTINGS_SETUP + code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def all_cache_keys():
    """Every key in the default cache: LocMemCache's dict in the SQLite run, Redis's KEYS in the services run."""
    backend = cache._cache
    if hasattr(backend, "get_client"):
        return [key.decode() for key in backend.get_client().keys("*")]
    return list(backend)


def assert_notification_waits_for_commit(capture_on_commit_callbacks, submit):
    """`submit()` queues exactly one notification for after the commit and sends nothing before it."""
    with capture_on_commit_callbacks(execute=False) as callbacks:
        submit()

    assert len(callbacks) == 1
    assert not mail.outbox


def assert_all_in(text, *parts):
    """Each of `parts` appears in `text`; a failure lists every one that is missing."""
    missing = [part for part in parts if part not in text]
    assert not missing, f"not found: {missing}"


def logged_in_as_each(client, users, queries):
    """Log `client` in as each of `users` in turn and, for each, yield every one of `queries`."""
    for user in users:
        client.force_login(user)
        yield from queries


def exit_code_and_stderr(monkeypatch, capsys, name, *args, app="pages"):
    """Run a command as `manage.py` does (run_from_argv), to see its exit status and what the operator reads."""
    # run_from_argv closes every database connection when it ends, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        load_command_class(app, name).run_from_argv(["manage.py", name, *args])
    return exited.value.code, capsys.readouterr().err


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down: every connection is refused, as SMTP's socket connect is during an outage."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        self.open()


class HangUpFailsEmailBackend(locmem.EmailBackend):
    """Delivers (to mail.outbox), then the connection breaks while saying goodbye: a QUIT nobody answered."""

    def close(self):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


REFUSING_EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
HANG_UP_FAILS_EMAIL_BACKEND = f"{__name__}.HangUpFailsEmailBackend"
LOCMEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The production queue (django-tasks-db), for tests whose point is what is queued; the test settings run tasks
# at once.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def use_mail_outage_queue(settings, monkeypatch):
    """Tasks go to the database queue, and the mail server refuses connections until the test says otherwise."""
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = REFUSING_EMAIL_BACKEND
    # The worker closes connections that are not in autocommit mode, as the test's transaction is not.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_task_worker():
    """The production worker (`manage.py db_worker`), until nothing is due."""
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
