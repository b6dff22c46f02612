"""Contact-form exports: what a patient typed, and the labels an editor gave the fields, open as text in a
spreadsheet, never as formulas (the shared guard: pages/isolation/exports.py; every export: tests/test_exports.py).
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission

from pages.contact import handling
from pages.contact.models import ContactSubmissionState, SubmissionState
from tests.contact.support import form_data, response_bytes, submit
from tests.factories import ContactPageFactory, role_user

FORMULA = '=HYPERLINK("https://attacker.example/","Open the patient record")'
LABEL_FORMULA = "=1+1 Your question"


def export(client, page, export_format):
    response = client.get(reverse("wagtailforms:list_submissions", args=[page.pk]), {"export": export_format})
    assert response.status_code == 200
    if export_format == "csv":
        return list(csv.reader(io.StringIO(response_bytes(response).decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response_bytes(response))).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def test_a_formula_a_patient_sends_through_the_form_is_text_in_the_moderators_csv(client, clinic_a):
    page = ContactPageFactory(parent=clinic_a.home_page, title="Contact us", slug="contact")
    assert submit(client, page, form_data(page, message=FORMULA)).status_code == 303
    client.force_login(role_user(clinic_a, "moderators"))

    rows = export(client, page, "csv")

    assert rows[0] == ["Submission date", "Your name", "Your email", "Message", "State", "State changed"]
    assert rows[1][3] == "'" + FORMULA
    assert rows[1][1:3] == ["Jane Patient", "jane.patient@example.org"]


def test_a_formula_in_a_field_label_or_a_ticked_choice_is_text_in_both_formats(client, clinic_a):
    page = ContactPageFactory(
        parent=clinic_a.home_page,
        title="Contact us",
        slug="contact",
        fields=[(LABEL_FORMULA, "singleline", False), ("Topics", "checkboxes", False)],
    )
    label_field, topics_field = (name for name, _label in page.get_data_fields()[1:])
    FormSubmission.objects.create(page=page, form_data={label_field: "Fine", topics_field: [FORMULA, "Billing"]})
    client.force_login(role_user(clinic_a, "moderators"))

    rows = export(client, page, "csv")
    assert rows[0][1:3] == ["'" + LABEL_FORMULA, "Topics"]
    assert rows[1][1:3] == ["Fine", f"'{FORMULA}, Billing"]

    sheet = export(client, page, "xlsx")
    # openpyxl would have stored the heading as a formula; the cells Wagtail already types as text.
    assert sheet[0][1] == ("'" + LABEL_FORMULA, "s")
    assert sheet[1][2] == (f"{FORMULA}, Billing", "s")
    assert not [cell for row in sheet for cell in row if cell[1] == "f"]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_both_exports_say_whether_each_submission_was_handled_and_when(client, clinic_a, export_format):
    page = ContactPageFactory(parent=clinic_a.home_page, title="Contact us", slug="contact")
    waiting, handled = (FormSubmission.objects.create(page=page, form_data={"your_name": name}) for name in "AB")
    moderator = role_user(clinic_a, "moderators")
    handling.set_state(FormSubmission.objects.filter(pk=handled.pk), SubmissionState.HANDLED, moderator)
    when = handling.admin_date(ContactSubmissionState.objects.get(submission=handled).changed_at)
    client.force_login(moderator)

    rows = export(client, page, export_format)

    values = [[cell[0] if isinstance(cell, tuple) else cell for cell in row] for row in rows]
    assert values[0][-2:] == ["State", "State changed"]
    # Oldest first, as Wagtail's exports are; a submission nobody marked is new, with no date.
    assert [row[-2:] for row in values[1:]] == [["New", "" if export_format == "csv" else None], ["Handled", when]]
    assert moderator.username not in str(values)
