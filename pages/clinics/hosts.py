"""Which clinic a request is for, decided once, before any other code looks at the Host."""

import logging

from django.conf import settings
from django.http.request import split_domain_port
from django.shortcuts import render
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

logger = logging.getLogger(__name__)

# Paths a platform host (one that is not a clinic, e.g. the admin's own hostname) may serve. Documents are served
# there to signed-in network admins only (isolation/public.py: the user is not known yet at this point); Django
# routes /media/ only with DEBUG.
PLATFORM_PATH_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/")
# Load balancers probe by IP address; the answer names no clinic, so any host may ask.
ANY_HOST_PATHS = ("/healthz/",)
# Answered for the clinic on its hostname and with the platform's neutral answer on any other host.
NEUTRAL_PATHS = ("/favicon.svg",)


def clinic_site_for_host(hostname, port):
    """The Site whose hostname is exactly `hostname`, or None.

    Wagtail's own lookup falls back to the default site for a hostname it does not know, which would show one
    clinic's pages under any name that points at the server. We keep Wagtail's matching rules (hostname and port,
    then hostname alone) but refuse that cross-hostname fallback.
    """
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    return site if site.hostname == hostname else None


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
            return self.get_response(request)
        if request.path in NEUTRAL_PATHS:
            return self.get_response(request)
        if hostname in settings.PLATFORM_HOSTS and request.path.startswith(PLATFORM_PATH_PREFIXES):
            return self.get_response(request)
        logger.info("No clinic for host %r, path %r", hostname, request.path)
        return render(request, "unknown_host.html", {"hostname": hostname}, status=404)
