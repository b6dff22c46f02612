"""Retention: rejected and spam messages are deleted for good once the clinic's retention period has passed.

Used by the `purge_messages` command (run daily from cron in production). Log lines carry counts and site ids only.
"""

import datetime
import logging
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Site

from pages.clinics.models import ClinicSettings
from pages.clinics.scope import clinic_name
from pages.patient_messages import moderation

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = ClinicSettings._meta.get_field("message_retention_days").default


@dataclass(frozen=True)
class PurgeResult:
    site: Site
    clinic_name: str
    retention_days: int
    count: int


def clinic_names(sites):
    """Display name of each site's clinic by site id; the Site's own name for a site without clinic settings."""
    names = dict(ClinicSettings.objects.filter(site__in=sites).values_list("site_id", "display_name"))
    return {site.pk: clinic_name(site.site_name, site.hostname, names.get(site.pk)) for site in sites}


def purge_messages(sites, *, dry_run=False, now=None):
    """Delete (or with `dry_run`, count) each site's expired rejected and spam messages; one result per site.

    One DELETE per clinic: no rows are loaded, so a clinic with a large spam backlog costs one query.
    """
    now = now or timezone.now()
    sites = list(sites)
    # Read without ClinicSettings.for_site(), which creates missing settings: a dry run must change nothing.
    retention = dict(ClinicSettings.objects.filter(site__in=sites).values_list("site_id", "message_retention_days"))
    names = clinic_names(sites)
    results = []
    for site in sites:
        # The settings form refuses 0; a 0 written another way must not delete messages the moment they are
        # rejected, before anyone could restore them.
        days = max(retention.get(site.pk, DEFAULT_RETENTION_DAYS), 1)
        count = moderation.purge(site, now - datetime.timedelta(days=days), dry_run=dry_run)
        results.append(PurgeResult(site=site, clinic_name=names[site.pk], retention_days=days, count=count))
        logger.info(
            "Message retention: %s %d rejected/spam message(s) of site #%d (older than %d days).",
            "would delete" if dry_run else "deleted",
            count,
            site.pk,
            days,
        )
    return results
