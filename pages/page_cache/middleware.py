"""Which answers any cache may keep, and the full-page cache in front of Wagtail for anonymous visitors.

Placed right after pages.clinics.hosts.ClinicHostMiddleware, so it sees only requests for a known clinic site (or
the platform's own paths) and answers a cached page before sessions, CSRF, authentication or Wagtail do any work.

A page is the same for every anonymous visitor: its forms get their per-visitor tokens from /_form-tokens/
(tokens.py). So an anonymous GET of a clinic page answered 200 without a cookie says so honestly:
`Cache-Control: public, max-age=<browser>, s-maxage=<shared>, stale-while-revalidate=<stale>` (PAGE_CACHE_* settings)
with `Vary: Cookie`. Anyone carrying a session or a messages cookie (signed-in staff, whose pages show the userbar;
a visitor who gave a page's password) is never served from the cache, and their answers are `private, no-store`.
Any answer that sets a cookie (a CSRF token was rendered: a POST answer, a password form) is `private, no-store`
too. Views that choose their own Cache-Control keep it.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from pages.page_cache.store import Lookup

# Never cached, whoever asks: the admin, the token endpoint, health checks and documents (they have their own rules).
UNCACHED_PREFIXES = ("/admin/", "/_form-tokens/", "/healthz/", "/documents/", "/static/", "/media/")
# The one query parameter a cached page may have: the page number of its messages (page.py). Any other query is
# answered without the full-page cache, so nobody can fill it with made-up addresses.
CACHED_QUERY_PARAMETERS = {"messages"}
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage: a one-time notice for one visitor
CACHE_STATUS_HEADER = "X-Page-Cache"


def personal_cookies():
    return (settings.SESSION_COOKIE_NAME, MESSAGES_COOKIE)


def carries_personal_cookie(request):
    return any(request.COOKIES.get(name) for name in personal_cookies())


def query_is_cacheable(query):
    """Whether a page address with this query (request.GET) is kept: no query, or a message page number."""
    return all(name in CACHED_QUERY_PARAMETERS and value.isdigit() for name, value in query.items()) and all(
        len(query.getlist(name)) == 1 for name in query
    )


def is_public_request(request):
    """An anonymous GET or HEAD of a clinic site's own path: what the public headers and the cache may apply to."""
    return (
        getattr(request, "_wagtail_site", None) is not None
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
    )


def public_cache_control(response):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
        s_maxage=settings.PAGE_CACHE_SECONDS,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
    )
    # A browser that later signs in (a new session cookie) must not reuse the anonymous copy.
    patch_vary_headers(response, ("Cookie",))


def is_storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "public" in cache_control
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PageCacheMiddleware:
    """Answers anonymous GETs of clinic pages from the shared cache (PAGE_CACHE_ENABLED) and sets Cache-Control."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = is_public_request(request)
        personal = public and carries_personal_cookie(request)
        lookup = None
        if public and not personal and settings.PAGE_CACHE_ENABLED and query_is_cacheable(request.GET):
            variant = f"{request.get_host().lower()}?{request.GET.urlencode()}"
            lookup = Lookup(request._wagtail_site.pk, request.path, variant)
            hit = lookup.hit
            if hit is not None:
                return self.cached_response(*hit)
        response = self.get_response(request)
        if public:
            self.set_cache_headers(response, personal)
        if lookup is not None and request.method == "GET" and is_storable(response):
            lookup.save(response)
            response[CACHE_STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def set_cache_headers(response, personal):
        if personal or response.cookies:
            # Staff (the userbar, their own view of a page), a visitor with a page password, any answer with a cookie.
            add_never_cache_headers(response)
        elif "Cache-Control" not in response and response.status_code == 200 and not response.streaming:
            public_cache_control(response)

    @staticmethod
    def cached_response(status, headers, content):
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[CACHE_STATUS_HEADER] = "hit"
        return response
