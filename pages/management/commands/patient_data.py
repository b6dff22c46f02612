import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from pages.data_care import audit, requests

# The export is personal (health) data: readable and writable by its owner only.
EXPORT_FILE_MODE = 0o600


def write_private_file(path, text, *, force):
    """Write `text` to `path` with mode 0600. Without `force`, refuse if anything (even a link) is there.

    A new file is created with O_EXCL, so it cannot follow a planted symlink or race another writer; with `force`
    a private temporary file replaces the old one, so the export never exists, even briefly, with the old file's
    permissions.
    """
    if force:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                os.fchmod(out.fileno(), EXPORT_FILE_MODE)
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, EXPORT_FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            # The umask may have taken bits off; make the mode exactly 0600.
            os.fchmod(out.fileno(), EXPORT_FILE_MODE)
            out.write(text)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Answer a patient's request about their data: export as JSON, or erase, every patient message sent with "
        "this email address and every contact-form submission whose email field holds it (case-insensitive). "
        "Erasing blanks each message's name, email, text, IP hash and clinic reply, marks it erased and redacted "
        "and takes it off the public site (approved and pending messages become rejected), and deletes the "
        "contact-form submissions. Both are recorded in Wagtail's audit log and the application log, without the "
        "address or any of the data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--email", required=True, metavar="ADDRESS", help="The patient's email address, e.g. 'jane@example.org'."
        )
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--export",
            metavar="FILE",
            help="Write everything held about the address to FILE as JSON (created readable by you only); "
            "'-' writes to standard output.",
        )
        action.add_argument(
            "--erase",
            action="store_true",
            help="Erase everything held about the address, in one transaction. It cannot be undone.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="With --erase: only count what would be erased; change nothing.",
        )
        parser.add_argument("--force", action="store_true", help="With --export: overwrite FILE if it exists.")

    def handle(self, *args, **options):
        try:
            address = requests.normalise_email(options["email"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["dry_run"] and not options["erase"]:
            raise CommandError("--dry-run only applies to --erase (an export changes nothing but the audit log).")
        if options["force"] and options["erase"]:
            raise CommandError("--force only applies to --export.")
        # Wagtail refuses unregistered audit actions; fail before touching anything rather than half-way.
        missing = audit.missing_log_actions()
        if missing and not options["dry_run"]:
            raise CommandError(
                f"The audit-log actions {', '.join(missing)} are not registered: add "
                "hooks.register('register_log_actions', register_log_actions) to pages/data_care/wagtail_hooks.py."
            )
        if options["erase"]:
            self.erase(address, dry_run=options["dry_run"])
        else:
            self.export(address, options["export"], force=options["force"])

    def export(self, address, target, *, force):
        to_stdout = target == "-"
        if not to_stdout:
            path = Path(target)
            if not path.parent.is_dir():
                raise CommandError(f"The folder {str(path.parent)!r} does not exist.")
            if (path.exists() or path.is_symlink()) and not force:
                raise CommandError(f"{target!r} already exists; choose another file or add --force to replace it.")

        def deliver(data):
            text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
            if to_stdout:
                self.stdout.write(text, ending="")
            else:
                try:
                    write_private_file(path, text, force=force)
                except FileExistsError as exc:
                    raise CommandError(f"{target!r} already exists; add --force to replace it.") from exc
                except OSError as exc:
                    raise CommandError(f"Could not write {target!r}: {exc.strerror}.") from exc

        result = requests.export_patient_data(address, deliver)
        # With '-' the JSON owns standard output; the summary goes to standard error.
        summary = (
            f"Exported {result.messages} message(s) and {result.submissions} contact-form submission(s) to "
            f"{'standard output' if to_stdout else target}. Audit request id: {result.request_id}."
        )
        if to_stdout:
            self.stderr.write(summary, style_func=str)  # not an error: no red
        else:
            self.stdout.write(summary)

    def erase(self, address, *, dry_run):
        result = requests.erase_patient_data(address, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Would erase {result.messages} message(s) ({result.taken_offline} now on the public site) and "
                f"delete {result.submissions} contact-form submission(s). Dry run: nothing was changed."
            )
            return
        self.stdout.write(
            f"Erased {result.messages} message(s) ({result.taken_offline} taken off the public site) and deleted "
            f"{result.submissions} contact-form submission(s). Audit request id: {result.request_id}."
        )
