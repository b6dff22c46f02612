"""/favicon.svg: each clinic's icon (its initials on its brand colour), the platform's on any other host.

Pages link it as /favicon.svg?v=<fingerprint of the icon> (`favicon_href`, from the clinic settings the page has
loaded anyway), so browsers and caches may keep that URL for a year: a new colour or name gives a new URL. Asked
without the current fingerprint (an old cached page, or a browser trying /favicon.svg on its own), the icon is
cacheable for an hour only. The Host decides which icon, so shared caches key it by host as they key any URL.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe
from wagtail.models import Site

from pages.clinics import branding
from pages.clinics.models import ClinicSettings

VERSIONED_MAX_AGE = 60 * 60 * 24 * 365
UNVERSIONED_MAX_AGE = 60 * 60


def favicon_of(clinic):
    """The SVG icon of `clinic` (its ClinicSettings), or the platform's when `clinic` is None."""
    if not clinic:
        return branding.favicon_svg(branding.PLATFORM_COLOUR, settings.WAGTAIL_SITE_NAME)
    return branding.favicon_svg(clinic.brand_colour, clinic.display_name)


def favicon_href(clinic):
    return f"{reverse('favicon')}?v={branding.favicon_version(favicon_of(clinic))}"


@require_safe
def favicon(request):
    # ClinicHostMiddleware lets this path through on any host; it has stored the host's clinic Site, or None.
    site = Site.find_for_request(request)
    svg = favicon_of(ClinicSettings.for_site(site) if site is not None else None)
    version = branding.favicon_version(svg)
    etag = quote_etag(version)
    response = get_conditional_response(request, etag=etag) or HttpResponse(svg, content_type="image/svg+xml")
    response["ETag"] = etag
    if request.GET.get("v") == version:
        patch_cache_control(response, public=True, max_age=VERSIONED_MAX_AGE, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=UNVERSIONED_MAX_AGE)
    return response
