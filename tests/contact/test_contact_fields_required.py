"""A contact page is published only with at least one form field; drafts without fields may still be saved."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from pages.models import ContactPage
from tests.contact.support import NAME_FIELD
from tests.factories import ClinicFactory, ContactPageFactory, role_user

MESSAGE = "Add at least one form field before publishing."


def contact_data(form_fields, initial=0, publish=True):
    data = nested_form_data(
        {
            "title": "Contact us",
            "slug": "contact-us",
            "intro": rich_text("<p>Write to us.</p>"),
            "thank_you_text": rich_text("<p>Thanks.</p>"),
            "to_address": "",
            "from_address": "",
            "subject": "New message",
            "form_fields": inline_formset(form_fields, initial=initial),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return data


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Fields Clinic", hostname="fields.test")


@pytest.fixture
def reviewer_client(client, clinic):
    client.force_login(role_user(clinic, "medical reviewers"))
    return client


def add_url(clinic):
    return reverse("wagtailadmin_pages:add", args=("pages", "contactpage", clinic.home_page.pk))


def test_publishing_a_new_contact_page_without_fields_is_refused(reviewer_client, clinic):
    response = reviewer_client.post(add_url(clinic), contact_data([]))
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not ContactPage.objects.exists()


def test_a_new_contact_page_without_fields_may_be_saved_as_a_draft(reviewer_client, clinic):
    response = reviewer_client.post(add_url(clinic), contact_data([], publish=False))
    assert response.status_code == 302
    page = ContactPage.objects.get()
    assert not page.live
    assert page.form_fields.count() == 0


def test_a_new_contact_page_with_a_field_is_published(reviewer_client, clinic):
    response = reviewer_client.post(add_url(clinic), contact_data([NAME_FIELD]))
    assert response.status_code == 302
    assert ContactPage.objects.get().live


def live_page_with_one_field(clinic):
    page = ContactPageFactory(parent=clinic.home_page, fields=[("Your name", "singleline", True)])
    page.save_revision().publish()
    return page


def delete_every_field(page, publish):
    field = page.form_fields.get()
    return contact_data([{**NAME_FIELD, "id": str(field.pk), "DELETE": "on"}], initial=1, publish=publish)


def test_publishing_a_live_contact_page_after_deleting_every_field_is_refused(reviewer_client, clinic):
    page = live_page_with_one_field(clinic)
    response = reviewer_client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)), delete_every_field(page, publish=True)
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    page.refresh_from_db()
    assert page.live
    assert page.form_fields.count() == 1


def test_a_draft_of_a_live_contact_page_without_fields_may_be_saved(reviewer_client, clinic):
    page = live_page_with_one_field(clinic)
    response = reviewer_client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)), delete_every_field(page, publish=False)
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.has_unpublished_changes
    # The public page keeps its field until a version with fields is published.
    assert page.form_fields.count() == 1
