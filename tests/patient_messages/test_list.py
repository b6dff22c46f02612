"""Patient messages, the patient's side: the list under a page and the form as it is shown, how fast the list
renders, and the editors' preview.
"""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from pages import antispam
from pages.models import PatientMessage
from pages.patient_messages.forms import form_purpose
from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory
from tests.page_cache.support import fetched_tokens, tokens_url
from tests.patient_messages.support import message_data, rendered_token, send, view
from tests.support import assert_all_in

# --- What patients see ---------------------------------------------------------------------------------------------


def test_page_shows_the_form_with_labels_required_marks_and_the_public_and_urgent_notices(client, procedure_a):
    response = view(client, procedure_a)

    assert response.status_code == 200
    page_html = response.content.decode()
    assert '<h2 id="patient-messages-heading">Messages from patients</h2>' in page_html
    assert '<h3 id="leave-a-message-heading">Leave a message</h3>' in page_html
    for field_id, label in [("name", "Name"), ("email", "Email"), ("message", "Message")]:
        assert (
            f'<label class="form-label" for="patient-message-{field_id}">{label} <span class="form-required"'
            in page_html
        )
    assert_all_in(
        page_html,
        "Required fields are marked",
        "Your email address will not be published.",
        "Once a member of our team approves it, your message and your name are shown on this page.",
        "Do not include personal health details",
    )
    assert 'Do not leave a message: call us on <a href="tel:+12175550111">(217) 555-0111</a>' in page_html
    assert 'action="/facet-joint-injections/messages/#leave-a-message"' in page_html
    assert re.search(
        r'<div class="form-trap" aria-hidden="true">\s*<label for="patient-message-hp-website">', page_html
    )
    # The page carries no per-visitor token: its script fetches them, so any cache may keep the page.
    assert rendered_token(response) is None
    assert f'data-form-tokens="{tokens_url(procedure_a)}"' in page_html
    assert "public" in response["Cache-Control"] and "csrftoken" not in response.cookies
    token = fetched_tokens(client, procedure_a)["form_token"]
    assert antispam.time_token_problem(token, form_purpose(procedure_a.pk, token), now=time.time() + 10) is None
    # Messages come before the review dates at the end of the page.
    assert page_html.index("Leave a message") < page_html.index("Page last reviewed")


def test_recovery_pages_take_messages_too(client, recovery_a):
    assert "Leave a message" in view(client, recovery_a).content.decode()

    response = send(client, recovery_a, message_data(recovery_a))

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/after/messages/thanks/"
    assert PatientMessage.objects.get().page_id == recovery_a.pk


def test_each_rendering_of_the_form_gets_its_own_one_time_token(client, procedure_a):
    first, second = (fetched_tokens(client, procedure_a)["form_token"] for _ in range(2))

    assert first != second  # even within the same second: a random nonce is signed into each
    for token in (first, second):
        purpose = form_purpose(procedure_a.pk, token)
        assert antispam.time_token_problem(token, purpose, now=time.time() + 10) is None


def test_only_approved_messages_are_shown_and_never_the_email(client, procedure_a):
    PatientMessageFactory(
        page=procedure_a, status="approved", body="Approved and public.", author_email="a@example.org"
    )
    for status in ("pending", "rejected", "spam"):
        PatientMessageFactory(page=procedure_a, status=status, body=f"Held back: {status}.")

    page_html = view(client, procedure_a).content.decode()

    assert "Approved and public." in page_html
    assert "Held back" not in page_html
    assert "a@example.org" not in page_html
    assert "@example.org" not in page_html
    assert "1 message, oldest first." in page_html


def test_a_message_shows_its_name_date_text_and_the_clinics_reply(client, procedure_a):
    message = PatientMessageFactory(
        page=procedure_a,
        status="approved",
        author_name="Sam",
        body="Thank you all.",
        submitted_at=datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC),
        reply="Thank you, we are glad it helped.",
    )

    page_html = view(client, procedure_a).content.decode()

    item = page_html[page_html.index(f'id="message-{message.pk}"') :]
    assert '<strong class="patient-message__author">Sam</strong>, <time datetime="2026-05-04">4 May 2026</time>' in item
    assert "Thank you all." in item
    assert "<strong>Reply from ASCPM</strong>" in item
    assert "Thank you, we are glad it helped." in item


def test_another_clinics_approved_messages_never_appear(client, procedure_a, procedure_b):
    PatientMessageFactory(page=procedure_b, status="approved", body="Only for Spinal Diagnostics.")

    response = view(client, procedure_a)

    assert "Only for Spinal Diagnostics." not in response.content.decode()
    assert "Only for Spinal Diagnostics." in view(client, procedure_b).content.decode()


def test_messages_are_paginated_oldest_first_with_the_newest_page_shown_by_default(client, procedure_a):
    start = timezone.now() - datetime.timedelta(days=100)
    for n in range(1, 46):
        PatientMessageFactory(
            page=procedure_a, status="approved", body=f"Message number {n}.", submitted_at=start + datetime.timedelta(n)
        )

    newest = view(client, procedure_a).content.decode()
    oldest = view(client, procedure_a, "?messages=1").content.decode()

    assert "45 messages, oldest first; showing 41 to 45." in newest
    assert "Message number 41." in newest and "Message number 45." in newest and "Message number 40." not in newest
    assert newest.index("Message number 41.") < newest.index("Message number 45.")
    assert "Page 3 of 3" in newest
    assert 'href="/facet-joint-injections/?messages=2#patient-messages">Older messages</a>' in newest
    assert "Message number 1." in oldest and "Message number 20." in oldest and "Message number 21." not in oldest
    assert oldest.index("Message number 1.") < oldest.index("Message number 20.")
    assert 'href="/facet-joint-injections/?messages=2#patient-messages">Newer messages</a>' in oldest
    # Nonsense page numbers fall back to a real page instead of an error.
    assert view(client, procedure_a, "?messages=999").status_code == 200
    assert view(client, procedure_a, "?messages=abc").status_code == 200


def test_names_and_messages_are_shown_as_escaped_plain_text_with_line_breaks(client, procedure_a):
    PatientMessageFactory(
        page=procedure_a,
        status="approved",
        author_name='<script>alert("name")</script>',
        body='<b>Bold?</b>\n<script>alert("text")</script>',
        reply="<i>Reply</i>\nSecond line",
    )

    page_html = view(client, procedure_a).content.decode()

    assert "<script>alert" not in page_html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in page_html
    assert "&lt;b&gt;Bold?&lt;/b&gt;<br>&lt;script&gt;alert(&quot;text&quot;)&lt;/script&gt;" in page_html
    assert "&lt;i&gt;Reply&lt;/i&gt;<br>Second line" in page_html


def test_html_a_patient_types_is_stored_as_typed_and_shown_as_text(client, procedure_a):
    name, text = "<script>alert(1)</script>", "<a href='http://x.example'>x</a> & <img src=x onerror=alert(2)>"

    assert send(client, procedure_a, message_data(procedure_a, name=name, message=text)).status_code == 302

    message = PatientMessage.objects.get()
    assert (message.author_name, message.body) == (name, text)
    PatientMessage.objects.update(status=Status.APPROVED)
    page_html = view(client, procedure_a).content.decode()
    assert "<script>alert(1)" not in page_html and "<img src=x" not in page_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert (
        "&lt;a href=&#x27;http://x.example&#x27;&gt;x&lt;/a&gt; &amp; &lt;img src=x onerror=alert(2)&gt;" in page_html
    )


def test_unicode_is_stored_exactly_as_typed_and_shown_back(client, procedure_a):
    name, text = "Zoë Łukasz 李小龍", "Merci — ça va mieux 👍\r\nΔεύτερη γραμμή، شكرا"

    response = send(client, procedure_a, message_data(procedure_a, name=name, message=text))

    assert response.status_code == 302
    message = PatientMessage.objects.get()
    assert message.author_name == name
    assert message.body == "Merci — ça va mieux 👍\nΔεύτερη γραμμή، شكرا"  # only CRLF becomes a line break
    message.status = Status.APPROVED
    message.save()
    page_html = view(client, procedure_a).content.decode()
    assert name in page_html
    assert "Merci — ça va mieux 👍<br>Δεύτερη γραμμή، شكرا" in page_html


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
            status=Status.APPROVED,
            submitted_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(count)
    )


# Measured: Wagtail's routing and view restrictions (3), clinic settings, menu, the reviewer, then the message
# list: one query when one page of the list holds every message, else that query (which brings the total) and the
# newest page's slice. Neither depends on how many messages there are.
PAGE_WITH_MESSAGES_QUERIES = {1: 8, 10_000: 9}


@pytest.mark.parametrize("message_count", [1, 10_000])
def test_a_page_renders_in_the_same_number_of_queries_with_1_or_10000_messages(
    client, procedure_a, django_assert_num_queries, message_count
):
    add_approved_messages(procedure_a, message_count)
    view(client, procedure_a)  # warm Wagtail's site-root cache, as any running server has

    with django_assert_num_queries(PAGE_WITH_MESSAGES_QUERIES[message_count]):
        response = view(client, procedure_a)

    assert response.status_code == 200
    assert f"Message {message_count - 1}</p>" in response.content.decode()  # the newest, on the default page


def test_the_public_list_query_uses_the_page_status_time_index(procedure_a):
    add_approved_messages(procedure_a, 200)
    listed = procedure_a.approved_messages()[:20]

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


def test_editors_preview_the_messages_section_with_a_form_that_cannot_send(procedure_a, superuser):
    PatientMessageFactory(page=procedure_a, status="approved", body="Shown in the preview too.")
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = superuser

    response = procedure_a.make_preview_request(request, "")

    assert response.status_code == 200
    page_html = response.render().content.decode()
    assert "Shown in the preview too." in page_html
    assert '<button type="submit" class="button form-submit" disabled>Send message</button>' in page_html
