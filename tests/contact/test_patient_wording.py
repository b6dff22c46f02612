"""What a patient reads on the contact form: the link to the clinic's privacy notice, and errors in plain words."""

import pytest
from wagtail.contrib.forms.models import FormSubmission

from pages.clinics.models import ClinicSettings
from pages.content.general import GeneralPage
from tests.contact.support import form_data, host_of, page_path, submit
from tests.factories import ContactPageFactory

PRIVACY_LINK = '<p class="form-privacy"><a href="/privacy/">How we use your details</a></p>'


@pytest.fixture
def privacy_page(clinic_a):
    page = clinic_a.home_page.add_child(instance=GeneralPage(title="Privacy notice", slug="privacy"))
    ClinicSettings.objects.filter(site=clinic_a.site).update(privacy_page=page)
    return page


def test_the_form_links_to_the_clinics_privacy_notice_next_to_the_send_button(client, contact_page, privacy_page):
    html = client.get(page_path(contact_page), HTTP_HOST=host_of(contact_page)).content.decode()

    assert PRIVACY_LINK in html
    assert html.index(PRIVACY_LINK) < html.index(">Send</button>")


def test_no_link_while_the_privacy_notice_is_not_live_or_not_set(client, contact_page, privacy_page):
    privacy_page.unpublish()
    assert (
        "How we use your details"
        not in client.get(page_path(contact_page), HTTP_HOST=host_of(contact_page)).content.decode()
    )

    ClinicSettings.objects.filter(site=contact_page.get_site()).update(privacy_page=None)
    assert (
        "How we use your details"
        not in client.get(page_path(contact_page), HTTP_HOST=host_of(contact_page)).content.decode()
    )


def test_the_error_summary_speaks_of_the_clinics_own_field_in_plain_words(client, clinic_a):
    page = ContactPageFactory(
        parent=clinic_a.home_page,
        slug="write-to-us",
        fields=[("Your name", "singleline", True), ("How can we help?", "multiline", True)],
    )

    response = submit(client, page, form_data(page, how_can_we_help=""))

    html = response.content.decode()
    assert '<a href="#id_how_can_we_help">Please tell us how we can help</a>' in html
    assert "This field is required" not in html
    assert "How can we help?:" not in html
    assert not FormSubmission.objects.exists()
