"""The edge cache: Wagtail's frontend_cache backend for the Varnish servers in front of the app.

deploy/varnish/default.vcl answers a PURGE from the app's addresses by banning every stored variant of the path on
that host (all message page numbers), or, with `X-Purge-Scope: site`, everything stored for the host. A whole-site
purge is asked for with the site's root URL and the fragment `#site`: a URL is all Wagtail's purge task carries,
and the fragment never reaches Varnish (urllib leaves it out of the request line).
"""

from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest, logger

SITE_FRAGMENT = "site"
PURGE_TIMEOUT_SECONDS = 5


def site_purge_url(root_url):
    """The URL that purges everything Varnish keeps for the site at `root_url` ("http://host[:port]")."""
    return f"{root_url.rstrip('/')}/#{SITE_FRAGMENT}"


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP purge backend, plus whole-site purges (the `#site` fragment) and a timeout."""

    def purge(self, url):
        parts = urlsplit(url)
        headers = {"Host": parts.netloc, "User-Agent": "clinic-platform-purge"}
        if parts.fragment == SITE_FRAGMENT:
            headers["X-Purge-Scope"] = "site"
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path or "/", parts.query, ""]),
            headers=headers,
        )
        try:
            with urlopen(request, timeout=PURGE_TIMEOUT_SECONDS):  # noqa: S310 - the configured VARNISH_URL
                pass
        except OSError as error:  # URLError and HTTPError are OSErrors; a purge failure must not fail the change
            logger.error("Could not purge %s from the edge cache: %s", url, error)
