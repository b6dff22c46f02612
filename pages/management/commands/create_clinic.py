import argparse

from django.core.management.base import BaseCommand, CommandError

from pages.clinics.onboarding import ClinicInputError, create_or_update_clinic
from pages.clinics.starter import add_starter_content


def port_number(value):
    """argparse type: report a non-number port as the same clear error as an out-of-range one."""
    try:
        return int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"The port must be a whole number from 1 to 65535, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Create a clinic (Site, home page, image/document collection, settings, editor/reviewer/moderator groups "
        "and review workflow), or bring an existing clinic with the same name up to date. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The clinic's name, e.g. 'Spinal Diagnostics'.")
        parser.add_argument(
            "--hostname", required=True, help="The hostname its site answers on, e.g. 'spinaldiagnostics.example.com'."
        )
        parser.add_argument(
            "--port", type=port_number, default=80, help="The port in the site's public URLs (default 80)."
        )
        parser.add_argument("--display-name", help="Name shown to patients (default: --name, on creation).")
        parser.add_argument("--short-description", help="A line shown under the name.")
        parser.add_argument("--phone", help="Phone number as shown to patients, e.g. '(217) 555-0142'.")
        parser.add_argument("--address", help="Postal address; separate lines with '\\n'.")
        parser.add_argument("--opening-hours", help="Opening hours; separate lines with '\\n'.")
        parser.add_argument("--notification-email", help="Address for staff notifications.")
        parser.add_argument("--brand-colour", help="Header colour as #rrggbb, e.g. '#0b6e69'.")
        parser.add_argument(
            "--starter",
            action="store_true",
            help="Also add starter content where it is missing, each as a draft to review: a home introduction, "
            "a contact page, a privacy notice and a treatments index.",
        )

    def handle(self, *args, **options):
        settings_values = {
            key: options[key].replace("\\n", "\n") if isinstance(options[key], str) else options[key]
            for key in (
                "display_name",
                "short_description",
                "phone",
                "address",
                "opening_hours",
                "notification_email",
                "brand_colour",
            )
        }
        try:
            result = create_or_update_clinic(options["name"], options["hostname"], options["port"], **settings_values)
        except ClinicInputError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Created" if result.created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} clinic {result.site.site_name!r} at {result.site.root_url}/")
            + "\nGroups: "
            + ", ".join(group.name for group in result.groups.values())
        )
        if options["starter"]:
            self.write_starter(add_starter_content(result))

    def write_starter(self, items):
        self.stdout.write("Starter content (drafts: review, complete and publish each one):")
        for item in items:
            state = "added as a draft" if item.added else "already there, left as it is"
            self.stdout.write(f"  {item.label}: {state}  {item.edit_url}")
