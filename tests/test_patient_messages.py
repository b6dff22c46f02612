"""Patient messages, the patient's side: the list under a page, the form, every rule it is sent through, the
confirmation page and the moderators' notification.

Messages are posted through the real middleware and Wagtail's page router, and read back from the database, the
rendered page and the email outbox. Every refusal must keep what the patient typed and store nothing.
"""

import datetime
import html
import re
import time
import uuid

import pytest
from django.core import mail
from django.core.cache import cache, caches
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from pages import antispam, moderation
from pages.forms import (
    FLOOD_BY_EMAIL,
    FLOOD_BY_IP,
    SPAM_SETTINGS_PREFIX,
    PatientMessageForm,
    flood_problem,
    form_purpose,
    ip_hash,
)
from pages.models import PatientMessage
from pages.models.messages import FORM_TOKEN_CLAIM_KEY, MAX_BODY_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH
from pages.tasks import notify_new_patient_message
from tests.factories import PatientMessageFactory, ProcedurePageFactory, RecoveryGuidancePageFactory

NAME = "Jane Patient"
EMAIL = "jane.patient@example.org"
TEXT = "The injection helped a lot.\nI was back at work the next day."
IP = "203.0.113.7"
PATIENT_VALUES = (NAME, EMAIL, "The injection helped a lot", "back at work")
PHONE_TEXT = "It went well. Please call me back on 555 123 4567 about my next one."
URGENT_TEXT = "Since the injection I have a fever and new numbness in my left leg."


# --- Local helpers -------------------------------------------------------------------------------------------------


@pytest.fixture
def procedure(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, slug="facet-joint-injections")


@pytest.fixture
def recovery(procedure):
    return RecoveryGuidancePageFactory(parent=procedure, slug="after")


@pytest.fixture
def procedure_b(clinic_b):
    # The same slug on the other clinic: only the Host tells the two pages apart.
    return ProcedurePageFactory(parent=clinic_b.home_page, slug="facet-joint-injections")


def path_of(page):
    return page.get_url_parts()[2]


def host_of(page):
    return page.get_site().hostname


def view(client, page, query=""):
    return client.get(path_of(page) + query, HTTP_HOST=host_of(page))


def token_for(page, seconds_ago=10):
    """A genuine one-time token for `page`'s form, issued long enough ago to pass the time trap."""
    return antispam.issue_time_token(form_purpose(page.pk), now=time.time() - seconds_ago)


def message_data(page, **overrides):
    data = {"name": NAME, "email": EMAIL, "message": TEXT, "hp-website": "", "form-token": token_for(page)}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def send(client, page, data=None, ip=IP, **extra):
    return client.post(
        path_of(page) + "messages/", data or message_data(page), HTTP_HOST=host_of(page), REMOTE_ADDR=ip, **extra
    )


def rendered_token(response):
    match = re.search(r'name="form-token" value="([^"]+)"', response.content.decode())
    return match and match.group(1)


def assert_kept_input(response, name=NAME, email=EMAIL, text=TEXT):
    """The page came back with the form filled in as typed and a summary of what went wrong."""
    page_html = response.content.decode()
    assert 'class="form-error-summary"' in page_html
    for field, value in [("name", name), ("email", email)]:
        # Django leaves the value attribute out when there is nothing to show.
        assert (
            f'name="{field}" value="{html.escape(value)}"' if value else f'name="{field}" autocomplete'
        ) in page_html
    assert f'id="patient-message-message">\n{html.escape(text)}</textarea>' in page_html


def everything_in(email):
    return " ".join(
        [email.subject, email.body, email.from_email, *email.to, *email.cc, *email.bcc, *email.reply_to]
        + [str(value) for value in email.extra_headers.values()]
        + [content for content, _mimetype in getattr(email, "alternatives", [])]
    )


@pytest.fixture
def send_committed(client, django_capture_on_commit_callbacks):
    """`send`, then run the on-commit callbacks (the notification task) as a committed request would."""

    def send_and_commit(page, data=None, ip=IP):
        with django_capture_on_commit_callbacks(execute=True):
            return send(client, page, data, ip)

    return send_and_commit


# --- What patients see ---------------------------------------------------------------------------------------------


def test_page_shows_the_form_with_labels_required_marks_and_the_public_and_urgent_notices(client, procedure):
    response = view(client, procedure)

    assert response.status_code == 200
    page_html = response.content.decode()
    assert '<h2 id="patient-messages-heading">Messages from patients</h2>' in page_html
    assert '<h3 id="leave-a-message-heading">Leave a message</h3>' in page_html
    for field_id, label in [("name", "Name"), ("email", "Email"), ("message", "Message")]:
        assert (
            f'<label class="form-label" for="patient-message-{field_id}">{label} <span class="form-required"'
            in page_html
        )
    assert "Required fields are marked" in page_html
    assert "Your email address will not be published." in page_html
    assert "Once a member of our team approves it, your message and your name are shown on this page." in page_html
    assert "Do not include personal health details" in page_html
    assert 'Do not leave a message: call us on <a href="tel:5550101111">(555) 010-1111</a>' in page_html
    assert 'action="/facet-joint-injections/messages/#leave-a-message"' in page_html
    assert re.search(
        r'<div class="form-trap" aria-hidden="true">\s*<label for="patient-message-hp-website">', page_html
    )
    token = rendered_token(response)
    assert antispam.time_token_problem(token, form_purpose(procedure.pk, token), now=time.time() + 10) is None
    # Messages come before the review dates at the end of the page.
    assert page_html.index("Leave a message") < page_html.index("Page last reviewed")
    # The form carries per-visitor tokens: no cache may keep a copy.
    assert "no-store" in response["Cache-Control"]


def test_recovery_pages_take_messages_too(client, recovery):
    assert "Leave a message" in view(client, recovery).content.decode()

    response = send(client, recovery, message_data(recovery))

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/after/messages/thanks/"
    assert PatientMessage.objects.get().page_id == recovery.pk


def test_each_rendering_of_the_form_gets_its_own_one_time_token(client, procedure):
    first, second = rendered_token(view(client, procedure)), rendered_token(view(client, procedure))

    assert first != second  # even within the same second: a random nonce is signed into each
    for token in (first, second):
        purpose = form_purpose(procedure.pk, token)
        assert antispam.time_token_problem(token, purpose, now=time.time() + 10) is None


def test_only_approved_messages_are_shown_and_never_the_email(client, procedure):
    PatientMessageFactory(page=procedure, status="approved", body="Approved and public.", author_email="a@example.org")
    for status in ("pending", "rejected", "spam"):
        PatientMessageFactory(page=procedure, status=status, body=f"Held back: {status}.")

    page_html = view(client, procedure).content.decode()

    assert "Approved and public." in page_html
    assert "Held back" not in page_html
    assert "a@example.org" not in page_html
    assert "@example.org" not in page_html
    assert "1 message, oldest first." in page_html


def test_a_message_shows_its_name_date_text_and_the_clinics_reply(client, procedure):
    message = PatientMessageFactory(
        page=procedure,
        status="approved",
        author_name="Sam",
        body="Thank you all.",
        submitted_at=datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC),
        reply="Thank you, we are glad it helped.",
    )

    page_html = view(client, procedure).content.decode()

    item = page_html[page_html.index(f'id="message-{message.pk}"') :]
    assert '<strong class="patient-message__author">Sam</strong>, <time datetime="2026-05-04">4 May 2026</time>' in item
    assert "Thank you all." in item
    assert "<strong>Reply from ASCPM</strong>" in item
    assert "Thank you, we are glad it helped." in item


def test_a_form_token_from_another_clinics_page_is_refused(client, procedure, procedure_b):
    response = send(client, procedure, message_data(procedure, **{"form-token": token_for(procedure_b)}))

    assert response.status_code == 400
    assert_kept_input(response)
    assert not PatientMessage.objects.exists()


def test_another_clinics_approved_messages_never_appear(client, procedure, procedure_b):
    PatientMessageFactory(page=procedure_b, status="approved", body="Only for Spinal Diagnostics.")

    response = view(client, procedure)

    assert "Only for Spinal Diagnostics." not in response.content.decode()
    assert "Only for Spinal Diagnostics." in view(client, procedure_b).content.decode()


def test_messages_are_paginated_oldest_first_with_the_newest_page_shown_by_default(client, procedure):
    start = timezone.now() - datetime.timedelta(days=100)
    for n in range(1, 46):
        PatientMessageFactory(
            page=procedure, status="approved", body=f"Message number {n}.", submitted_at=start + datetime.timedelta(n)
        )

    newest = view(client, procedure).content.decode()
    oldest = view(client, procedure, "?messages=1").content.decode()

    assert "45 messages, oldest first; showing 41 to 45." in newest
    assert "Message number 41." in newest and "Message number 45." in newest and "Message number 40." not in newest
    assert newest.index("Message number 41.") < newest.index("Message number 45.")
    assert "Page 3 of 3" in newest
    assert 'href="/facet-joint-injections/?messages=2#patient-messages">Older messages</a>' in newest
    assert "Message number 1." in oldest and "Message number 20." in oldest and "Message number 21." not in oldest
    assert oldest.index("Message number 1.") < oldest.index("Message number 20.")
    assert 'href="/facet-joint-injections/?messages=2#patient-messages">Newer messages</a>' in oldest
    # Nonsense page numbers fall back to a real page instead of an error.
    assert view(client, procedure, "?messages=999").status_code == 200
    assert view(client, procedure, "?messages=abc").status_code == 200


def test_names_and_messages_are_shown_as_escaped_plain_text_with_line_breaks(client, procedure):
    PatientMessageFactory(
        page=procedure,
        status="approved",
        author_name='<script>alert("name")</script>',
        body='<b>Bold?</b>\n<script>alert("text")</script>',
        reply="<i>Reply</i>\nSecond line",
    )

    page_html = view(client, procedure).content.decode()

    assert "<script>alert" not in page_html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in page_html
    assert "&lt;b&gt;Bold?&lt;/b&gt;<br>&lt;script&gt;alert(&quot;text&quot;)&lt;/script&gt;" in page_html
    assert "&lt;i&gt;Reply&lt;/i&gt;<br>Second line" in page_html


def test_html_a_patient_types_is_stored_as_typed_and_shown_as_text(client, procedure):
    name, text = "<script>alert(1)</script>", "<a href='http://x.example'>x</a> & <img src=x onerror=alert(2)>"

    assert send(client, procedure, message_data(procedure, name=name, message=text)).status_code == 302

    message = PatientMessage.objects.get()
    assert (message.author_name, message.body) == (name, text)
    PatientMessage.objects.update(status=moderation.APPROVED)
    page_html = view(client, procedure).content.decode()
    assert "<script>alert(1)" not in page_html and "<img src=x" not in page_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert (
        "&lt;a href=&#x27;http://x.example&#x27;&gt;x&lt;/a&gt; &amp; &lt;img src=x onerror=alert(2)&gt;" in page_html
    )


def test_unicode_is_stored_exactly_as_typed_and_shown_back(client, procedure):
    name, text = "Zoë Łukasz 李小龍", "Merci — ça va mieux 👍\r\nΔεύτερη γραμμή، شكرا"

    response = send(client, procedure, message_data(procedure, name=name, message=text))

    assert response.status_code == 302
    message = PatientMessage.objects.get()
    assert message.author_name == name
    assert message.body == "Merci — ça va mieux 👍\nΔεύτερη γραμμή، شكرا"  # only CRLF becomes a line break
    message.status = moderation.APPROVED
    message.save()
    page_html = view(client, procedure).content.decode()
    assert name in page_html
    assert "Merci — ça va mieux 👍<br>Δεύτερη γραμμή، شكرا" in page_html


# --- Sending: POST, redirect, GET ----------------------------------------------------------------------------------


def test_a_message_is_stored_pending_and_the_patient_is_redirected_to_the_confirmation(client, procedure):
    before = timezone.now()

    response = send(client, procedure)

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/messages/thanks/"
    message = PatientMessage.objects.get()
    assert (message.site_id, message.page_id) == (procedure.get_site().pk, procedure.pk)
    assert (message.author_name, message.author_email, message.body) == (NAME, EMAIL, TEXT)
    assert message.status == moderation.PENDING
    assert message.flags == ""
    assert before <= message.submitted_at <= timezone.now()
    assert re.fullmatch(r"[0-9a-f]{64}", message.ip_hash) and message.ip_hash == ip_hash(IP)
    assert re.fullmatch(r"[0-9a-f]{64}", message.form_token_hash)
    # Pending messages are not shown until a person approves them.
    assert "The injection helped a lot" not in view(client, procedure).content.decode()


def test_the_confirmation_thanks_the_patient_and_shows_nothing_they_wrote(client, procedure):
    response = send(client, procedure)

    confirmation = client.get(response["Location"], HTTP_HOST=host_of(procedure))

    assert confirmation.status_code == 200
    page_html = confirmation.content.decode()
    assert "Thank you, your message is awaiting moderation." in page_html
    assert "<title>Message sent: Facet joint injections | ASCPM</title>" in page_html
    assert '<meta name="robots" content="noindex">' in page_html
    assert 'href="/facet-joint-injections/#patient-messages"' in page_html
    assert "Call us now about your symptoms" not in page_html
    for value in PATIENT_VALUES:
        assert value not in page_html


def test_opening_the_forms_address_takes_the_patient_to_the_form(client, procedure):
    response = client.get(path_of(procedure) + "messages/", HTTP_HOST=host_of(procedure))

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/#leave-a-message"


def test_a_resubmitted_or_double_clicked_form_creates_one_message(send_committed, procedure):
    data = message_data(procedure)

    first = send_committed(procedure, data)
    cache.clear()  # even once the flood window and the in-flight marker are gone, the stored hash is enough
    second = send_committed(procedure, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert PatientMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_form_being_stored_by_another_request_is_not_stored_twice(client, procedure):
    """Two concurrent requests with one form: the second finds the first's marker in the shared cache."""
    data = message_data(procedure)
    form = PatientMessageForm.for_page(procedure, data)
    assert form.is_valid()
    cache.add(FORM_TOKEN_CLAIM_KEY.format(form.token_hash), 1)

    response = send(client, procedure, data)

    assert response.status_code == 302
    assert not PatientMessage.objects.exists()


# --- Every refusal keeps the patient's input and stores nothing -----------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field, error",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not an email"}, "email", "Enter a valid email address."),
        ({"message": "   "}, "message", "This field is required."),
        ({"name": "N" * (MAX_NAME_LENGTH + 1)}, "name", f"at most {MAX_NAME_LENGTH} characters"),
        ({"email": "e" * MAX_EMAIL_LENGTH + "@example.org"}, "email", f"at most {MAX_EMAIL_LENGTH} characters"),
        ({"message": "m" * (MAX_BODY_LENGTH + 1)}, "message", f"at most {MAX_BODY_LENGTH} characters"),
    ],
    ids=["no-name", "no-email", "bad-email", "blank-message", "long-name", "long-email", "long-message"],
)
def test_invalid_input_gets_400_with_the_error_by_the_field_and_keeps_the_input(
    client, procedure, overrides, field, error
):
    data = message_data(procedure, **overrides)

    response = send(client, procedure, data)

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


def test_a_message_exactly_at_the_length_limit_is_accepted_with_browser_line_breaks(client, procedure):
    # Browsers send CRLF but count it as one character against maxlength: so do we.
    text = ("x" * 99 + "\r\n") * (MAX_BODY_LENGTH // 100 - 1) + "x" * 100

    response = send(client, procedure, message_data(procedure, message=text))

    assert response.status_code == 302
    assert len(PatientMessage.objects.get().body) == MAX_BODY_LENGTH


@pytest.mark.parametrize(
    "make_token, problem",
    [
        (lambda page: None, "could not check that this form came from our website"),
        (lambda page: token_for(page)[:-4] + "AAAA", "could not check that this form came from our website"),
        (lambda page: antispam.issue_time_token("contact-page:1", now=time.time() - 10), "could not check"),
        (lambda page: token_for(page, seconds_ago=2 * 24 * 60 * 60), "open for a long time"),
    ],
    ids=["missing", "forged", "from-another-form", "expired"],
)
def test_a_bad_form_token_is_refused_with_a_fresh_token_and_keeps_the_input(client, procedure, make_token, problem):
    token = make_token(procedure)

    response = send(client, procedure, message_data(procedure, **{"form-token": token}))

    assert response.status_code == 400
    assert_kept_input(response)
    assert problem in response.content.decode()
    fresh = rendered_token(response)
    assert fresh != token
    assert antispam.time_token_problem(fresh, form_purpose(procedure.pk, fresh), now=time.time() + 10) is None
    assert not PatientMessage.objects.exists()


def test_a_second_message_from_the_same_ip_within_the_flood_window_gets_429(client, procedure):
    assert send(client, procedure).status_code == 302

    data = message_data(procedure, email="someone.else@example.org", message="A different message.")
    response = send(client, procedure, data)

    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert_kept_input(response, email="someone.else@example.org", text="A different message.")
    assert "Please slow down: a message was sent from your internet connection a moment ago." in (
        response.content.decode()
    )
    assert PatientMessage.objects.count() == 1


def test_a_second_message_with_the_same_email_from_another_ip_gets_429_by_the_email_field(client, procedure):
    assert send(client, procedure, ip="203.0.113.7").status_code == 302

    data = message_data(procedure, email=EMAIL.upper(), message="A different message.")
    response = send(client, procedure, data, ip="198.51.100.4")

    assert response.status_code == 429
    assert_kept_input(response, email=EMAIL.upper(), text="A different message.")
    assert re.search(
        r'id="patient-message-email_error">.*Please slow down: a message was sent with this email address',
        response.content.decode(),
    )
    assert PatientMessage.objects.count() == 1


def test_different_people_on_different_connections_are_not_held_up(client, procedure):
    assert send(client, procedure, ip="203.0.113.7").status_code == 302
    other = message_data(procedure, email="other@example.org", message="Another message.")
    assert send(client, procedure, other, ip="198.51.100.4").status_code == 302

    assert PatientMessage.objects.count() == 2


def test_the_flood_window_is_a_setting_and_zero_turns_it_off(client, procedure, settings):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0

    assert send(client, procedure).status_code == 302
    assert send(client, procedure, message_data(procedure, message="A second one.")).status_code == 302

    assert PatientMessage.objects.count() == 2


def all_cache_keys():
    """Every key in the default cache: LocMemCache's dict in the SQLite run, Redis's KEYS in the services run."""
    backend = cache._cache
    if hasattr(backend, "get_client"):
        return [key.decode() for key in backend.get_client().keys("*")]
    return list(backend)


def test_the_flood_limit_keeps_hashes_in_the_cache_never_the_ip_or_email(client, procedure):
    send(client, procedure)

    keys = all_cache_keys()
    assert len(keys) >= 3  # the IP and email flood slots and the form's in-flight marker
    for key in keys:
        assert IP not in key and EMAIL not in key and "jane" not in key.lower()
    assert IP not in PatientMessage.objects.get().ip_hash


def test_the_same_text_from_the_same_email_on_the_same_page_gets_409(client, procedure, settings):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0  # not held up by the flood limit: the duplicate rule answers
    assert send(client, procedure).status_code == 302

    response = send(client, procedure, message_data(procedure))  # a new form, the same text

    assert response.status_code == 409
    assert_kept_input(response)
    assert "You already sent this message on this page" in response.content.decode()
    assert PatientMessage.objects.count() == 1


def test_the_same_text_from_another_email_or_on_another_page_is_not_a_duplicate(client, procedure, recovery, settings):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0
    PatientMessageFactory(page=procedure, author_email=EMAIL, body=TEXT)

    assert send(client, procedure, message_data(procedure, email="other@example.org")).status_code == 302
    assert send(client, recovery, message_data(recovery)).status_code == 302


# --- Closing --------------------------------------------------------------------------------------------------------


def test_messages_closed_by_the_page_switch_show_a_note_and_refuse_posts_with_403(client, procedure):
    PatientMessageFactory(page=procedure, status="approved", body="Still shown after closing.")
    procedure.accept_messages = False
    procedure.save_revision().publish()

    page_html = view(client, procedure).content.decode()
    response = send(client, procedure)

    assert "Still shown after closing." in page_html
    assert "This page is no longer taking new messages." in page_html
    assert 'name="message"' not in page_html
    assert "Leave a message" not in page_html
    assert response.status_code == 403
    refused = response.content.decode()
    assert "Your message was not sent" in refused
    assert f'<textarea id="patient-message-refused" rows="8" readonly>{html.escape(TEXT)}</textarea>' in refused
    assert PatientMessage.objects.filter(body=TEXT).count() == 0


@pytest.mark.parametrize("age_in_days, is_open", [(29, True), (31, False)])
def test_messages_close_the_clinics_number_of_days_after_first_publication(
    client, clinic_a, procedure, age_in_days, is_open
):
    clinic_a.settings.messages_close_after_days = 30
    clinic_a.settings.save()
    type(procedure).objects.filter(pk=procedure.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=age_in_days)
    )

    page_html = view(client, procedure).content.decode()
    response = send(client, procedure)

    assert ('name="message"' in page_html) is is_open
    assert ("no longer taking new messages" in page_html) is not is_open
    assert response.status_code == (302 if is_open else 403)
    assert PatientMessage.objects.exists() is is_open


# --- Spam traps: kept as spam, never shown, never announced ---------------------------------------------------------


def test_a_filled_honeypot_stores_spam_shows_the_usual_confirmation_and_sends_no_email(
    client, send_committed, procedure
):
    response = send_committed(procedure, message_data(procedure, **{"hp-website": "http://spam.example"}))

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/messages/thanks/"
    message = PatientMessage.objects.get()
    assert message.status == moderation.SPAM
    assert message.flag_list == [moderation.FLAG_HONEYPOT]
    assert not mail.outbox
    assert "The injection helped a lot" not in view(client, procedure).content.decode()


def test_a_form_sent_too_fast_stores_spam_flagged_by_the_time_trap(send_committed, procedure):
    response = send_committed(procedure, message_data(procedure, **{"form-token": token_for(procedure, 0)}))

    assert response.status_code == 302
    message = PatientMessage.objects.get()
    assert message.status == moderation.SPAM
    assert message.flag_list == [moderation.FLAG_TIME_TRAP]
    assert not mail.outbox


def test_the_clinics_spam_words_and_link_limit_apply(send_committed, clinic_a, procedure, settings):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0
    clinic_a.settings.message_disallowed_words = "casino"
    clinic_a.settings.message_moderation_words = "lawyer"
    clinic_a.settings.save()

    send_committed(procedure, message_data(procedure, message="Best casino in town"))
    send_committed(procedure, message_data(procedure, message="My lawyer says hello"))
    send_committed(procedure, message_data(procedure, message="See http://a.example and http://b.example"))

    by_text = {m.body: m for m in PatientMessage.objects.all()}
    assert by_text["Best casino in town"].status == moderation.SPAM
    assert by_text["My lawyer says hello"].status == moderation.PENDING
    assert by_text["My lawyer says hello"].flag_list == [moderation.FLAG_MODERATION_WORDS]
    assert by_text["See http://a.example and http://b.example"].status == moderation.SPAM
    assert len(mail.outbox) == 1  # only the pending one is announced


# --- Personal health information: warn, then edit or confirm --------------------------------------------------------


def test_personal_health_information_is_not_stored_until_the_patient_confirms(client, procedure):
    response = send(client, procedure, message_data(procedure, message=PHONE_TEXT))

    assert response.status_code == 200
    page_html = response.content.decode()
    assert "Check your message before you send it" in page_html
    assert "Your message seems to contain a phone number." in page_html
    assert f'id="patient-message-message">\n{PHONE_TEXT}</textarea>' in page_html
    assert f'name="name" value="{NAME}"' in page_html
    assert '<button type="submit" class="button form-submit" name="send_anyway" value="1">Send anyway</button>' in (
        page_html
    )
    # "Send message" stays first, so pressing Enter in a field never confirms by accident.
    assert page_html.index(">Send message</button>") < page_html.index(">Send anyway</button>")
    assert not PatientMessage.objects.exists()


def test_an_edited_message_without_health_information_is_stored_without_the_flag(client, procedure):
    data = message_data(procedure, message=PHONE_TEXT)
    send(client, procedure, data)

    response = send(client, procedure, {**data, "message": "It went well. Please email me about my next one."})

    assert response.status_code == 302
    assert PatientMessage.objects.get().flag_list == []


def test_a_confirmed_message_with_health_information_is_stored_pending_and_flagged(client, procedure):
    data = message_data(procedure, message=PHONE_TEXT)
    send(client, procedure, data)

    response = send(client, procedure, {**data, "send_anyway": "1"})

    assert response.status_code == 302
    message = PatientMessage.objects.get()
    assert message.status == moderation.PENDING
    assert message.flag_list == [moderation.FLAG_HEALTH_INFO]
    assert message.body == PHONE_TEXT


def test_the_warning_names_every_kind_of_health_information_found(client, procedure):
    text = "My date of birth is 02/03/1961, write to me at jane@example.net"

    response = send(client, procedure, message_data(procedure, message=text))

    assert "seems to contain an email address and a date of birth." in response.content.decode()


# --- Urgent symptoms -----------------------------------------------------------------------------------------------


def test_an_urgent_message_is_flagged_and_the_confirmation_shows_the_phone_and_emergency_advice(client, procedure):
    response = send(client, procedure, message_data(procedure, message=URGENT_TEXT))

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/messages/thanks/?urgent=1"
    assert PatientMessage.objects.get().is_urgent
    confirmation = client.get(response["Location"], HTTP_HOST=host_of(procedure)).content.decode()
    advice = confirmation.index("Call us now about your symptoms")
    assert advice < confirmation.index("awaiting moderation")  # before anything else
    assert 'Call ASCPM on <a href="tel:5550101111">(555) 010-1111</a>' in confirmation
    assert "call your local emergency number straight away" in confirmation
    assert "fever" not in confirmation and "numbness" not in confirmation


def test_urgent_advice_is_shown_at_once_even_when_the_form_comes_back(client, procedure):
    text = URGENT_TEXT + " Call me on 555 123 4567 please"

    response = send(client, procedure, message_data(procedure, message=text))

    assert response.status_code == 200  # the health-information question
    page_html = response.content.decode()
    assert page_html.index("Your message mentions symptoms that may need care today") < page_html.index(
        "Check your message before you send it"
    )


# --- The moderators' notification ----------------------------------------------------------------------------------


def test_the_notification_names_the_page_links_to_the_admin_and_contains_no_patient_data(send_committed, procedure):
    send_committed(procedure)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    message = PatientMessage.objects.get()
    assert email.to == ["staff@ascpm.test"]
    assert email.subject == 'New patient message on "Facet joint injections" (ASCPM)'
    assert 'waiting for moderation on the page "Facet joint injections" (ASCPM)' in email.body
    assert f"http://localhost/admin/patient-messages/inspect/{message.pk}/" in email.body
    assert "urgent" not in everything_in(email).lower()
    for value in PATIENT_VALUES:
        assert value not in everything_in(email)
    assert "Jane" not in everything_in(email)


def test_an_urgent_notification_says_urgent_and_nothing_of_the_symptoms(send_committed, procedure):
    send_committed(procedure, message_data(procedure, message=URGENT_TEXT))

    email = mail.outbox[0]
    assert email.subject.startswith("Urgent: ")
    assert "flagged urgent" in email.body
    assert "fever" not in everything_in(email) and "numbness" not in everything_in(email)


def test_the_notification_is_sent_only_once_the_message_is_committed(
    client, procedure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(client, procedure)

    assert len(callbacks) == 1
    assert not mail.outbox


def test_without_a_notification_address_no_email_is_sent_and_the_message_is_kept(send_committed, clinic_a, procedure):
    clinic_a.settings.notification_email = ""
    clinic_a.settings.save()

    assert send_committed(procedure).status_code == 302

    assert PatientMessage.objects.count() == 1
    assert not mail.outbox


@pytest.mark.parametrize("status", ["spam", "approved", "rejected"])
def test_the_task_announces_only_messages_still_pending(procedure, status):
    message = PatientMessageFactory(page=procedure, status=status)

    assert notify_new_patient_message.enqueue(message.pk).return_value == 0
    assert not mail.outbox


def test_the_task_for_a_deleted_message_sends_nothing(procedure):
    message = PatientMessageFactory(page=procedure)
    message_id = message.pk
    message.delete()

    assert notify_new_patient_message.enqueue(message_id).return_value == 0


# --- Speed ---------------------------------------------------------------------------------------------------------


def add_approved_messages(page, count):
    site = page.get_site()
    start = timezone.now() - datetime.timedelta(days=365)
    PatientMessage.objects.bulk_create(
        PatientMessage(
            site=site,
            page=page,
            author_name=f"Patient {n}",
            author_email=f"patient{n}@example.org",
            body=f"Message {n}",
            status=moderation.APPROVED,
            submitted_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(count)
    )


# Measured: site, Wagtail's routing (5), clinic settings, menu (2), recovery pages, then the message list: its
# COUNT and one slice. Neither depends on how many messages there are.
PAGE_WITH_MESSAGES_QUERIES = 13


@pytest.mark.parametrize("message_count", [1, 10_000])
def test_a_page_renders_in_the_same_number_of_queries_with_1_or_10000_messages(
    client, procedure, django_assert_num_queries, message_count
):
    add_approved_messages(procedure, message_count)
    view(client, procedure)  # warm Wagtail's site-root cache, as any running server has

    with django_assert_num_queries(PAGE_WITH_MESSAGES_QUERIES):
        response = view(client, procedure)

    assert response.status_code == 200
    assert f"Message {message_count - 1}</p>" in response.content.decode()  # the newest, on the default page


def test_the_public_list_query_uses_the_page_status_time_index(procedure):
    add_approved_messages(procedure, 200)
    listed = procedure.approved_messages()[:20]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A small test table is cheaper to scan; the question is whether the index serves the query at all.
            cursor.execute("ANALYZE pages_patientmessage")
            cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = listed.query.sql_with_params()
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(prefix + sql, params)
        plan = " ".join(str(column) for row in cursor.fetchall() for column in row)

    assert "message_page_status_time" in plan, plan
    assert "author_email" not in sql  # the email is not even loaded for the public list


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


def test_editors_preview_the_messages_section_with_a_form_that_cannot_send(procedure, superuser):
    PatientMessageFactory(page=procedure, status="approved", body="Shown in the preview too.")
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = superuser

    response = procedure.make_preview_request(request, "")

    assert response.status_code == 200
    page_html = response.render().content.decode()
    assert "Shown in the preview too." in page_html
    assert '<button type="submit" class="button form-submit" disabled>Send message</button>' in page_html
