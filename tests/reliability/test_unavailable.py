"""In one process, the pieces the fault scenarios rely on: the 503 answer when the database is away, and the cache
that takes Redis being away for a miss. The scenarios (test_database_faults.py, test_redis_faults.py) show them
against real servers; these pin down what the answer holds and what each cache call returns.
"""

import time

import pytest
from django.db import OperationalError
from django.test import Client

from pages.patient_messages import submission
from tests.patient_messages.support import EMAIL, NAME, host_of, message_data, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_client():
    return Client(raise_request_exception=False)


def test_a_database_error_while_sending_answers_503_with_everything_typed_and_the_tokens(
    plain_client, procedure_a, monkeypatch
):
    def database_away(page, request):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(submission, "receive", database_away)
    data = message_data(procedure_a, message='My knee <b>"hurts"</b> less now.')

    response = plain_client.post(path_of(procedure_a) + "messages/", data, HTTP_HOST=host_of(procedure_a))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert f'action="{path_of(procedure_a)}messages/"' in page
    assert "My knee &lt;b&gt;&quot;hurts&quot;&lt;/b&gt; less now." in page  # kept, and escaped
    assert f'value="{NAME}"' in page and f'value="{EMAIL}"' in page
    assert f'name="form-token" value="{data["form-token"]}"' in page  # sending again is the same form
    assert "<b>" not in page


def test_a_database_error_on_a_page_view_answers_a_plain_503(plain_client, procedure_a, monkeypatch):
    def database_away(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(type(procedure_a), "serve", database_away)

    response = plain_client.get(path_of(procedure_a), HTTP_HOST=host_of(procedure_a))

    assert response.status_code == 503
    assert "Please try again in a moment" in response.content.decode()
    assert "<form" not in response.content.decode()


def test_any_other_error_is_still_a_500(plain_client, procedure_a, monkeypatch):
    def broken(page, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(submission, "receive", broken)

    response = plain_client.post(
        path_of(procedure_a) + "messages/", message_data(procedure_a), HTTP_HOST=host_of(procedure_a)
    )

    assert response.status_code == 500


def test_the_cache_answers_misses_and_fails_open_while_redis_is_away_and_asks_again_later():
    from clinic_site.cache import TolerantRedisCache

    cache = TolerantRedisCache(
        "redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )
    started = time.monotonic()

    assert cache.get("key", "default") == "default"
    assert cache.add("flood-slot", 1, 15) is True  # fail open: the slot is taken to be free
    cache.set("key", 1)
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    for _ in range(200):  # skipped, not asked again, while it is down
        cache.get("key")
    assert time.monotonic() - started < 2

    cache._down_until = 0  # the few seconds are over: the next call asks Redis again
    assert cache.get("key") is None
    assert cache._down_until > time.monotonic()
