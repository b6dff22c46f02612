"""With the page cache off, a public page of a clinic with a logo reads the shared cache little and never writes it.

The embedded default's cache is a database table, so every cache call there is a query (a write four): the page's
queries plus its cache calls are what the page costs on SQLite, and it must stay within the public pages' budget.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction
from wagtail_factories import ImageFactory

from pages.clinics.models import ClinicSettings
from pages.content.visibility import view_restrictions
from pages.patient_messages.models import Status
from tests.content.test_render_queries import PUBLIC_PAGE_MAX_QUERIES
from tests.patient_messages.test_scale_queries import add_messages

READS = ("get", "get_many", "has_key")
WRITES = ("set", "set_many", "add", "delete", "delete_many", "touch", "incr", "decr")


@pytest.fixture
def cache_calls(monkeypatch):
    """The names of the shared cache's methods called, in order (the cache itself still answers)."""
    calls = []
    backend = cache._connections[cache._alias] if hasattr(cache, "_connections") else cache
    for name in READS + WRITES:
        method = getattr(backend, name)

        def recorded(*args, _name=name, _method=method, **kwargs):
            calls.append(_name)
            return _method(*args, **kwargs)

        monkeypatch.setattr(backend, name, recorded)
    return calls


@pytest.fixture
def clinic_a_with_logo(clinic_a):
    settings = ClinicSettings.for_site(clinic_a.site)
    settings.logo = ImageFactory(collection=clinic_a.collection, file=get_test_image_file())
    settings.save()
    return clinic_a


def warm_render_cost(client, url, cache_calls):
    client.get(url, HTTP_HOST="ascpm.test")  # warm, as a running process is
    client.get(url, HTTP_HOST="ascpm.test")
    cache_calls.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST="ascpm.test")
    assert response.status_code == 200
    return len(queries), list(cache_calls), response.content.decode()


@pytest.mark.parametrize("which", ["procedure", "recovery", "home"])
def test_a_warm_render_writes_nothing_to_the_cache_and_stays_in_budget_counting_cache_calls(
    client, clinic_a_with_logo, clinic_b, procedure_a, recovery_a, cache_calls, which
):
    add_messages(procedure_a, 3, status=Status.APPROVED)
    url = {"procedure": procedure_a.url, "recovery": recovery_a.url, "home": "/"}[which]
    queries, calls, html = warm_render_cost(client, url, cache_calls)

    assert 'class="site-header__logo"' in html
    assert not [call for call in calls if call in WRITES]
    # The sites' generation token and the logo's rendition; Wagtail's site root paths come from the host memo.
    assert len(calls) <= 2
    assert queries + len(calls) <= PUBLIC_PAGE_MAX_QUERIES


def test_the_logo_is_the_same_img_as_wagtails_image_tag_gives(client, clinic_a_with_logo, procedure_a):
    from django.template import Context, Template

    logo = ClinicSettings.for_site(clinic_a_with_logo.site).logo
    expected = Template(
        '{% load wagtailimages_tags %}{% image logo height-80 class="site-header__logo" alt="" %}'
    ).render(Context({"logo": logo}))
    html = client.get(procedure_a.url, HTTP_HOST="ascpm.test").content.decode()
    assert expected in html


def test_view_restrictions_are_wagtails_in_one_query(clinic_a, procedure_a, recovery_a, django_assert_num_queries):
    restriction = PageViewRestriction.objects.create(page=procedure_a, restriction_type=PageViewRestriction.LOGIN)
    # An alias outside the restricted section shows the restricted page: it takes its source's restrictions.
    alias = Page.objects.get(pk=procedure_a.pk).create_alias(parent=clinic_a.home_page, update_slug="alias-of-it")
    for page in (clinic_a.home_page, procedure_a, recovery_a, alias):
        page = Page.objects.get(pk=page.pk)
        expected = set(Page.get_view_restrictions(page))
        with django_assert_num_queries(1):
            assert set(view_restrictions(page)) == expected
    assert set(view_restrictions(Page.objects.get(pk=alias.pk))) == {restriction}
    assert set(view_restrictions(Page.objects.get(pk=recovery_a.pk))) == {restriction}
    assert list(view_restrictions(Page.objects.get(pk=clinic_a.home_page.pk))) == []
