"""`manage.py resend_notifications [--dry-run] [--user NAME]`: queue again the staff notifications that gave up.

A mail outage longer than the retries (pages/mail_retries.py) leaves notification tasks FAILED; the network admins'
dashboard and /healthz/ count them. Once the mail server works again, this queues each of them once more, from its
first attempt (db_worker sends them), marks the old row as re-sent and writes an audit entry for each, naming the
network admin given with --user. Each notification re-reads its message or submission when it runs, so one handled
or deleted meanwhile is not announced. --dry-run only counts.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pages.mail_retries import resend_given_up
from pages.public.health import notification_tasks


class Command(BaseCommand):
    help = "Queue again the staff notification emails that gave up after their retries (see --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say how many would be queued again.")
        parser.add_argument("--user", help="The network admin (superuser) re-sending them, for the audit log.")

    def handle(self, *args, dry_run=False, user=None, **options):
        admin = None
        if user:
            admin = get_user_model().objects.filter(username=user, is_superuser=True, is_active=True).first()
            if admin is None:
                raise CommandError(f"No active network admin (superuser) is called {user!r}.")
        count = resend_given_up(notification_tasks(), user=admin, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{count} notification(s) gave up and would be queued again (dry run: nothing changed).")
        else:
            self.stdout.write(f"{count} notification(s) queued again; db_worker sends them.")
