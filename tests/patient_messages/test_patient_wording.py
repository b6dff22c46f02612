"""What a patient reads around the "Leave a message" form: the privacy notice link, plain error messages and the
confirmation's words."""

import pytest

from pages.clinics.models import ClinicSettings
from pages.content.general import GeneralPage
from pages.models import PatientMessage
from tests.patient_messages.support import host_of, message_data, send, view

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
