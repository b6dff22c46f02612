from django.core.management.base import BaseCommand

from pages.library.setup import ensure_library


class Command(BaseCommand):
    help = (
        "Create the procedure library (a page tree no clinic's site serves), its 'Library editors' and 'Library "
        "medical reviewers' groups and its medical review workflow, or bring them up to date. Safe to run again."
    )

    def handle(self, *args, **options):
        root = ensure_library()
        self.stdout.write(f"Procedure library ready: page {root.pk}. Add network staff to its two groups.")
