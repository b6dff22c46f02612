"""Remind moderators of urgent patient messages that have waited longer than their clinic allows (see reminders.py).

Run it from cron every 15 minutes; each message gets one reminder, however often it runs.
"""

from django.core.management.base import BaseCommand

from pages.patient_messages.reminders import send_urgent_reminders


class Command(BaseCommand):
    help = (
        "Email each clinic's moderators once about every pending urgent message that has waited longer than the "
        "clinic's 'remind moderators of urgent messages after (hours)'. Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        queued = send_urgent_reminders()
        self.stdout.write(f"{queued} urgent message reminder{'' if queued == 1 else 's'} queued.")
