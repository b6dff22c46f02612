"""Who sees contact-form submissions in the admin: the clinic's moderators only, for listing, export and delete."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.forms.utils import get_forms_for_user

from tests.contact.support import EMAIL, MESSAGE, NAME, PATIENT_VALUES, assert_refused, response_bytes
from tests.factories import UserFactory, role_user

# --- Who sees submissions in the admin -----------------------------------------------------------------------------


def submissions_url(page, **params):
    url = reverse("wagtailforms:list_submissions", args=[page.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def test_clinic_moderator_sees_own_clinic_submissions(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(submissions_url(contact_page))

    assert response.status_code == 200
    for value in PATIENT_VALUES:
        assert value in response.content.decode()


def test_clinic_moderator_exports_own_clinic_submissions_as_csv(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(submissions_url(contact_page, export="csv"))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response_bytes(response).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Submission date", "Your name", "Your email", "Message"]
    assert rows[1][1:4] == [NAME, EMAIL, MESSAGE]


def test_clinic_moderator_exports_own_clinic_submissions_as_xlsx(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(submissions_url(contact_page, export="xlsx"))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response_bytes(response))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Submission date", "Your name", "Your email", "Message"]
    assert rows[1][1:4] == [NAME, EMAIL, MESSAGE]


@pytest.mark.parametrize(
    "clinic_name, role",
    [("b", "moderators"), ("a", "editors"), ("a", "medical reviewers")],
    ids=["other-clinic-moderator", "own-clinic-editor", "own-clinic-reviewer"],
)
@pytest.mark.parametrize("export", [None, "csv", "xlsx"], ids=["list", "csv", "xlsx"])
def test_only_the_clinics_moderators_see_its_submissions_and_exports(
    client, clinics, submission_a, contact_page, clinic_name, role, export
):
    clinic = clinics[0] if clinic_name == "a" else clinics[1]
    client.force_login(role_user(clinic, role))

    response = client.get(submissions_url(contact_page, **({"export": export} if export else {})))

    assert_refused(response)


def test_submissions_results_fragment_is_refused_to_another_clinics_moderator(
    client, clinic_b, submission_a, contact_page
):
    client.force_login(role_user(clinic_b, "moderators"))

    response = client.get(reverse("wagtailforms:list_submissions_results", args=[contact_page.pk]))

    assert_refused(response)


def test_anonymous_visitor_is_sent_to_the_login_page(client, submission_a, contact_page):
    assert_refused(client.get(submissions_url(contact_page, export="csv")))


def test_forms_available_to_a_user_are_only_their_moderated_clinics_forms(
    clinics, contact_page, contact_page_b, superuser
):
    clinic_a, clinic_b = clinics

    assert list(get_forms_for_user(role_user(clinic_a, "moderators"))) == [contact_page.page_ptr]
    assert list(get_forms_for_user(role_user(clinic_b, "moderators"))) == [contact_page_b.page_ptr]
    assert not get_forms_for_user(role_user(clinic_a, "editors")).exists()
    assert not get_forms_for_user(role_user(clinic_a, "medical reviewers")).exists()
    assert set(get_forms_for_user(superuser)) == {contact_page.page_ptr, contact_page_b.page_ptr}


def test_forms_index_lists_only_the_forms_of_clinics_the_user_moderates(client, clinics, contact_page, contact_page_b):
    clinic_a, clinic_b = clinics
    # Moderator of A who also edits B's pages: B's form page is editable, but its submissions are not theirs.
    user = UserFactory(
        username="a-moderator-b-editor", groups=[clinic_a.groups["moderators"], clinic_b.groups["editors"]]
    )
    client.force_login(user)

    response = client.get(reverse("wagtailforms:index"))

    assert response.status_code == 200
    assert "Contact us" in response.content.decode()
    assert "Write to Spinal Diagnostics" not in response.content.decode()


def test_moderator_without_page_permissions_can_open_the_forms_index(client, clinic_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(reverse("wagtailforms:index"))

    assert response.status_code == 200
    assert "Contact us" in response.content.decode()


def test_forms_menu_is_shown_to_moderators_and_not_to_editors(client, clinic_a, contact_page):
    forms_menu_item = f'"url": "{reverse("wagtailforms:index")}"'

    client.force_login(role_user(clinic_a, "moderators"))
    assert forms_menu_item in client.get(reverse("wagtailadmin_home")).content.decode()

    client.force_login(role_user(clinic_a, "editors"))
    assert forms_menu_item not in client.get(reverse("wagtailadmin_home")).content.decode()


def delete_url(page, submission):
    return reverse("wagtailforms:delete_submissions", args=[page.pk]) + f"?selected-submissions={submission.pk}"


def test_clinic_moderator_can_delete_own_clinic_submission(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    assert client.get(delete_url(contact_page, submission_a)).status_code == 200
    response = client.post(delete_url(contact_page, submission_a))

    assert response.status_code == 302
    assert not FormSubmission.objects.filter(pk=submission_a.pk).exists()


def test_other_clinics_moderator_cannot_delete_a_submission(
    client, clinic_b, submission_a, contact_page, contact_page_b
):
    client.force_login(role_user(clinic_b, "moderators"))

    assert_refused(client.get(delete_url(contact_page, submission_a)))
    assert_refused(client.post(delete_url(contact_page, submission_a)))
    # Through their own form page, with A's submission id: the deletion is limited to that page's submissions.
    client.post(delete_url(contact_page_b, submission_a))

    assert FormSubmission.objects.filter(pk=submission_a.pk).exists()
