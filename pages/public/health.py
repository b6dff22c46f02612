"""/healthz/ for load balancers and monitoring, and the notification counts network admins see on their dashboard.

It answers on any host (ClinicHostMiddleware lets it through) and says nothing about any clinic or patient: only
whether the database and the shared cache answer, and how many staff notification emails gave up or wait for a
retry (pages.mail_retries). The status code is the load balancer's question, "can this process serve?": 503 only
when the database does not answer. A cache outage leaves pages serving (with the flood limit as the cache allows),
so it is reported in the body for monitoring, not by taking every app server out of the pool at once.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pages.mail_retries import failure_counts

logger = logging.getLogger(__name__)

OK, ERROR = "ok", "error"
CACHE_PROBE_KEY = "healthz:probe"
# Load balancers ask every few seconds on every app server; the counts may be this many seconds old.
COUNTS_CACHE_KEY = "healthz:notification-failures"
COUNTS_CACHE_SECONDS = 30


def notification_tasks():
    """Every staff-notification task that retries a mail outage."""
    # Importing a task loads the task backends: not at import time of the URLconf or the admin hooks.
    from pages.contact.notifications import notify_form_submission
    from pages.patient_messages.notifications import notify_new_patient_message

    return (notify_new_patient_message, notify_form_submission)


def notification_failures(use_cache=True):
    """{"failed": given up, "retrying": waiting for a retry}, at most COUNTS_CACHE_SECONDS old."""
    if use_cache:
        try:
            counts = cache.get(COUNTS_CACHE_KEY)
        except Exception:
            counts, use_cache = None, False  # the cache is away: count in the database
        if counts is not None:
            return counts
    counts = failure_counts(notification_tasks())
    if use_cache:
        cache.set(COUNTS_CACHE_KEY, counts, COUNTS_CACHE_SECONDS)
    return counts


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.set(CACHE_PROBE_KEY, OK, 10)
    if cache.get(CACHE_PROBE_KEY) != OK:
        raise RuntimeError("the cache did not return what was just stored")


def _probe(name, check):
    try:
        check()
    except Exception as error:
        logger.warning("Health check: the %s does not answer (%s).", name, type(error).__name__)
        return ERROR
    return OK


@never_cache
@require_safe
def healthz(request):
    """JSON: {"status", "database", "cache", "notifications": {"failed", "retrying"} or null when they could not be
    counted}; 503 without a database."""
    database = _probe("database", _database)
    cache_status = _probe("cache", _cache)
    notifications = None
    if database == OK:
        try:
            notifications = notification_failures(use_cache=cache_status == OK)
        except Exception as error:
            # The task table locked or missing (a migration running): still an answer, never a 500.
            logger.warning("Health check: the notification counts failed (%s).", type(error).__name__)
    healthy = database == OK and cache_status == OK and notifications is not None
    body = {
        "status": OK if healthy else ERROR,
        "database": database,
        "cache": cache_status,
        "notifications": notifications,
    }
    return JsonResponse(body, status=200 if database == OK else 503)
