"""/favicon.svg and /brand.css: each clinic's icon (its initials on its brand colour), the platform's on any other
host, and the clinic's colours as a stylesheet.

Pages link it as /favicon.svg?v=<fingerprint of the icon> (`favicon_href`, from the clinic settings the page has
loaded anyway), so browsers and caches may keep that URL for a year: a new colour or name gives a new URL. Asked
without the current fingerprint (an old cached page, or a browser trying /favicon.svg on its own), the icon is
cacheable for an hour only. The Host decides which icon, so shared caches key it by host as they key any URL.

The colours are a stylesheet of their own, linked the same way, rather than an inline <style>: an inline element
would need the response's CSP nonce, and a page kept by the page cache (pages/page_cache) would hand every visitor
the same nonce. With the stylesheet the policy's style-src is 'self' alone.
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


def brand_css_of(clinic):
    """The stylesheet of `clinic`'s colours (custom properties that the site's stylesheet uses)."""
    return branding.brand_css(clinic.brand_colour, clinic.brand_text_colour, clinic.brand_link_colour)


def brand_css_href(clinic):
    return f"{reverse('brand_css')}?v={branding.favicon_version(brand_css_of(clinic))}"


def _host_clinic(request):
    # ClinicHostMiddleware has stored the host's clinic Site, or None (on the paths it lets through on any host).
    site = Site.find_for_request(request)
    return ClinicSettings.for_site(site) if site is not None else None


@require_safe
def favicon(request):
    return _versioned(request, favicon_of(_host_clinic(request)), "image/svg+xml")


@require_safe
def brand_css(request):
    # Routed on clinic hosts only (not in clinics/hosts.py's NEUTRAL_PATHS): there is always a clinic here.
    return _versioned(request, brand_css_of(_host_clinic(request)), "text/css")


def _versioned(request, body, content_type):
    """`body`, cacheable for a year when asked for by its current fingerprint, for an hour otherwise; 304s."""
    version = branding.favicon_version(body)
    etag = quote_etag(version)
    response = get_conditional_response(request, etag=etag) or HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    if request.GET.get("v") == version:
        patch_cache_control(response, public=True, max_age=VERSIONED_MAX_AGE, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=UNVERSIONED_MAX_AGE)
    return response
