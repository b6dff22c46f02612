"""The patient's optional reply notice: "Email me when the clinic replies" on the form, and one content-free email
once the clinic's reply is public (approved message, reply written), whichever of the two comes last.
"""

import pytest
from django.core import mail
from django.utils import timezone

from pages.models import PatientMessage
from pages.patient_messages import moderation
from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory
from tests.patient_messages.support import EMAIL, NAME, TEXT, everything_in, message_data, send, view

REPLY = "Thank you, we are glad the injection helped with your sciatica."


@pytest.fixture
def act(moderator_a, django_capture_on_commit_callbacks):
    """Run a moderation step as clinic A's moderator, with its on-commit callbacks (the notice task) run."""

    def run(step, message, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            if step == "reply":
                return moderation.edit_message(
                    PatientMessage.objects.all(), message.pk, moderator_a, reply=kwargs["reply"]
                )
            return moderation.moderate(
                PatientMessage.objects.filter(pk=message.pk), moderation.ACTIONS[step], moderator_a
            )

    return run


def asked(page, **fields):
    return PatientMessageFactory(
        page=page, author_name=NAME, author_email=EMAIL, body=TEXT, reply_notice=True, **fields
    )


def test_the_form_offers_the_notice_as_a_labelled_checkbox_that_is_off_by_default(client, procedure_a):
    html = view(client, procedure_a).content.decode()

    assert '<input type="checkbox" name="reply_notice"' in html
    assert '<label for="patient-message-reply_notice">Email me when the clinic replies</label>' in html
    assert "checked" not in html.split('name="reply_notice"')[1].split(">")[0]


@pytest.mark.parametrize("ticked, stored", [("on", True), (None, False)])
def test_the_patients_choice_is_stored_with_the_message(client, procedure_a, ticked, stored):
    send(client, procedure_a, message_data(procedure_a, reply_notice=ticked))

    assert PatientMessage.objects.get().reply_notice is stored


def test_a_reply_on_an_approved_message_sends_one_email_that_holds_nothing_of_message_or_reply(act, procedure_a):
    message = asked(procedure_a, status=Status.APPROVED)

    act("reply", message, reply=REPLY)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [EMAIL]
    assert email.subject == "ASCPM replied to your message"
    assert 'ASCPM has replied to your message on the page "Alpha facet joint injection"' in email.body
    assert f"http://ascpm.test/facet-joint-injections/#message-{message.pk}" in email.body
    for private in (TEXT, "injection helped a lot", REPLY, "sciatica", NAME):
        assert private not in everything_in(email)
    message.refresh_from_db()
    assert message.reply_notice is False
    assert message.reply_notice_sent_at is not None


def test_a_reply_on_a_pending_message_waits_until_the_message_is_approved(act, procedure_a):
    message = asked(procedure_a, status=Status.PENDING)

    act("reply", message, reply=REPLY)
    assert not mail.outbox

    act("approve", message)
    assert len(mail.outbox) == 1


def test_the_notice_goes_once_however_often_the_reply_changes(act, procedure_a):
    message = asked(procedure_a, status=Status.APPROVED)

    act("reply", message, reply=REPLY)
    act("reply", message, reply=REPLY + " See you soon.")
    act("restore", message)
    act("approve", message)

    assert len(mail.outbox) == 1


@pytest.mark.parametrize("step", ["reject", "spam"])
def test_no_notice_for_a_message_that_is_not_shown(act, procedure_a, step):
    message = asked(procedure_a, status=Status.PENDING, reply=REPLY)

    act(step, message)

    assert not mail.outbox
    assert PatientMessage.objects.get(pk=message.pk).reply_notice is True


def test_no_email_without_the_patients_request(act, procedure_a):
    message = PatientMessageFactory(page=procedure_a, status=Status.APPROVED)

    act("reply", message, reply=REPLY)

    assert not mail.outbox


def test_an_erased_message_sends_nothing(act, procedure_a):
    message = asked(procedure_a, status=Status.APPROVED)
    moderation.erase([message], timezone.now())

    act("reply", message, reply=REPLY)

    assert not mail.outbox
    assert PatientMessage.objects.get(pk=message.pk).reply_notice is False
