"""Staff logins: failed attempts are throttled per username and address, idle sessions end, passwords are checked."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory

LOGIN_URL = reverse("wagtailadmin_login")


def attempt(client, username, password, ip="198.51.100.4"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def staff(clinic_a):
    return UserFactory(username="ascpm-staff", groups=[clinic_a.groups["editors"]])


def test_five_failed_logins_lock_that_username_on_that_address(client, staff, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert attempt(client, "ascpm-staff", "wrong-password").status_code == 200  # the form, with an error
    locked = attempt(client, "ascpm-staff", "wrong-password")
    assert locked.status_code == 429
    assert "Too many login attempts" in locked.content.decode()
    # Even the right password is refused while locked out, and no session is created.
    assert attempt(client, "ascpm-staff", TEST_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_lock_the_same_user_elsewhere_or_others_here(client, staff, clinic_a):
    UserFactory(username="colleague", groups=[clinic_a.groups["editors"]])
    for _ in range(5):
        attempt(client, "ascpm-staff", "wrong-password")
    assert attempt(client, "ascpm-staff", TEST_PASSWORD, ip="203.0.113.99").status_code == 302
    client.logout()
    assert attempt(client, "colleague", TEST_PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(client, staff):
    for _ in range(4):
        attempt(client, "ascpm-staff", "wrong-password")
    assert attempt(client, "ascpm-staff", TEST_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "ascpm-staff", "wrong-password").status_code == 200


def test_the_address_behind_trusted_proxies_is_the_one_counted(client, staff, settings):
    settings.ANTISPAM_TRUSTED_PROXIES = 1
    for n in range(5):
        client.post(
            LOGIN_URL,
            {"username": "ascpm-staff", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",  # five different patients' addresses behind one proxy
        )
    assert attempt(client, "ascpm-staff", TEST_PASSWORD, ip="10.0.0.1").status_code == 302


def test_an_idle_admin_session_expires_and_each_request_renews_it(client, staff, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert attempt(client, "ascpm-staff", TEST_PASSWORD).status_code == 302
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)

    # Thirty-one idle minutes later the session is gone: back to the login page.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


@pytest.mark.parametrize("weak", ["short1", "password1234", "123456789012", "ascpm-staff-1"])
def test_weak_passwords_are_refused(staff, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=staff)


def test_a_long_unusual_password_is_accepted(staff):
    validate_password("violet-kettle-harbour-42", user=staff)
