"""Password-reset emails are limited per address (5) and per email address (3) an hour; past a limit the page answers
as usual and no email is sent, so the limits reveal no account."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.support import printed_by_settings

RESET_URL = reverse("wagtailadmin_password_reset")
DONE_URL = reverse("wagtailadmin_password_reset_done")


def request_reset(client, email, ip="198.51.100.4", **extra):
    return client.post(RESET_URL, {"email": email}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def staff(clinic_a):
    return UserFactory(username="ascpm-staff", email="staff.member@ascpm.test", groups=[clinic_a.groups["editors"]])


def test_the_limits_apply_to_the_admins_password_reset_form():
    assert RESET_URL == "/admin/password_reset/"


def test_twenty_requests_for_one_account_send_three_emails(client, staff, mailoutbox):
    answers = {
        (response.status_code, response["Location"])
        for response in (request_reset(client, staff.email, ip=f"198.51.100.{n}") for n in range(1, 21))
    }
    assert len(mailoutbox) == 3
    assert {message.to[0] for message in mailoutbox} == {staff.email}
    # Every request got the same answer as the first, sent or not.
    assert answers == {(302, DONE_URL)}


def test_the_email_count_ignores_letter_case(client, staff, mailoutbox):
    for n, email in enumerate(["staff.member@ascpm.test", "Staff.Member@ascpm.test", "STAFF.MEMBER@ASCPM.TEST"] * 2):
        request_reset(client, email, ip=f"198.51.100.{n + 1}")
    assert len(mailoutbox) == 3


def test_one_address_asking_for_many_accounts_sends_five_emails(client, clinic_a, mailoutbox):
    accounts = [UserFactory(username=f"staff-{n}", email=f"staff-{n}@ascpm.test") for n in range(8)]
    answers = {request_reset(client, account.email, ip="192.0.2.9")["Location"] for account in accounts}
    assert len(mailoutbox) == 5
    assert answers == {DONE_URL}


def test_an_unknown_email_is_answered_like_a_known_one(client, staff, mailoutbox):
    known = request_reset(client, staff.email)
    unknown = request_reset(client, "nobody@ascpm.test")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, DONE_URL)
    assert len(mailoutbox) == 1


def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(client, clinic_a, settings, mailoutbox):
    settings.ANTISPAM_TRUSTED_PROXIES = 1
    accounts = [UserFactory(username=f"staff-{n}", email=f"staff-{n}@ascpm.test") for n in range(8)]
    for n, account in enumerate(accounts):
        request_reset(client, account.email, ip="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
    assert len(mailoutbox) == 8


def test_the_limits_come_from_the_environment():
    # Each setting has the name of the environment variable it comes from.
    limits = {"PASSWORD_RESET_LIMIT_PER_ADDRESS": "10", "PASSWORD_RESET_LIMIT_PER_EMAIL": "2"}
    limits["PASSWORD_RESET_WINDOW_MINUTES"] = "30"
    code = "print(" + ", ".join(f"s.{name}" for name in limits) + ")"
    assert printed_by_settings(code, DJANGO_SETTINGS_MODULE="clinic_site.settings.dev", **limits) == ["10", "2", "30"]
