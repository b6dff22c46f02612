"""Which clinic a request is for, decided once, before any other code looks at the Host.

The answer for each (hostname, port) is remembered by each process, as it is asked on every request. A change to
any Site (or to a clinic's home page, which the Site carries) bumps a generation token in the shared Django cache;
every process reads that token once per request and forgets its answers when it differs, so a new clinic or a
changed hostname reaches every worker on their next request.
"""

import copy
import logging
import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from django.shortcuts import render
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

# Paths a platform host (one that is not a clinic, e.g. the admin's own hostname) may serve. Documents are served
# there to signed-in network admins only (isolation/public.py: the user is not known yet at this point); Django
# routes /media/ only with DEBUG.
PLATFORM_PATH_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/")
# Load balancers probe by IP address; the answer names no clinic, so any host may ask.
ANY_HOST_PATHS = ("/healthz/",)
# Answered for the clinic on its hostname and with the platform's neutral answer on any other host.
NEUTRAL_PATHS = ("/favicon.svg",)


# The shared cache key of the sites' generation token; never expires (an evicted token only costs a reload).
GENERATION_KEY = "clinic-sites-generation"
# Unknown hostnames are remembered too (a probe repeats itself), but no more than this many answers in all.
MAX_REMEMBERED = 5000

_memo_lock = threading.Lock()
_memo = {"token": None, "sites": {}, "root_paths": None}


def lookup_site(hostname, port):
    """The Site whose hostname is exactly `hostname`, or None, straight from the database.

    Wagtail's own lookup falls back to the default site for a hostname it does not know, which would show one
    clinic's pages under any name that points at the server. We keep Wagtail's matching rules (hostname and port,
    then hostname alone) but refuse that cross-hostname fallback.
    """
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    if site.hostname != hostname:
        return None
    # Every request routes from the home page in its specific type: remembered so, it costs no query of its own.
    site.root_page = site.root_page.specific
    return site


def current_generation():
    """The shared generation token: one cache get (three after the token was evicted or the cache cleared)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def clinic_site_for_host(hostname, port):
    """`lookup_site(hostname, port)`, remembered by this process until any Site changes in any process.

    Each call answers a copy (of the Site and its home page), so what one request caches on them stays its own.
    """
    token = current_generation()
    key = (hostname, str(port))
    with _memo_lock:
        if _memo["token"] != token:
            _memo["token"], _memo["sites"], _memo["root_paths"] = token, {}, None
        sites = _memo["sites"]
        if key in sites:
            return _copy(sites[key])
    site = lookup_site(hostname, port)
    with _memo_lock:
        # A change seen since the lookup started leaves the answer unremembered rather than stale.
        if _memo["token"] == token and len(_memo["sites"]) < MAX_REMEMBERED:
            _memo["sites"][key] = site
    return _copy(site)


def site_root_paths():
    """Wagtail's Site.get_site_root_paths() (every page URL is built from it), remembered like the sites.

    It changes only with a Site or a clinic's home page, which bump the generation token; call it after
    clinic_site_for_host() has read the token for this request.
    """
    with _memo_lock:
        token, paths = _memo["token"], _memo["root_paths"]
    if paths is not None:
        return paths
    paths = tuple(Site.get_site_root_paths())
    with _memo_lock:
        if _memo["token"] == token:
            _memo["root_paths"] = paths
    return paths


def _copy(site):
    if site is None:
        return None
    answer = copy.copy(site)
    answer.root_page = copy.copy(site.root_page)
    return answer


def forget_sites():
    """Make every process look its sites up again: now (this process and the shared token) and once committed.

    The second bump covers another process that looked up before this transaction committed and so remembered the
    old rows under the first token.
    """
    with _memo_lock:
        _memo["token"], _memo["sites"], _memo["root_paths"] = None, {}, None
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)


def _bump():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _site_changed(sender, **kwargs):
    forget_sites()


def _page_changed(sender, instance, **kwargs):
    # A Site carries its home page (title, path, live): only clinics' home pages, the children of the tree's root.
    if isinstance(instance, Page) and instance.depth is not None and instance.depth <= 2:
        forget_sites()


def connect_signals():
    """Called from the app's ready(): every process that changes a Site, management commands too, bumps the token."""
    post_save.connect(_site_changed, sender=Site, dispatch_uid="clinic-hosts-site-saved")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="clinic-hosts-site-deleted")
    post_save.connect(_page_changed, dispatch_uid="clinic-hosts-page-saved")
    # Only for Page (a deleted page's Page row has its own signal): a post_delete receiver for every model would
    # make Django load each row before any bulk delete.
    post_delete.connect(_page_changed, sender=Page, dispatch_uid="clinic-hosts-page-deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_page_changed, dispatch_uid=f"clinic-hosts-{signal}")


class ClinicHostMiddleware:
    """Serve a request only for a clinic's hostname, or the admin on a platform host; 404 otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in ANY_HOST_PATHS:
            request._wagtail_site = None
            return self.get_response(request)
        # get_host() applies ALLOWED_HOSTS; it raises DisallowedHost (a 400) for a host outside it.
        hostname, _port = split_domain_port(request.get_host())
        site = clinic_site_for_host(hostname, request.get_port())
        # Cache the answer where Wagtail looks for it, so nothing later falls back to the default site.
        request._wagtail_site = site
        if site is not None:
            # Where Page.get_url(request) looks for the sites' root paths before asking the shared cache.
            request._wagtail_cached_site_root_paths = site_root_paths()
            return self.get_response(request)
        if request.path in NEUTRAL_PATHS:
            return self.get_response(request)
        if hostname in settings.PLATFORM_HOSTS and request.path.startswith(PLATFORM_PATH_PREFIXES):
            return self.get_response(request)
        logger.info("No clinic for host %r, path %r", hostname, request.path)
        return render(request, "unknown_host.html", {"hostname": hostname}, status=404)
