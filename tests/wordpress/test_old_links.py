"""Old links keep working: permalinks through Wagtail's redirects, `/?p=` on the site root through our middleware."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.models import Site

from pages.wordpress.middleware import WordPressQueryRedirectMiddleware
from tests.wordpress.test_import import page_from

pytestmark = pytest.mark.django_db


def test_an_old_permalink_redirects_to_the_new_page(imported, clinic_client):
    article = page_from(imported, 30)
    response = clinic_client(imported).get("/2019/05/evening-hours/")
    assert response.status_code == 301 and response["Location"].endswith(article.url)


@pytest.mark.parametrize(("query", "wordpress_id"), [("p=30", 30), ("page_id=10", 10), ("p=10", 10)])
def test_old_query_links_on_the_site_root_redirect_instead_of_showing_the_home_page(
    imported, clinic_client, query, wordpress_id
):
    page = page_from(imported, wordpress_id, "post" if wordpress_id == 30 else "page")
    response = clinic_client(imported).get(f"/?{query}")
    assert response.status_code == 301
    assert response["Location"] == page.get_url_parts()[2]


def test_an_old_attachment_link_leads_to_the_file(imported, clinic_client):
    response = clinic_client(imported).get("/?attachment_id=21")
    assert response.status_code == 301 and response["Location"].startswith("/documents/")


def test_the_other_clinic_does_not_answer_these_links(imported, clinic_b, clinic_client):
    client = clinic_client(clinic_b)
    assert client.get("/?p=30").status_code == 200  # clinic B's own home page
    assert client.get("/2019/05/evening-hours/").status_code == 404


def test_an_unknown_old_id_shows_the_home_page(imported, clinic_client):
    assert clinic_client(imported).get("/?p=999").status_code == 200


def middleware_response(site, url, method="get"):
    request = getattr(RequestFactory(), method)(url)
    request._wagtail_site = site
    return WordPressQueryRedirectMiddleware(lambda request: HttpResponse("home"))(request)


def test_the_middleware_costs_one_query_for_an_old_link(imported, django_assert_num_queries):
    site = Site.objects.get(pk=imported.site.pk)
    with django_assert_num_queries(1):
        response = middleware_response(site, "/?p=30&utm_source=mail")
    # Unknown parameters do not match: WordPress's own address was /?p=30.
    assert response.status_code == 200
    with django_assert_num_queries(1):
        response = middleware_response(site, "/?p=30")
    assert response.status_code == 301


@pytest.mark.parametrize("url", ["/", "/?utm_source=mail", "/about/?p=30", "/?pp=1"])
def test_the_middleware_costs_no_query_otherwise(imported, django_assert_num_queries, url):
    site = Site.objects.get(pk=imported.site.pk)
    with django_assert_num_queries(0):
        assert middleware_response(site, url).status_code == 200


def test_the_middleware_ignores_posts(imported, django_assert_num_queries):
    site = Site.objects.get(pk=imported.site.pk)
    with django_assert_num_queries(0):
        assert middleware_response(site, "/?p=30", method="post").status_code == 200


def test_a_redirect_to_an_unpublished_page_is_not_followed(imported, clinic_client):
    page_from(imported, 30).unpublish()
    assert clinic_client(imported).get("/?p=30").status_code == 200
