"""A contact form is sent once: POST/redirect/GET, and a reused form token never stores or announces twice."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from pages.models import UsedContactFormToken
from tests.contact.support import follow, form_data, submit
from tests.page_cache.support import fetched_tokens


def test_reloading_the_sent_page_stores_and_emails_nothing_more(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, contact_page)
    assert response.status_code == 303

    for _ in range(2):  # the patient reloads the confirmation
        with django_capture_on_commit_callbacks(execute=True):
            sent = follow(client, contact_page, response)
        assert sent.status_code == 200
        assert "Your message has been sent" in sent.content.decode()

    assert FormSubmission.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_same_form_posted_again_is_thanked_not_stored_twice_and_never_too_soon(
    client, contact_page, django_capture_on_commit_callbacks
):
    data = form_data(contact_page)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client, contact_page, data)
        # The back button and Send again, or a double click: the same token, within the rate-limit window.
        second = submit(client, contact_page, data)

    assert first.status_code == second.status_code == 303
    assert second["Location"] == first["Location"]
    assert FormSubmission.objects.count() == 1
    assert len(mail.outbox) == 1


def test_each_showing_of_the_form_has_its_own_token(client, contact_page):
    tokens = {fetched_tokens(client, contact_page)["form_token"] for _ in range(3)}

    assert len(tokens) == 3
    assert all(token.startswith(contact_page.spam_purpose + ":") for token in tokens)


def test_the_database_refuses_a_token_used_twice(contact_page):
    UsedContactFormToken.objects.create(page=contact_page, token_hash="b" * 64)
    with transaction.atomic(), pytest.raises(IntegrityError):
        UsedContactFormToken.objects.create(page=contact_page, token_hash="b" * 64)


def test_tokens_past_their_maximum_age_are_forgotten(client, contact_page, settings):
    settings.CONTACT_TIME_TRAP_MAX_AGE = 3600
    old = UsedContactFormToken.objects.create(page=contact_page, token_hash="c" * 64)
    UsedContactFormToken.objects.filter(pk=old.pk).update(used_at=timezone.now() - datetime.timedelta(days=2))
    recent = UsedContactFormToken.objects.create(page=contact_page, token_hash="d" * 64)

    assert submit(client, contact_page).status_code == 303

    assert not UsedContactFormToken.objects.filter(pk=old.pk).exists()
    assert UsedContactFormToken.objects.filter(pk=recent.pk).exists()
    assert UsedContactFormToken.objects.count() == 2
