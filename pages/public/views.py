"""Public views that are not Wagtail pages: per-clinic search, sitemap and robots.txt (the health check is in
health.py).

They run only on a clinic's hostname: ClinicHostMiddleware has already answered any other Host with a 404 and stored
the clinic's Site on the request, so `Site.find_for_request` is a cache read here.
"""

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page, Site

RESULTS_PER_PAGE = 10
# Longer queries are cut, not refused: nobody types more, and a bounded query keeps full-text search cheap.
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")


def clinic_site(request):
    """The request's clinic Site, or 404.

    Wagtail's own helpers fall back to the default site when there is none; a view that lists pages must never do
    that, so this is checked here as well as in the middleware.
    """
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No clinic at this address")
    return site


def clean_query(raw):
    """The query as it is echoed back: whitespace collapsed, length capped, NUL bytes (never typed) dropped."""
    return " ".join(raw.replace("\x00", "").split())[:MAX_QUERY_LENGTH].strip()


def search_terms(query):
    """The words of `query`, space-separated: what the search backend is given.

    The backends' tokenizers split words at punctuation anyway, so dropping it changes no results, but some of it
    breaks them when passed through: modelsearch 1.3's SQLite backend puts each word in FTS5 double quotes without
    escaping a quote inside it (a stray '"' is a database error), and a query with no word in it leaves its
    PostgreSQL backend no tsquery to build.
    """
    return " ".join(WORD.findall(query))


@require_safe
def search(request):
    """Full-text search of the live, public pages of the request's clinic, ten results a page."""
    site = clinic_site(request)
    search_query = clean_query(request.GET.get("q", ""))
    terms = search_terms(search_query)
    if terms:
        # Filter by clinic before .search(): it turns the queryset into search results that can no longer be
        # filtered, and Page.objects.search() alone would search every clinic. path/depth are FilterFields on Page.
        # specific() fetches each result page's summary with one query per page type on the current results
        # page (not per result); defer_streamfields() leaves the page bodies, which results never show, unread.
        pages = Page.objects.live().public().in_site(site).specific().defer_streamfields()
        results = pages.search(terms)
    else:
        results = Page.objects.none()
    # get_page() turns a missing, non-numeric or out-of-range ?page= into the first or last page instead of a 404.
    results_page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    # Not called "page": base.html reads `page` as the Wagtail page being shown.
    return render(
        request,
        "pages/search.html",
        {"search_query": search_query, "search_results": results_page, "max_query_length": MAX_QUERY_LENGTH},
    )


class ClinicSitemap(Sitemap):
    """Wagtail's page sitemap (live, public pages of the request's Site), minus its fallback to the default site."""

    def get_wagtail_site(self):
        return clinic_site(self.request)


@require_safe
def sitemap(request):
    """sitemap.xml of the request's clinic: its live public pages, each on the clinic's own hostname."""
    return wagtail_sitemap(request, sitemaps={"pages": ClinicSitemap})


@require_safe
def robots_txt(request):
    """robots.txt of the request's clinic, pointing crawlers at that clinic's sitemap."""
    site = clinic_site(request)
    # The sitemap's URLs are built from Site.root_url, so its own address is too; both then say https only when
    # the clinic's Site has port 443.
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {reverse('wagtailadmin_home')}",
        # Result pages are endless combinations of the same content.
        f"Disallow: {reverse('search')}",
        "",
        f"Sitemap: {site.root_url}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
