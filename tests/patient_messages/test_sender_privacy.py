"""Patient messages: no answer to the form tells whether an email address has written before.

Approved messages are public and anyone can type anyone's address, so an answer that differs for a message's real
author would confirm who wrote it. Each test sends the same thing twice, once under the address that wrote before
and once under a fresh one, each from a connection of its own, and compares everything the sender gets back.
"""

import re

import pytest
from django.core import mail

from pages.models import PatientMessage
from pages.patient_messages import rules
from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory, ProcedurePageFactory
from tests.patient_messages.support import message_data, send

AUTHOR = "arthur.author@example.org"
GUESS = "someone.guessed@example.org"
PUBLIC_TEXT = "The injection helped a lot. I was back at work the next day."
# Approved after the author chose "Send anyway": personal health information that a moderator let through.
PUBLIC_TEXT_WITH_PHONE = "It went well. Call me on 555 123 4567 if you want to know more."
# The form's one-time and CSRF tokens and the style nonce differ on every rendering; the typed address is shown
# back to its sender.
PER_RENDERING = re.compile(r'(name="(?:form-token|csrfmiddlewaretoken)" value="|nonce=")[^"]*"')


@pytest.fixture
def message_page(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, slug="facet-joint-injections")


def approved(page, body):
    return PatientMessageFactory(page=page, author_email=AUTHOR, body=body, status=Status.APPROVED)


def answer(response, email):
    """Everything the sender sees, with what changes on every rendering and the address they typed blanked."""
    content = "" if response.status_code == 302 else response.content.decode()
    content = PER_RENDERING.sub(r'\1"', content).replace(email, "EMAIL")
    return response.status_code, response.get("Location"), response.get("Retry-After"), content


def probe(client, page, email, ip, **overrides):
    return answer(send(client, page, message_data(page, email=email, **overrides), ip=ip), email)


def test_an_approved_message_sent_again_under_its_authors_email_is_answered_as_under_a_guessed_one(
    client, message_page, django_capture_on_commit_callbacks
):
    approved(message_page, PUBLIC_TEXT)

    with django_capture_on_commit_callbacks(execute=True):
        as_author = probe(client, message_page, AUTHOR, "198.51.100.1", message=PUBLIC_TEXT)
        as_guess = probe(client, message_page, GUESS, "198.51.100.2", message=PUBLIC_TEXT)

    assert as_author == as_guess
    assert as_author[:2] == (302, "/facet-joint-injections/messages/thanks/")
    # The author's message is not stored twice; the guessed address's is a new message like any other.
    assert PatientMessage.objects.filter(author_email=AUTHOR).count() == 1
    assert PatientMessage.objects.filter(author_email=GUESS, status=Status.PENDING).count() == 1
    assert len(mail.outbox) == 1


def test_the_health_information_question_comes_the_same_for_the_author_and_a_guessed_email(client, message_page):
    approved(message_page, PUBLIC_TEXT_WITH_PHONE)

    as_author = probe(client, message_page, AUTHOR, "198.51.100.1", message=PUBLIC_TEXT_WITH_PHONE)
    as_guess = probe(client, message_page, GUESS, "198.51.100.2", message=PUBLIC_TEXT_WITH_PHONE)

    assert as_author == as_guess
    assert as_author[0] == 200
    assert "Your message seems to contain a phone number." in as_author[3]
    assert PatientMessage.objects.count() == 1


def test_the_connections_flood_limit_refuses_the_author_and_a_guessed_email_alike(client, message_page):
    approved(message_page, PUBLIC_TEXT)
    answers = []
    for email, ip in ((AUTHOR, "198.51.100.1"), (GUESS, "198.51.100.2")):
        # Something else sent from the same connection a moment before.
        assert send(client, message_page, message_data(message_page, email="x@example.org"), ip=ip).status_code == 302
        answers.append(probe(client, message_page, email, ip, message=PUBLIC_TEXT))

    assert answers[0] == answers[1]
    assert answers[0][0] == 429
    assert "Please slow down: a message was sent from your internet connection a moment ago." in answers[0][3]


def test_an_email_that_sent_a_message_a_moment_ago_is_answered_as_a_fresh_one(
    client, message_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, message_page, message_data(message_page, email=AUTHOR), ip="203.0.113.7").status_code == 302
        as_author = probe(client, message_page, AUTHOR, "198.51.100.1", message="Another question.")
        as_guess = probe(client, message_page, GUESS, "198.51.100.2", message="Another question.")

    assert as_author == as_guess
    assert as_author[:2] == (302, "/facet-joint-injections/messages/thanks/")
    # Kept for a moderator, as spam that pages nobody: one address cannot flood the clinic through many connections.
    held = PatientMessage.objects.get(author_email=AUTHOR, body="Another question.")
    assert (held.status, held.flag_list) == (Status.SPAM, [rules.FLAG_TIME_TRAP])
    assert PatientMessage.objects.get(author_email=GUESS).status == Status.PENDING
    assert len(mail.outbox) == 2  # the first message and the guessed address's: never the held one
