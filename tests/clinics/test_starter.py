"""`create_clinic --starter`: a new clinic's first pages, each a draft the clinic reviews; a second run adds nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from pages.clinics.models import ClinicSettings
from pages.clinics.starter import (
    CONTACT_PAGE,
    HOME_INTRODUCTION,
    PRIVACY_PAGE,
    PRIVACY_PLACEHOLDERS,
    TREATMENTS_INTRODUCTION,
    add_starter_content,
)
from pages.content.readability import DEFAULT_TARGET, html_to_text, reading_grade
from pages.models import ClinicHomePage, ContactPage, GeneralPage, TreatmentsIndexPage
from tests.factories import ClinicFactory
from tests.support import exit_code_and_stderr

pytestmark = pytest.mark.django_db


def create_clinic(*args):
    out = io.StringIO()
    call_command("create_clinic", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def starter_clinic():
    return create_clinic(
        "--name",
        "Lakeside Spine",
        "--hostname",
        "lakeside.test",
        "--port",
        "8001",
        "--notification-email",
        "frontdesk@lakeside.test",
        "--starter",
    )


def test_starter_content_is_added_as_drafts_patients_cannot_see(client):
    output = starter_clinic()

    home = ClinicHomePage.objects.get(title="Lakeside Spine")
    contact = ContactPage.objects.child_of(home).get()
    privacy = GeneralPage.objects.child_of(home).get(slug="privacy")
    treatments = TreatmentsIndexPage.objects.child_of(home).get()
    for page in (contact, privacy, treatments):
        assert not page.live
        assert page.get_latest_revision() is not None
        # The edit address is on the clinic's own host and port, as create_clinic prints the site's.
        assert f"http://lakeside.test:8001/admin/pages/{page.pk}/edit/" in output
        assert client.get(f"/{page.slug}/", HTTP_HOST="lakeside.test").status_code == 404
    # The home page's introduction is a draft too: the live page is unchanged until the clinic publishes it.
    home.refresh_from_db()
    assert home.introduction == ""
    assert home.has_unpublished_changes
    assert home.get_latest_revision_as_object().introduction == HOME_INTRODUCTION
    assert "Starter content (drafts: review, complete and publish each one):" in output
    assert output.count("added as a draft") == 4


def test_the_starter_contact_page_has_sensible_fields_and_can_be_published():
    starter_clinic()
    contact = ContactPage.objects.get()

    fields = [(field.label, field.field_type, field.required) for field in contact.form_fields.order_by("sort_order")]
    assert contact.to_address == "frontdesk@lakeside.test"
    assert fields == [
        ("Your name", "singleline", True),
        ("Your email", "email", True),
        ("Your phone number", "singleline", False),
        ("How can we help?", "multiline", True),
    ]
    contact.get_latest_revision().publish()
    contact.refresh_from_db()
    assert contact.live


def test_the_privacy_notice_becomes_the_clinics_privacy_page_and_marks_what_to_fill_in():
    starter_clinic()
    privacy = GeneralPage.objects.get(slug="privacy")

    assert ClinicSettings.objects.get(site__site_name="Lakeside Spine").privacy_page_id == privacy.pk
    text = privacy.patient_text()
    assert all(placeholder in text for placeholder in PRIVACY_PLACEHOLDERS)
    # What the platform knows is filled in: the clinic's retention period for messages it does not publish.
    assert "deleted after 30 days" in text
    assert "{retention_days}" not in text


def test_a_second_run_adds_nothing_and_keeps_the_clinics_own_edits():
    starter_clinic()
    privacy = GeneralPage.objects.get(slug="privacy")
    privacy.introduction = "Our own words."
    privacy.save_revision().publish()
    ContactPage.objects.get().delete()
    ClinicSettings.objects.update(privacy_page=None)
    other = GeneralPage.objects.get(slug="privacy")

    output = starter_clinic()

    assert GeneralPage.objects.get(slug="privacy").introduction == "Our own words."
    assert GeneralPage.objects.count() == 1 and TreatmentsIndexPage.objects.count() == 1
    # Only what went missing comes back; an unset privacy page is pointed at the existing notice.
    assert ContactPage.objects.count() == 1
    assert output.count("added as a draft") == 1
    assert output.count("already there, left as it is") == 3
    assert ClinicSettings.objects.get().privacy_page_id == other.pk


def test_a_clinic_with_its_own_introduction_and_privacy_page_keeps_them():
    clinic = ClinicFactory(name="Own Words", hostname="own.test")
    home = clinic.home_page
    home.introduction = "We are Own Words."
    home.save_revision().publish()
    own_privacy = GeneralPage(title="Our privacy", slug="our-privacy")
    home.add_child(instance=own_privacy)
    clinic.settings.privacy_page = own_privacy
    clinic.settings.save()

    items = add_starter_content(clinic)

    assert [item.added for item in items] == [False, True, True, True]
    assert ClinicSettings.objects.get(pk=clinic.settings.pk).privacy_page_id == own_privacy.pk
    assert ClinicHomePage.objects.get(pk=home.pk).get_latest_revision_as_object().introduction == "We are Own Words."


def test_starter_texts_read_at_or_under_the_default_grade():
    starter_clinic()
    grade = GeneralPage.objects.get(slug="privacy").reading_grade(DEFAULT_TARGET)
    assert grade.grade is not None and grade.grade <= DEFAULT_TARGET, grade
    # The other texts are each too short to grade alone, so they are graded together, as a patient reads the site.
    contact = ContactPage.objects.get()
    other_texts = [
        HOME_INTRODUCTION,
        TREATMENTS_INTRODUCTION,
        PRIVACY_PAGE["introduction"],
        html_to_text(CONTACT_PAGE["intro"]),
        html_to_text(CONTACT_PAGE["thank_you_text"]),
        *(f"{field.label}. {field.help_text}" for field in contact.form_fields.all()),
    ]
    grade = reading_grade(" ".join(other_texts))
    assert grade.grade is not None and grade.grade <= DEFAULT_TARGET, grade


def test_without_starter_nothing_is_added():
    create_clinic("--name", "Bare Clinic", "--hostname", "bare.test")
    assert not ContactPage.objects.exists() and not GeneralPage.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hostname", "http://bad.test/"], "looks like a URL"),
        (["--hostname", "bad.test", "--port", "eighty"], "The port must be a whole number"),
        (["--hostname", "bad.test", "--notification-email", "not-an-email"], "is not a valid email address"),
    ],
)
def test_a_bad_argument_with_starter_says_what_is_wrong_and_adds_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        create_clinic("--name", "Bad", *args, "--starter")
    assert not ContactPage.objects.exists() and not GeneralPage.objects.exists()


def test_a_bad_argument_from_the_command_line_exits_non_zero_with_the_message(monkeypatch, capsys):
    code, stderr = exit_code_and_stderr(
        monkeypatch, capsys, "create_clinic", "--name", "Bad", "--hostname", "bad.test:80", "--starter"
    )
    assert code != 0
    assert "contains a port; pass the port with --port" in stderr
    assert not ContactPage.objects.exists()
