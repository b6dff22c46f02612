from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from pages.data_care.retention import purge_messages


def sites_for(clinic):
    """The Sites matching --clinic ("hostname" or "hostname:port"), or CommandError naming the known ones."""
    sites = Site.objects.order_by("hostname", "port")
    if clinic is None:
        return list(sites)
    hostname, _, port = clinic.strip().partition(":")
    matching = sites.filter(hostname__iexact=hostname)
    if port:
        matching = matching.filter(port=int(port)) if port.isdigit() else matching.none()
    if not matching:
        known = ", ".join(sites.values_list("hostname", flat=True).distinct()) or "none yet"
        raise CommandError(f"No clinic has the hostname {clinic!r}. Known clinics: {known}.")
    return list(matching)


class Command(BaseCommand):
    help = (
        "Delete rejected and spam patient messages once each clinic's retention period has passed ('keep rejected "
        "and spam messages for (days)' in Clinic settings, default 30). The period runs from when a moderator "
        "rejected the message or marked it spam, so a moderator always has the full period to restore a wrong "
        "decision; for messages classed as spam on arrival, from when they were sent. Pending and approved "
        "messages are never deleted. Meant to run once a day, e.g. from cron: "
        "'30 3 * * * cd /srv/clinic && .venv/bin/python manage.py purge_messages'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be deleted, per clinic; change nothing.",
        )
        parser.add_argument(
            "--clinic",
            metavar="HOSTNAME",
            help="Only this clinic, by its site's hostname, e.g. 'ascpm.example.com' (add ':PORT' if several "
            "sites share the hostname). Default: every clinic.",
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        results = purge_messages(sites_for(options["clinic"]), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for result in results:
            self.stdout.write(
                f"{result.clinic_name} ({result.site.hostname}): {verb} {result.count} rejected or spam "
                f"message(s) older than {result.retention_days} days"
            )
        total = sum(result.count for result in results)
        summary = f"Total: {verb} {total} message(s) in {len(results)} clinic(s)."
        self.stdout.write(summary + (" Dry run: nothing was deleted." if dry_run else ""))
