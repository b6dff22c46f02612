"""Failed staff logins are counted three ways, each with its own limit, and every lockout ends on its own.

Counts: one username from one address (5), one username from any address (10), one address for any username (20).
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory
from tests.support import SETTINGS_SETUP, python

LOGIN_URL = reverse("wagtailadmin_login")
HOME = "203.0.113.50"  # where the member of staff really works from


def attempt(client, username, password, ip):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def addresses(count, prefix="198.51.100"):
    return [f"{prefix}.{n}" for n in range(1, count + 1)]


def log_in_and_out(client, username, ip):
    """A successful login (then a logout), to check what it does and does not reset."""
    assert attempt(client, username, TEST_PASSWORD, ip).status_code == 302
    client.logout()


def minutes_pass(minutes):
    """Move every recorded failure `minutes` into the past, as if that much time had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


@pytest.fixture
def staff(clinic_a):
    return UserFactory(username="ascpm-staff", groups=[clinic_a.groups["editors"]])


def test_the_three_counts_and_their_default_limits(settings):
    assert settings.LOGIN_FAILURE_LIMITS == [(["username", "ip_address"], 5), ("username", 10), ("ip_address", 20)]
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "username", "ip_address"]
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_wrong_passwords_for_one_username_from_twelve_addresses_lock_that_username(client, staff):
    answers = [attempt(client, "ascpm-staff", "wrong-password", ip).status_code for ip in addresses(12)]
    assert answers == [200] * 9 + [429] * 3
    # Now even the right password, from an address that never failed, is refused for a while.
    assert attempt(client, "ascpm-staff", TEST_PASSWORD, HOME).status_code == 429


def test_a_locked_username_does_not_lock_colleagues_on_the_same_addresses(client, staff, clinic_a):
    UserFactory(username="colleague", groups=[clinic_a.groups["editors"]])
    for ip in addresses(10):
        attempt(client, "ascpm-staff", "wrong-password", ip)
    assert attempt(client, "colleague", TEST_PASSWORD, addresses(10)[-1]).status_code == 302


def test_one_address_trying_many_usernames_is_locked_for_every_username(client, staff):
    answers = [attempt(client, f"guess-{n}", "wrong-password", "192.0.2.66").status_code for n in range(20)]
    assert answers == [200] * 19 + [429]
    assert attempt(client, "ascpm-staff", TEST_PASSWORD, "192.0.2.66").status_code == 429
    # The member of staff is not locked out anywhere else.
    assert attempt(client, "ascpm-staff", TEST_PASSWORD, HOME).status_code == 302


def test_a_username_lockout_ends_on_its_own_however_long_the_guessing_goes_on(client, staff):
    for ip in addresses(10):
        attempt(client, "ascpm-staff", "wrong-password", ip)
    assert attempt(client, "ascpm-staff", TEST_PASSWORD, HOME).status_code == 429
    minutes_pass(10)
    # The guessing goes on during the lockout, from the same and from new addresses: refused and not counted, so it
    # cannot make the lockout longer.
    for ip in addresses(12) + addresses(5, prefix="192.0.2"):
        assert attempt(client, "ascpm-staff", "wrong-password", ip).status_code == 429
    minutes_pass(6)  # sixteen minutes after the lockout began
    assert attempt(client, "ascpm-staff", TEST_PASSWORD, HOME).status_code == 302


def test_logging_in_between_guesses_does_not_reset_the_guesses(client, staff, clinic_a):
    """Someone with an account of their own guesses a colleague's password and logs in to their own in between."""
    UserFactory(username="insider", groups=[clinic_a.groups["editors"]])
    for _ in range(4):
        assert attempt(client, "ascpm-staff", "wrong-password", "192.0.2.7").status_code == 200
    log_in_and_out(client, "insider", "192.0.2.7")
    assert attempt(client, "ascpm-staff", "wrong-password", "192.0.2.7").status_code == 429


def test_the_real_user_logging_in_does_not_wipe_out_a_guessers_count(client, staff):
    for ip in addresses(9):
        attempt(client, "ascpm-staff", "wrong-password", ip)
    log_in_and_out(client, "ascpm-staff", HOME)
    assert attempt(client, "ascpm-staff", "wrong-password", "192.0.2.200").status_code == 429


def test_a_successful_login_clears_that_users_own_mistakes_from_that_address(client, staff):
    for _ in range(4):
        attempt(client, "ascpm-staff", "wrong-password", HOME)
    log_in_and_out(client, "ascpm-staff", HOME)
    assert [attempt(client, "ascpm-staff", "wrong-password", HOME).status_code for _ in range(5)] == [200] * 4 + [429]


def test_the_lockout_page_says_how_long_to_wait_and_that_it_ends_on_its_own(client, staff):
    for _ in range(5):
        locked = attempt(client, "ascpm-staff", "wrong-password", HOME)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    page = locked.content.decode()
    assert "Too many login attempts" in page
    assert "wait 15 minutes" in page
    assert "ends on its own" in page
    assert "ascpm-staff" not in page  # the same page whichever username was tried


def test_a_one_minute_lockout_is_worded_in_the_singular(client, staff, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    for _ in range(5):
        locked = attempt(client, "ascpm-staff", "wrong-password", HOME)
    assert "wait 1 minute and" in locked.content.decode()
    assert locked["Retry-After"] == "60"


def settings_in_subprocess(code, **env):
    return python(SETTINGS_SETUP + code, DJANGO_SETTINGS_MODULE="clinic_site.settings.dev", **env)


def test_each_limit_and_the_lockout_time_come_from_the_environment():
    result = settings_in_subprocess(
        "print([limit for _, limit in s.LOGIN_FAILURE_LIMITS], s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.seconds)",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_FAILURE_LIMIT_PER_USERNAME="8",
        LOGIN_FAILURE_LIMIT_PER_ADDRESS="50",
        LOGIN_LOCKOUT_MINUTES="5",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[3,", "8,", "50]", "3", "300"]


@pytest.mark.parametrize("name", ["LOGIN_FAILURE_LIMIT_PER_USERNAME", "LOGIN_LOCKOUT_MINUTES"])
def test_a_zero_limit_or_lockout_time_is_a_clear_error(name):
    result = settings_in_subprocess("", **{name: "0"})
    assert result.returncode != 0
    assert f"{name} must be 1 or more" in result.stderr
