"""Patient messages, the patient's side: the rules a message is sent through once the form is valid (closing,
the clinic's spam words and link limit, personal health information, urgent symptoms) and the moderators'
notification.
"""

import datetime
import html

import pytest
from django.core import mail
from django.utils import timezone

from pages.models import PatientMessage
from pages.patient_messages import rules
from pages.patient_messages.models import Status
from pages.patient_messages.notifications import notify_new_patient_message
from tests.factories import PatientMessageFactory
from tests.patient_messages.support import (
    NAME,
    PATIENT_VALUES,
    PHONE_TEXT,
    TEXT,
    URGENT_TEXT,
    everything_in,
    host_of,
    message_data,
    send,
    view,
)
from tests.support import assert_notification_waits_for_commit

# --- Closing --------------------------------------------------------------------------------------------------------


def test_messages_closed_by_the_page_switch_show_a_note_and_refuse_posts_with_403(client, procedure_a):
    PatientMessageFactory(page=procedure_a, status="approved", body="Still shown after closing.")
    procedure_a.accept_messages = False
    procedure_a.save_revision().publish()

    page_html = view(client, procedure_a).content.decode()
    response = send(client, procedure_a)

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
    client, clinic_a, procedure_a, age_in_days, is_open
):
    clinic_a.settings.messages_close_after_days = 30
    clinic_a.settings.save()
    type(procedure_a).objects.filter(pk=procedure_a.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=age_in_days)
    )

    page_html = view(client, procedure_a).content.decode()
    response = send(client, procedure_a)

    assert ('name="message"' in page_html) is is_open
    assert ("no longer taking new messages" in page_html) is not is_open
    assert response.status_code == (302 if is_open else 403)
    assert PatientMessage.objects.exists() is is_open


# --- Spam traps: kept as spam, never shown, never announced ---------------------------------------------------------


# The honeypot and the time trap are checked for this form and the contact form in tests/test_spam_traps.py.


def test_the_clinics_spam_words_and_link_limit_apply(send_committed, clinic_a, procedure_a, settings):
    settings.PATIENT_MESSAGE_RATE_LIMIT_SECONDS = 0
    clinic_a.settings.message_disallowed_words = "casino"
    clinic_a.settings.message_moderation_words = "lawyer"
    clinic_a.settings.save()

    send_committed(procedure_a, message_data(procedure_a, message="Best casino in town"))
    send_committed(procedure_a, message_data(procedure_a, message="My lawyer says hello"))
    send_committed(procedure_a, message_data(procedure_a, message="See http://a.example and http://b.example"))

    by_text = {m.body: m for m in PatientMessage.objects.all()}
    assert by_text["Best casino in town"].status == Status.SPAM
    assert by_text["My lawyer says hello"].status == Status.PENDING
    assert by_text["My lawyer says hello"].flag_list == [rules.FLAG_MODERATION_WORDS]
    assert by_text["See http://a.example and http://b.example"].status == Status.SPAM
    assert len(mail.outbox) == 1  # only the pending one is announced


# --- Personal health information: warn, then edit or confirm --------------------------------------------------------


def test_personal_health_information_is_not_stored_until_the_patient_confirms(client, procedure_a):
    response = send(client, procedure_a, message_data(procedure_a, message=PHONE_TEXT))

    assert response.status_code == 200
    page_html = response.content.decode()
    assert "Check your message before you send it" in page_html
    assert "Your message seems to contain a phone number." in page_html
    assert f'id="patient-message-message">\n{PHONE_TEXT}</textarea>' in page_html
    assert f'name="name" value="{NAME}"' in page_html
    assert (
        '<button type="submit" class="button button--secondary form-submit" name="send_anyway" value="1">'
        "Send anyway</button>"
    ) in page_html
    # "Send message" stays first, so pressing Enter in a field never confirms by accident.
    assert page_html.index(">Send message</button>") < page_html.index(">Send anyway</button>")
    assert not PatientMessage.objects.exists()


def test_an_edited_message_without_health_information_is_stored_without_the_flag(client, procedure_a):
    data = message_data(procedure_a, message=PHONE_TEXT)
    send(client, procedure_a, data)

    response = send(client, procedure_a, {**data, "message": "It went well. Please email me about my next one."})

    assert response.status_code == 302
    assert PatientMessage.objects.get().flag_list == []


def test_a_confirmed_message_with_health_information_is_stored_pending_and_flagged(client, procedure_a):
    data = message_data(procedure_a, message=PHONE_TEXT)
    send(client, procedure_a, data)

    response = send(client, procedure_a, {**data, "send_anyway": "1"})

    assert response.status_code == 302
    message = PatientMessage.objects.get()
    assert message.status == Status.PENDING
    assert message.flag_list == [rules.FLAG_HEALTH_INFO]
    assert message.body == PHONE_TEXT


def test_the_warning_names_every_kind_of_health_information_found(client, procedure_a):
    text = "My date of birth is 02/03/1961, write to me at jane@example.net"

    response = send(client, procedure_a, message_data(procedure_a, message=text))

    assert "seems to contain an email address and a date of birth." in response.content.decode()


# --- Urgent symptoms -----------------------------------------------------------------------------------------------


def test_an_urgent_message_is_flagged_and_the_confirmation_shows_the_phone_and_emergency_advice(client, procedure_a):
    response = send(client, procedure_a, message_data(procedure_a, message=URGENT_TEXT))

    assert response.status_code == 302
    assert response["Location"] == "/facet-joint-injections/messages/thanks/?urgent=1"
    assert PatientMessage.objects.get().is_urgent
    confirmation = client.get(response["Location"], HTTP_HOST=host_of(procedure_a)).content.decode()
    advice = confirmation.index("Call us now about your symptoms")
    assert advice < confirmation.index("waiting for the clinic to check it")  # before anything else
    assert 'Call ASCPM on <a href="tel:+12175550111">(217) 555-0111</a>' in confirmation
    assert "call your local emergency number straight away" in confirmation
    assert "fever" not in confirmation and "numbness" not in confirmation


def test_urgent_advice_is_shown_at_once_even_when_the_form_comes_back(client, procedure_a):
    text = URGENT_TEXT + " Call me on 555 123 4567 please"

    response = send(client, procedure_a, message_data(procedure_a, message=text))

    assert response.status_code == 200  # the health-information question
    page_html = response.content.decode()
    assert page_html.index("Your message mentions symptoms that may need care today") < page_html.index(
        "Check your message before you send it"
    )


# --- The moderators' notification ----------------------------------------------------------------------------------


def test_the_notification_names_the_page_links_to_the_admin_and_contains_no_patient_data(send_committed, procedure_a):
    send_committed(procedure_a)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    message = PatientMessage.objects.get()
    assert email.to == ["staff@ascpm.test"]
    assert email.subject == 'New patient message on "Alpha facet joint injection" (ASCPM)'
    assert 'waiting for moderation on the page "Alpha facet joint injection" (ASCPM)' in email.body
    assert f"http://localhost/admin/patient-messages/inspect/{message.pk}/" in email.body
    assert "urgent" not in everything_in(email).lower()
    for value in PATIENT_VALUES:
        assert value not in everything_in(email)
    assert "Jane" not in everything_in(email)


def test_an_urgent_notification_says_urgent_and_nothing_of_the_symptoms(send_committed, procedure_a):
    send_committed(procedure_a, message_data(procedure_a, message=URGENT_TEXT))

    email = mail.outbox[0]
    assert email.subject.startswith("Urgent: ")
    assert "flagged urgent" in email.body
    assert "fever" not in everything_in(email) and "numbness" not in everything_in(email)


def test_the_notification_is_sent_only_once_the_message_is_committed(
    client, procedure_a, django_capture_on_commit_callbacks
):
    assert_notification_waits_for_commit(django_capture_on_commit_callbacks, lambda: send(client, procedure_a))


def test_without_a_notification_address_no_email_is_sent_and_the_message_is_kept(send_committed, clinic_a, procedure_a):
    clinic_a.settings.notification_email = ""
    clinic_a.settings.save()

    assert send_committed(procedure_a).status_code == 302

    assert PatientMessage.objects.count() == 1
    assert not mail.outbox


@pytest.mark.parametrize("status", ["spam", "approved", "rejected"])
def test_the_task_announces_only_messages_still_pending(procedure_a, status):
    message = PatientMessageFactory(page=procedure_a, status=status)

    assert notify_new_patient_message.enqueue(message.pk).return_value == 0
    assert not mail.outbox


def test_the_task_for_a_deleted_message_sends_nothing(procedure_a):
    message = PatientMessageFactory(page=procedure_a)
    message_id = message.pk
    message.delete()

    assert notify_new_patient_message.enqueue(message_id).return_value == 0
