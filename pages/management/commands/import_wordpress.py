"""Import a clinic's WordPress site (Tools > Export > All content) into the clinic's tree and collection."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pages.wordpress.importer import Importer, ImportRefused
from pages.wordpress.reader import ExportError

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2) into one clinic: pages, posts, attachments, comments and old links. "
        "Running it again updates what it imported and never duplicates it."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WordPress export file, e.g. clinic.WordPress.2026-12-01.xml.")
        parser.add_argument("--clinic", required=True, help="The clinic's hostname, e.g. ascpm.example.org.")
        parser.add_argument(
            "--uploads", help="A copy of the old site's wp-content/uploads folder; without it, no files are imported."
        )
        parser.add_argument("--dry-run", action="store_true", help="Do everything, then undo it: nothing is saved.")
        parser.add_argument("--report", help="Also write the full report (every skipped item and why) to this file.")

    def handle(self, *args, export, clinic, uploads=None, dry_run=False, report=None, **options):
        if uploads and not Path(uploads).is_dir():
            raise CommandError(
                f"The uploads folder {uploads} does not exist (or is not a folder). Nothing was changed."
            )
        if report and not Path(report).resolve().parent.is_dir():
            raise CommandError(f"The report cannot be written to {report}: its folder does not exist.")
        try:
            importer = Importer(clinic, export, uploads=uploads, dry_run=dry_run, progress=self.progress)
            result = importer.run()
        except (ExportError, ImportRefused) as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        if self._bar_shown:
            self.stderr.write("")
        for line in result.summary_lines():
            self.stdout.write(line)
        if report:
            Path(report).write_text(result.text(), encoding="utf-8")
            self.stdout.write(f"Full report: {report}")

    _bar_shown = False
    _last_step = -1

    def progress(self, done, total):
        """A bar on the error stream, redrawn each 1% (every post on a terminal would slow a long run down)."""
        if not total:
            return
        step = done * 100 // total
        if step == self._last_step and done != total:
            return
        self._last_step = step
        filled = BAR_WIDTH * done // total
        self._bar_shown = True
        end = "\r" if sys.stderr.isatty() and done != total else "\n"
        if end == "\n" and step % 10 and done != total:
            return  # not a terminal: a line every 10% is enough
        self.stderr.write(f"Posts [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending=end)
