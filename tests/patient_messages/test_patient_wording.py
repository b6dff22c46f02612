"""What a patient reads around the "Leave a message" form: the privacy notice link, plain error messages and the
confirmation's words."""

import re
import time

import pytest

from pages.clinics.models import ClinicSettings
from pages.content.general import GeneralPage
from pages.models import PatientMessage
from pages.patient_messages.models import Status
from tests.patient_messages.support import PHONE_TEXT, host_of, message_data, send, token_for, view

PRIVACY_LINK = '<p class="form-privacy"><a href="/privacy/">How we use your details</a></p>'


@pytest.fixture
def privacy_page(clinic_a):
    page = clinic_a.home_page.add_child(instance=GeneralPage(title="Privacy notice", slug="privacy"))
    ClinicSettings.objects.filter(site=clinic_a.site).update(privacy_page=page)
    return page


def test_the_form_links_to_the_clinics_privacy_notice_next_to_the_send_button(client, procedure_a, privacy_page):
    html = view(client, procedure_a).content.decode()

    assert PRIVACY_LINK in html
    assert html.index(PRIVACY_LINK) < html.index(">Send message</button>")


def test_no_privacy_link_while_the_notice_is_not_live(client, procedure_a, privacy_page):
    privacy_page.unpublish()

    assert "How we use your details" not in view(client, procedure_a).content.decode()


def test_another_clinics_privacy_notice_is_not_linked(client, procedure_a, procedure_b, privacy_page):
    assert "How we use your details" not in view(client, procedure_b).content.decode()


def test_the_error_summary_names_each_field_in_plain_words(client, procedure_a):
    response = send(client, procedure_a, message_data(procedure_a, name="", message=" "))

    assert response.status_code == 400
    html = response.content.decode()
    assert '<li><a href="#patient-message-name">Please enter your name</a></li>' in html
    assert '<li><a href="#patient-message-message">Please enter your message</a></li>' in html
    assert "This field is required" not in html
    assert not PatientMessage.objects.exists()


def test_the_confirmation_says_the_clinic_will_check_the_message_in_plain_words(client, procedure_a):
    response = send(client, procedure_a)

    html = client.get(response["Location"], HTTP_HOST=host_of(procedure_a)).content.decode()

    assert "Your message is waiting for the clinic to check it" in html
    assert "moderation" not in html


# --- The personal-details warning ------------------------------------------------------------------------------------


def warning_of(client, page):
    response = send(client, page, message_data(page, message=PHONE_TEXT))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index("Check your message before you send it")
    return html[start : html.index("</form>", start)]


def test_the_warning_makes_editing_the_message_the_main_choice_and_send_anyway_secondary(client, procedure_a):
    warning = warning_of(client, procedure_a)

    assert '<a class="button form-submit" href="#patient-message-message">Edit my message</a>' in warning
    assert warning.index(">Edit my message</a>") < warning.index(">Send anyway</button>")
    send_anyway = re.search(r'<button type="submit" class="([^"]+)" name="send_anyway"', warning)
    assert "button--secondary" in send_anyway.group(1).split()


def test_the_warning_points_to_the_clinics_private_contact_page(client, procedure_a, contact_page, contact_page_b):
    warning = warning_of(client, procedure_a)

    assert f'<a href="{contact_page.get_url_parts()[2]}">our private contact form</a>' in warning
    assert warning.count("our private contact form") == 1


def test_without_a_live_contact_page_the_warning_offers_none(client, procedure_a, contact_page, contact_page_b):
    contact_page.unpublish()

    assert "our private contact form" not in warning_of(client, procedure_a)


def test_the_health_details_question_comes_before_the_time_trap(client, procedure_a, settings):
    """A person who writes a phone number is asked about it first; sending it anyway a moment later stores it."""
    settings.PATIENT_MESSAGE_TIME_TRAP_SECONDS = 2
    token = token_for(procedure_a, seconds_ago=0)
    data = message_data(procedure_a, message=PHONE_TEXT, **{"form-token": token})

    asked = send(client, procedure_a, data)

    assert "Check your message before you send it" in asked.content.decode()
    assert "quicker than a person usually fills in this form" not in asked.content.decode()
    assert not PatientMessage.objects.exists()

    time.sleep(2.1)
    send(client, procedure_a, {**data, "send_anyway": "1"})

    assert PatientMessage.objects.get().status == Status.PENDING
