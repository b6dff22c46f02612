"""A new clinic's spam words and link rule (Clinic settings), applied to both patient forms: the advert that used to
arrive as an ordinary pending message."""

import io

from django.core import mail
from django.core.management import call_command
from wagtail.contrib.forms.models import FormSubmission

from pages import adverts
from pages.clinics.models import ClinicSettings
from pages.models import PatientMessage
from pages.patient_messages import rules
from pages.patient_messages.models import Status
from tests.contact import support as contact
from tests.factories import ClinicFactory
from tests.patient_messages.support import message_data

ADVERT = "Cheap viagra, casino bonuses, SEO services and crypto tips! cheap-pills.shop and best-casino.online"


def test_a_new_clinic_starts_with_the_default_spam_words_and_link_limit(clinic_a):
    clinic = ClinicSettings.objects.get(site=clinic_a.site)

    assert adverts.word_list(clinic.message_disallowed_words) == adverts.DEFAULT_SPAM_WORDS
    assert clinic.message_link_limit == 2


def test_onboarding_again_keeps_the_clinics_own_list(clinic_a):
    ClinicSettings.objects.filter(site=clinic_a.site).update(message_disallowed_words="lottery")

    ClinicFactory(name="ASCPM", hostname="ascpm.test")

    assert ClinicSettings.objects.get(site=clinic_a.site).message_disallowed_words == "lottery"


def test_an_obvious_advert_under_a_new_clinics_page_is_kept_as_spam_and_announced_to_nobody(
    send_committed, procedure_a
):
    response = send_committed(procedure_a, message_data(procedure_a, message=ADVERT))

    assert response.status_code == 302  # thanked like anyone: a program learns nothing
    message = PatientMessage.objects.get()
    assert message.status == Status.SPAM
    assert set(message.flag_list) == {rules.FLAG_DISALLOWED_WORDS, rules.FLAG_LINKS}
    assert not mail.outbox


def test_the_contact_form_refuses_an_advert_and_says_what_to_take_out(client, contact_page):
    response = contact.submit(client, contact_page, contact.form_data(contact_page, message=ADVERT))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your message was not sent because it mentions" in html
    assert "“casino”" in html and "“crypto”" in html
    assert ADVERT.split("!")[0] in html  # what was typed comes back
    assert not FormSubmission.objects.exists()
    assert not mail.outbox


def test_the_contact_form_refuses_several_links_written_without_http(client, contact_page):
    text = "Great offers at deals-now.shop, cheap-meds.online and more"

    response = contact.submit(client, contact_page, contact.form_data(contact_page, message=text))

    assert "it has 2 links" in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_the_contact_form_follows_the_clinics_edited_list(client, contact_page):
    ClinicSettings.objects.filter(site=contact_page.get_site()).update(message_disallowed_words="")
    text = "I read that crypto scams target patients; is my data safe?"

    response = contact.submit(client, contact_page, contact.form_data(contact_page, message=text))

    assert response.status_code == 303
    assert FormSubmission.objects.count() == 1


def test_the_demo_clinics_start_with_the_default_spam_words(db):
    call_command("seed_demo", stdout=io.StringIO())

    lists = ClinicSettings.objects.values_list("message_disallowed_words", "message_link_limit")
    assert {(adverts.word_list(words), limit) for words, limit in lists} == {(adverts.DEFAULT_SPAM_WORDS, 2)}
