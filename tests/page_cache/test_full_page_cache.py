"""The full-page cache: what it answers, to whom, and never across clinics' hosts."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory, ProcedurePageFactory
from tests.page_cache.support import cache_status, fetch_tokens, host_of, path_of, visit, visit_twice


def test_a_warm_page_is_answered_from_the_cache_without_rendering(client, page_cache, procedure_a):
    first = visit_twice(client, procedure_a)

    with CaptureQueriesContext(connection) as queries:
        again = visit(client, procedure_a)

    # Only the Host -> Site lookup before the cache (and, in the embedded default, the cache's own table).
    assert [
        query["sql"]
        for query in queries
        if "wagtailcore_site" not in query["sql"] and "clinic_cache" not in query["sql"]
    ] == []
    assert len(queries) <= 3

    assert cache_status(again) == "hit"
    assert again.content == first.content
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert not again.cookies


def test_each_message_page_number_is_its_own_entry_and_other_queries_are_not_cached(
    client, page_cache, procedure_a, monkeypatch
):
    monkeypatch.setattr(type(procedure_a), "messages_per_page", 1)
    for body in ("First message on page one.", "Second message on page two."):
        PatientMessageFactory(page=procedure_a, body=body, status=Status.APPROVED)

    one = visit_twice(client, procedure_a, "?messages=1")
    two = visit_twice(client, procedure_a, "?messages=2")

    assert "First message" in one.content.decode() and "Second message" not in one.content.decode()
    assert "Second message" in two.content.decode()
    for query in ("?utm_source=x", "?messages=1&messages=2", "?messages=abc"):
        assert cache_status(visit(client, procedure_a, query)) is None
        assert cache_status(visit(client, procedure_a, query)) is None


def test_a_page_is_never_served_under_another_clinics_host(client, page_cache, clinic_a, clinic_b):
    page_a = ProcedurePageFactory(parent=clinic_a.home_page, title="Only at clinic A", slug="same-slug")
    page_b = ProcedurePageFactory(parent=clinic_b.home_page, title="Only at clinic B", slug="same-slug")
    assert path_of(page_a) == path_of(page_b)

    warm_a = visit_twice(client, page_a)
    warm_b = visit_twice(client, page_b)

    assert "Only at clinic A" in warm_a.content.decode() and "Only at clinic B" not in warm_a.content.decode()
    assert "Only at clinic B" in warm_b.content.decode() and "Only at clinic A" not in warm_b.content.decode()
    # An unknown host never reaches the cache, whatever is cached under the path.
    assert client.get(path_of(page_a), HTTP_HOST="unknown.test").status_code == 404


def test_signed_in_staff_are_never_served_from_the_cache_nor_stored(client, page_cache, procedure_a, superuser):
    anonymous = visit_twice(client, procedure_a)
    client.force_login(superuser)

    staff = visit(client, procedure_a)

    assert cache_status(staff) is None
    assert staff.content != anonymous.content  # the userbar
    assert "no-store" in staff["Cache-Control"]
    client.logout()
    assert b"wagtail-userbar" not in visit(client, procedure_a).content


def test_posts_are_never_answered_from_the_cache(client, page_cache, procedure_a):
    visit_twice(client, procedure_a)

    response = client.post(path_of(procedure_a), {}, HTTP_HOST=host_of(procedure_a))

    assert cache_status(response) is None


def test_answers_with_a_cookie_are_not_stored(client, page_cache, procedure_a):
    client.post(path_of(procedure_a) + "messages/", {"name": ""}, HTTP_HOST=host_of(procedure_a))  # sets csrftoken

    response = fetch_tokens(client, procedure_a)

    assert cache_status(response) is None and "csrftoken" in response.cookies
    # A visitor who has a CSRF cookie still gets the shared page.
    assert cache_status(visit_twice(client, procedure_a)) == "hit"


def test_the_cache_can_be_turned_off(client, page_cache, procedure_a, settings):
    settings.PAGE_CACHE_ENABLED = False

    for _ in range(3):
        response = visit(client, procedure_a)
        assert cache_status(response) is None
        assert "public" in response["Cache-Control"]  # edge caches and browsers are still told


def test_an_entry_lives_page_cache_seconds_which_bounds_changes_nothing_announces(
    client, page_cache, procedure_a, settings, monkeypatch
):
    # A review date passing, or messages closing N days after first publication, change a page without any save:
    # the cached copy is at most PAGE_CACHE_SECONDS old.
    visit_twice(client, procedure_a)
    later = time.time() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)

    assert cache_status(visit(client, procedure_a)) == "miss"


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_cookie_is_not_served_from_the_cache(
    client, page_cache, procedure_a, cookie
):
    visit_twice(client, procedure_a)
    client.cookies[cookie] = "something"

    response = visit(client, procedure_a)

    assert cache_status(response) is None
    assert "no-store" in response["Cache-Control"]
