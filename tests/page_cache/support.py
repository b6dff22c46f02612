"""Shared by the page-cache tests (and the form tests that fetch a form's tokens): the token endpoint, and
anonymous visits through the full-page cache."""

from django.urls import reverse


def tokens_url(page):
    return f"{reverse('form_tokens')}?page={page.pk}"


def fetch_tokens(client, page, host=None):
    """The token endpoint's answer for `page`'s form, on the page's own host unless `host` is given."""
    return client.get(tokens_url(page), HTTP_HOST=host or page.get_site().hostname)


def fetched_tokens(client, page):
    """{"csrf": ..., "form_token": ...} for `page`'s form, as the page's script fetches them."""
    response = fetch_tokens(client, page)
    assert response.status_code == 200, response.status_code
    return response.json()


def path_of(page):
    return page.get_url_parts()[2]


def host_of(page):
    return page.get_site().hostname


def visit(client, page, query="", host=None):
    """An anonymous visitor's GET of `page` on its own host (or `host`)."""
    return client.get(path_of(page) + query, HTTP_HOST=host or host_of(page))


def cache_status(response):
    """ "hit" or "miss" from the full-page cache, or None when it did not take part."""
    return response.get("X-Page-Cache")


def visit_twice(client, page, query=""):
    """Visit until the page is served from the cache (a first visit may only start the cache's generations)."""
    for _attempt in range(3):
        response = visit(client, page, query)
        if cache_status(response) == "hit":
            return response
    raise AssertionError(f"{path_of(page)}{query} was never served from the page cache")
