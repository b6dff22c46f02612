"""Sending a message when something goes wrong: a worker stopped mid-INSERT, two requests with one form, a resend.

Only the database may say a form was already sent (a unique constraint on the form token's hash); the cache holds
no more than a short lock while one request stores the message. A patient is never thanked for a message that was
not stored, and sending the same form again never meets the flood limit.
"""

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from pages.models import PatientMessage
from pages.patient_messages import submission
from pages.patient_messages.forms import PatientMessageForm
from pages.patient_messages.submission import FORM_TOKEN_CLAIM_KEY, STILL_SENDING_MESSAGE, Result
from tests.factories import PatientMessageFactory
from tests.patient_messages.support import IP, TEXT, assert_kept_input, host_of, message_data, send


def lock_key(page, data):
    form = PatientMessageForm.for_page(page, data)
    assert form.is_valid()
    return FORM_TOKEN_CLAIM_KEY.format(form.token_hash), form.token_hash


def test_a_form_locked_by_another_request_that_stored_nothing_asks_to_wait_and_keeps_the_text(client, procedure_a):
    data = message_data(procedure_a)
    key, _ = lock_key(procedure_a, data)
    cache.add(key, 1)  # another request holds the form: it is storing it, or its worker died

    response = send(client, procedure_a, data)

    assert response.status_code == 409
    assert response["Retry-After"] == "2"
    assert STILL_SENDING_MESSAGE in response.content.decode()
    assert_kept_input(response)
    assert not PatientMessage.objects.exists()
    # The lock was the other request's, so it is still there; once it goes, the same form is stored.
    assert cache.get(key) is not None
    cache.delete(key)
    assert send(client, procedure_a, data).status_code == 302
    assert PatientMessage.objects.get().body == TEXT


def test_a_form_locked_by_another_request_that_stored_it_is_thanked(client, procedure_a):
    data = message_data(procedure_a)
    key, token_hash = lock_key(procedure_a, data)
    cache.add(key, 1)
    PatientMessageFactory(page=procedure_a, form_token_hash=token_hash)

    response = send(client, procedure_a, data)

    assert response.status_code == 302
    assert PatientMessage.objects.count() == 1


def test_a_double_click_while_the_first_is_storing_is_never_too_soon(client, procedure_a):
    """The first request took the flood slot and the lock; the second must not be told to slow down."""
    data = message_data(procedure_a)
    key, _ = lock_key(procedure_a, data)
    # The first request: its flood slot, by sending another form from the same connection, then its lock.
    assert send(client, procedure_a, message_data(procedure_a, message="Another message entirely.")).status_code == 302
    cache.add(key, 1)

    response = send(client, procedure_a, data)

    assert response.status_code == 409
    assert "slow down" not in response.content.decode()


@pytest.mark.parametrize("fault", [SystemExit, RuntimeError])
def test_a_worker_stopped_while_storing_loses_nothing_and_the_resend_is_stored_not_too_soon(
    client, procedure_a, monkeypatch, fault
):
    """gunicorn's worker timeout raises SystemExit inside the INSERT: not an Exception, and nothing is stored."""
    data = message_data(procedure_a)
    key, _ = lock_key(procedure_a, data)
    real_save = PatientMessage.save

    def stopped(self, *args, **kwargs):
        raise fault("worker stopped")

    monkeypatch.setattr(PatientMessage, "save", stopped)
    with pytest.raises(fault):
        send(client, procedure_a, data)
    assert not PatientMessage.objects.exists()
    assert cache.get(key) is None  # the lock went with the failed attempt

    monkeypatch.setattr(PatientMessage, "save", real_save)
    # The patient presses Send again at once: stored, neither "too soon" (the form took its flood slot already)
    # nor "already sent".
    response = send(client, procedure_a, data)

    assert response.status_code == 302
    assert PatientMessage.objects.get().body == TEXT


def test_the_database_refuses_a_second_message_with_the_same_form_token(procedure_a):
    PatientMessageFactory(page=procedure_a, form_token_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientMessageFactory(page=procedure_a, form_token_hash="a" * 64)
    # Messages without a token (imported, or older) are not one form.
    PatientMessageFactory(page=procedure_a, form_token_hash="")
    PatientMessageFactory(page=procedure_a, form_token_hash="")
    assert PatientMessage.objects.count() == 3


def test_a_race_lost_at_the_insert_thanks_the_patient_without_a_second_row(procedure_a):
    """Another request inserted the form's message after this one's checks: the unique token decides."""
    data = message_data(procedure_a)
    request = RequestFactory().post("/", data, HTTP_HOST=host_of(procedure_a), REMOTE_ADDR=IP)
    form = PatientMessageForm.for_page(procedure_a, data)
    assert form.is_valid()
    PatientMessageFactory(page=procedure_a, form_token_hash=form.token_hash)

    clinic = submission.clinic_for_submission(procedure_a, request)

    outcome = submission.store(submission.Submission(procedure_a, request, form, clinic))

    assert outcome.result is Result.ALREADY_SENT and outcome.sent
    assert PatientMessage.objects.count() == 1


def test_a_post_with_more_fields_than_django_allows_is_refused(client, procedure_a):
    data = message_data(procedure_a)
    data.update({f"extra-{number}": "x" for number in range(1001)})

    response = send(client, procedure_a, data)

    assert response.status_code == 400
    assert not PatientMessage.objects.exists()
