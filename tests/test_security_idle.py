"""A session ends after SESSION_IDLE_MINUTES without an action by the person; the admin's background pings, which an
open editor tab sends every ten seconds, do not count as one."""

import html
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse

from pages.security import BACKGROUND_ADMIN_PATHS, LAST_ACTIVITY_SESSION_KEY, is_background_request
from tests.factories import ProcedurePageFactory, UserFactory

DASHBOARD = reverse("wagtailadmin_home")
LOGIN_URL = reverse("wagtailadmin_login")


@pytest.fixture
def editor(clinic_a):
    return UserFactory(username="ascpm-editor", groups=[clinic_a.groups["editors"]])


@pytest.fixture
def page(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page)


@pytest.fixture
def logged_in(client, editor):
    client.force_login(editor)
    assert client.get(DASHBOARD).status_code == 200
    return client


def last_activity(client):
    return client.session[LAST_ACTIVITY_SESSION_KEY]


def idle_for(client, minutes):
    """Move the session's last action `minutes` into the past, as if the person had done nothing since."""
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] -= minutes * 60
    session.save()


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def background_urls(client, page):
    """The ping and release addresses the page editor's JavaScript is given, read from the editor itself."""
    editor_html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    ping = re.search(r'data-w-swap-src-value="([^"]+)"', editor_html).group(1)
    release = re.search(r'data-w-action-url-value="([^"]+/editing-sessions/release/[^"]+)"', editor_html).group(1)
    return html.unescape(ping), html.unescape(release)


def test_a_session_idle_for_thirty_minutes_is_logged_out_with_a_message(logged_in, settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    idle_for(logged_in, 30)
    response = logged_in.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in logged_in.session
    login_page = logged_in.get(response["Location"]).content.decode()
    assert "logged out after 30 minutes without activity" in login_page


def test_any_action_before_the_limit_starts_the_thirty_minutes_again(logged_in):
    for _ in range(3):
        idle_for(logged_in, 29)
        assert logged_in.get(DASHBOARD).status_code == 200
    assert "_auth_user_id" in logged_in.session


def test_an_open_editor_pinging_in_the_background_does_not_keep_the_session_alive(logged_in, page):
    ping, release = background_urls(logged_in, page)
    idle_for(logged_in, 29)
    before = last_activity(logged_in)
    for _ in range(6):  # a minute of pings
        assert logged_in.post(ping).status_code == 200
    assert last_activity(logged_in) == before
    idle_for(logged_in, 1)
    # Thirty minutes after the person's last action, the next ping finds the session over.
    assert logged_in.post(ping).status_code != 200
    assert "_auth_user_id" not in logged_in.session
    assert logged_in.post(release).status_code != 200


def test_background_pings_do_not_push_back_the_stored_session_expiry(logged_in, page):
    ping, release = background_urls(logged_in, page)
    expiry = stored_expiry(logged_in)
    logged_in.post(ping)
    logged_in.post(release)
    assert stored_expiry(logged_in) == expiry
    logged_in.get(DASHBOARD)
    assert stored_expiry(logged_in) > expiry


def test_the_background_paths_are_where_wagtail_serves_its_pings():
    ping = reverse("wagtailadmin_editing_sessions:ping", args=["pages", "procedurepage", "7", 3])
    release = reverse("wagtailadmin_editing_sessions:release", args=[3])
    factory = RequestFactory()
    assert is_background_request(factory.post(ping))
    assert is_background_request(factory.post(release))
    assert len(BACKGROUND_ADMIN_PATHS) == 2
    for path in [
        DASHBOARD,
        reverse("wagtailadmin_pages:edit", args=[7]),
        reverse("wagtailadmin_pages:preview_on_edit", args=[7]),
    ]:
        assert not is_background_request(factory.post(path))


def test_a_visitor_of_the_public_site_gets_no_session(client, page):
    response = client.get(page.url, HTTP_HOST="ascpm.test")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
