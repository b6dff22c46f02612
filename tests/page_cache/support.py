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
