"""Old WordPress links on the site root (`/?p=123`, `/?page_id=7`, `/?attachment_id=9`) -> the clinic's redirect.

Wagtail's RedirectMiddleware acts only on a 404, and `/` with any query string is the home page, a 200: without
this, every `?p=` link to the old site would quietly land on the home page. One query for such a request (the
redirect, its page and the clinic's root page together), none for any other request.
"""

from urllib.parse import parse_qsl

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.models import Redirect

OLD_KEYS = frozenset({"p", "page_id", "attachment_id"})


class WordPressQueryRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path == "/" and request.META.get("QUERY_STRING"):
            response = self.redirect(request)
            if response is not None:
                return response
        return self.get_response(request)

    def redirect(self, request):
        keys = {key for key, _ in parse_qsl(request.META["QUERY_STRING"], keep_blank_values=True)}
        site = getattr(request, "_wagtail_site", None)
        if not keys & OLD_KEYS or site is None:
            return None
        old_path = Redirect.normalise_path(request.get_full_path())
        redirect = (
            Redirect.objects.filter(site_id=site.pk, old_path=old_path)
            .select_related("redirect_page", "site__root_page")
            .first()
        )
        if redirect is None:
            return None
        target = redirect.redirect_link
        page = redirect.redirect_page
        if page is not None:
            root_path = redirect.site.root_page.url_path
            if not page.url_path.startswith(root_path) or not page.live:
                return None  # not a page of this clinic's site (or not published): the home page answers
            target = "/" + page.url_path[len(root_path) :]
        if not target:
            return None
        response_class = HttpResponsePermanentRedirect if redirect.is_permanent else HttpResponseRedirect
        return response_class(target)
