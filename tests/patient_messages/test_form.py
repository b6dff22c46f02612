"""Patient messages, the patient's side: sending the form, the confirmation page, and every refusal (invalid
input, the flood limit, duplicates); bad tokens and the other spam traps are in tests/test_spam_traps.py.
"""

import re
import uuid

import pytest
from django.core import mail
from django.core.cache import cache, caches
from django.utils import timezone

from pages import antispam
from pages.models import PatientMessage
from pages.patient_messages import rules
from pages.patient_messages.flood import FLOOD_BY_EMAIL, FLOOD_BY_IP, flood_problem, ip_hash
from pages.patient_messages.forms import SPAM_SETTINGS_PREFIX
from pages.patient_messages.models import MAX_BODY_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, Status
from tests.factories import PatientMessageFactory
from tests.patient_messages.support import (
    EMAIL,
    IP,
    NAME,
    PATIENT_VALUES,
    TEXT,
    assert_kept_input,
    host_of,
    message_data,
    path_of,
    send,
    view,
)
from tests.support import all_cache_keys, assert_all_in

# --- Sending: POST, redirect, GET ----------------------------------------------------------------------------------


def test_a_message_is_stored_pending_and_the_patient_is_redirected_to_the_confirmation(client, procedure_a):
    before = timezone.now()

    response = send(client, procedure_a)

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/messages/thanks/"
    message = PatientMessage.objects.get()
    assert (message.site_id, message.page_id) == (procedure_a.get_site().pk, procedure_a.pk)
    assert (message.author_name, message.author_email, message.body) == (NAME, EMAIL, TEXT)
    assert message.status == Status.PENDING
    assert message.flags == ""
    assert before <= message.submitted_at <= timezone.now()
    assert re.fullmatch(r"[0-9a-f]{64}", message.ip_hash) and message.ip_hash == ip_hash(IP)
    assert re.fullmatch(r"[0-9a-f]{64}", message.form_token_hash)
    # Pending messages are not shown until a person approves them.
    assert "The injection helped a lot" not in view(client, procedure_a).content.decode()


def test_the_confirmation_thanks_the_patient_and_shows_nothing_they_wrote(client, procedure_a):
    response = send(client, procedure_a)

    confirmation = client.get(response["Location"], HTTP_HOST=host_of(procedure_a))

    assert confirmation.status_code == 200
    page_html = confirmation.content.decode()
    assert_all_in(
        page_html,
        "Thank you, your message is waiting for the clinic to check it.",
        "<title>Message sent: Alpha facet joint injection | ASCPM</title>",
        '<meta name="robots" content="noindex">',
        'href="/facet-joint-injections/#patient-messages"',
    )
    assert "Call us now about your symptoms" not in page_html
    for value in PATIENT_VALUES:
        assert value not in page_html


def test_opening_the_forms_address_takes_the_patient_to_the_form(client, procedure_a):
    response = client.get(path_of(procedure_a) + "messages/", HTTP_HOST=host_of(procedure_a))

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/#leave-a-message"


def test_a_resubmitted_or_double_clicked_form_creates_one_message(send_committed, procedure_a):
    data = message_data(procedure_a)

    first = send_committed(procedure_a, data)
    cache.clear()  # even once the flood window and the in-flight marker are gone, the stored hash is enough
    second = send_committed(procedure_a, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert PatientMessage.objects.count() == 1
    assert len(mail.outbox) == 1


# --- Every refusal keeps the patient's input and stores nothing -----------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field, error",
    [
        ({"name": ""}, "name", "Please enter your name"),
        ({"email": ""}, "email", "Please enter your email"),
        ({"email": "not an email"}, "email", "Please enter your email in the right format"),
        ({"message": "   "}, "message", "Please enter your message"),
        ({"name": "N" * (MAX_NAME_LENGTH + 1)}, "name", f"must be {MAX_NAME_LENGTH} characters or fewer"),
        (
            {"email": "e" * MAX_EMAIL_LENGTH + "@example.org"},
            "email",
            f"must be {MAX_EMAIL_LENGTH} characters or fewer",
        ),
        ({"message": "m" * (MAX_BODY_LENGTH + 1)}, "message", f"must be {MAX_BODY_LENGTH} characters or fewer"),
    ],
    ids=["no-name", "no-email", "bad-email", "blank-message", "long-name", "long-email", "long-message"],
)
def test_invalid_input_gets_400_with_the_error_by_the_field_and_keeps_the_input(
    client, procedure_a, overrides, field, error
):
    data = message_data(procedure_a, **overrides)

    response = send(client, procedure_a, data)

    assert response.status_code == 400
    assert_kept_input(response, name=data["name"], email=data["email"], text=data["message"])
    page_html = response.content.decode()
    assert re.search(
        rf'<p class="form-error" id="patient-message-{field}_error">[^<]*<span[^>]*>Error:</span> [^<]*{error}',
        page_html,
    )
    assert f'<li><a href="#patient-message-{field}">' in page_html
    assert re.search(rf'aria-invalid="true"[^>]*id="patient-message-{field}"', page_html)
    assert "no-store" in response["Cache-Control"]
    assert not PatientMessage.objects.exists()


def test_a_message_exactly_at_the_length_limit_is_accepted_with_browser_line_breaks(client, procedure_a):
    # Browsers send CRLF but count it as one character against maxlength: so do we.
    text = ("x" * 99 + "\r\n") * (MAX_BODY_LENGTH // 100 - 1) + "x" * 100

    response = send(client, procedure_a, message_data(procedure_a, message=text))

    assert response.status_code == 302
    assert len(PatientMessage.objects.get().body) == MAX_BODY_LENGTH


def test_a_second_message_from_the_same_ip_within_the_flood_window_gets_429(client, procedure_a):
    assert send(client, procedure_a).status_code == 302

    data = message_data(procedure_a, email="someone.else@example.org", message="A different message.")
    response = send(client, procedure_a, data)

    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert_kept_input(response, email="someone.else@example.org", text="A different message.")
    assert "Please slow down: a message was sent from your internet connection a moment ago." in (
        response.content.decode()
    )
    assert PatientMessage.objects.count() == 1


def test_a_second_message_with_the_same_email_from_another_ip_is_thanked_and_kept_as_spam(send_committed, procedure_a):
    first = send_committed(procedure_a, ip="203.0.113.7")

    data = message_data(procedure_a, email=EMAIL.upper(), message="A different message.")
    response = send_committed(procedure_a, data, ip="198.51.100.4")

    # "A message was sent with this email address a moment ago" would tell anyone typing the address that it did.
    assert (response.status_code, response["Location"]) == (302, first["Location"])
    held = PatientMessage.objects.get(body="A different message.")
    assert held.status == Status.SPAM
    assert held.flag_list == [rules.FLAG_TIME_TRAP]
    assert len(mail.outbox) == 1  # the first message's notification only


def test_different_people_on_different_connections_are_not_held_up(client, procedure_a):
    assert send(client, procedure_a, ip="203.0.113.7").status_code == 302
    other = message_data(procedure_a, email="other@example.org", message="Another message.")
    assert send(client, procedure_a, other, ip="198.51.100.4").status_code == 302

    assert PatientMessage.objects.count() == 2


def test_the_flood_window_is_a_setting_and_zero_turns_it_off(client, procedure_a, settings):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0

    assert send(client, procedure_a).status_code == 302
    assert send(client, procedure_a, message_data(procedure_a, message="A second one.")).status_code == 302

    assert PatientMessage.objects.count() == 2


def test_the_flood_limit_keeps_hashes_in_the_cache_never_the_ip_or_email(client, procedure_a):
    send(client, procedure_a)

    keys = all_cache_keys()
    assert len(keys) >= 3  # the IP and email flood slots and the form's in-flight marker
    for key in keys:
        assert IP not in key and EMAIL not in key and "jane" not in key.lower()
    assert IP not in PatientMessage.objects.get().ip_hash


def test_the_same_text_from_the_same_email_on_the_same_page_is_thanked_and_stored_once(
    send_committed, procedure_a, settings
):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0  # not held up by the flood limit: the duplicate rule answers
    first = send_committed(procedure_a)

    response = send_committed(procedure_a, message_data(procedure_a))  # a new form, the same text

    # Exactly what an accepted message gets: "you already sent this" would confirm who wrote a public message.
    assert first.status_code == response.status_code == 302
    assert response["Location"] == first["Location"] == "/facet-joint-injections/messages/thanks/"
    assert PatientMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_same_text_from_another_email_or_on_another_page_is_not_a_duplicate(
    client, procedure_a, recovery_a, settings
):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0
    PatientMessageFactory(page=procedure_a, author_email=EMAIL, body=TEXT)

    assert send(client, procedure_a, message_data(procedure_a, email="other@example.org")).status_code == 302
    assert send(client, recovery_a, message_data(recovery_a)).status_code == 302
    # A duplicate is thanked too: only what was stored tells the two apart.
    assert PatientMessage.objects.filter(body=TEXT).count() == 3


# --- Flood limit across processes (real Redis) ---------------------------------------------------------------------


@pytest.mark.services
def test_the_flood_limit_holds_across_two_cache_clients_on_redis(settings):
    """Two separate cache clients stand for two app servers receiving the same patient's messages."""
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    policy = antispam.SpamPolicy.from_settings(SPAM_SETTINGS_PREFIX)
    first, second = caches.create_connection("default"), caches.create_connection("default")
    run = uuid.uuid4().hex
    # Made-up "addresses" unique to this run, so a parallel run or an earlier failure cannot interfere.
    ip, other_ip = f"test-ip-{run}", f"test-other-ip-{run}"
    email, other_email = f"{run}@example.org", f"other-{run}@example.org"
    keys = [
        antispam.rate_limit_key(scope, value, settings.SECRET_KEY)
        for scope, value in [
            ("patient-messages", ip),
            ("patient-messages", other_ip),
            ("patient-messages-email", email),
            ("patient-messages-email", other_email),
        ]
    ]
    try:
        assert flood_problem(first, ip=ip, email=email, policy=policy) is None
        assert flood_problem(second, ip=ip, email=other_email, policy=policy) == FLOOD_BY_IP
        assert flood_problem(second, ip=other_ip, email=email, policy=policy) == FLOOD_BY_EMAIL
    finally:
        for key in keys:
            first.delete(key)
        first.close()
        second.close()
