from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pages.demo.build import build_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo clinics (ASCPM and Spinal Diagnostics on *.localhost), their content and demo "
        "accounts. Safe to run again. Refuses to run unless the settings allow demo data (dev and test only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=8000, help="Port the development server listens on (default 8000)."
        )

    def handle(self, *args, **options):
        if not getattr(settings, "ALLOW_DEMO_DATA", False):
            raise CommandError(
                "Demo data has well-known passwords and is only for development: these settings do not allow it "
                "(ALLOW_DEMO_DATA is off, as in production)."
            )
        if not 1 <= options["port"] <= 65535:
            raise CommandError(f"The port must be from 1 to 65535, not {options['port']}.")
        # The embedded default cache is a database table; every flow that seeds a development database (`make run`,
        # the browser tests) gets it here too. Idempotent, and a no-op when the cache is Redis.
        call_command("createcachetable", verbosity=0)
        for line in build_demo(port=options["port"]):
            self.stdout.write(line)
