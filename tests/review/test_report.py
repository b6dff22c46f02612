"""The "Clinical pages due for review" report and dashboard panel: what they list, to whom, and at what cost."""

import csv
import io

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import reports_menu
from wagtail.models import Task

from pages.review.panels import ClinicalReviewPanel
from pages.review.report import REPORT_RESULTS_URL_NAME, REPORT_URL_NAME
from tests.factories import ClinicFactory, UserFactory, role_user
from tests.review.support import B_DUE_SOON, B_OVERDUE, procedure, recovery
from tests.support import assert_all_in, logged_in_as_each

REPORT_URL = reverse(REPORT_URL_NAME)
DASHBOARD_URL = reverse("wagtailadmin_home")
PANEL_ID = 'id="clinical-review-due-section"'


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def export_rows(client, export_format):
    response = client.get(REPORT_URL, {"export": export_format})
    assert response.status_code == 200
    return csv_rows(response) if export_format == "csv" else xlsx_rows(response)


def test_report_lists_overdue_and_due_soon_pages_soonest_first_and_not_later_ones(client, clinic_a, due_pages):
    client.force_login(role_user(clinic_a, "medical reviewers"))
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    overdue, due_soon = due_pages["a_overdue"], due_pages["a_due_soon"]
    assert html.index(overdue.title) < html.index(due_soon.title)
    assert due_pages["a_later"].title not in html
    # Each title links to the page's editor; the overdue one is marked so.
    assert reverse("wagtailadmin_pages:edit", args=[overdue.pk]) in html
    assert_all_in(html, "Overdue", "Due soon", "Procedure page", "Recovery guidance page", "ASCPM", "Dr Test Reviewer")


@pytest.mark.parametrize("role", ["editors", "medical reviewers"])
def test_clinic_staff_see_only_their_clinics_pages(client, clinic_a, due_pages, role):
    client.force_login(role_user(clinic_a, role))
    html = client.get(REPORT_URL).content.decode()
    assert due_pages["a_overdue"].title in html
    assert due_pages["a_due_soon"].title in html
    assert B_OVERDUE not in html
    assert B_DUE_SOON not in html
    # No filter offers the other clinic either.
    assert "Spinal Diagnostics" not in html


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["editors", "medical reviewers"])
def test_exports_hold_only_the_users_clinic(client, clinic_a, due_pages, role, export_format):
    client.force_login(role_user(clinic_a, role))
    rows = export_rows(client, export_format)
    assert rows[0] == [
        "Title",
        "Page type",
        "Clinic",
        "Reviewer",
        "Reviewer credentials",
        "Last reviewed",
        "Next review due",
        "Review status",
    ]
    assert [row[0] for row in rows[1:]] == [due_pages["a_overdue"].title, due_pages["a_due_soon"].title]
    assert [row[7] for row in rows[1:]] == ["Overdue", "Due soon"]
    flat = repr(rows)
    assert "Bravo-only" not in flat
    assert "Spinal Diagnostics" not in flat


def test_results_fragment_is_scoped_too(client, clinic_a, due_pages):
    client.force_login(role_user(clinic_a, "editors"))
    response = client.get(reverse(REPORT_RESULTS_URL_NAME))
    assert response.status_code == 200
    html = response.content.decode()
    assert due_pages["a_overdue"].title in html
    assert "Bravo-only" not in html


def test_a_clinic_filter_for_another_clinic_shows_nothing_of_it(client, clinics, due_pages):
    clinic_a, clinic_b = clinics
    client.force_login(role_user(clinic_a, "editors"))
    for url in (REPORT_URL, reverse(REPORT_RESULTS_URL_NAME)):
        html = client.get(url, {"clinic": clinic_b.site.pk}).content.decode()
        assert "Bravo-only" not in html
    assert "Bravo-only" not in repr(export_rows(client, "csv"))


def test_superuser_sees_every_clinic_and_can_filter_by_clinic(client, superuser, clinics, due_pages):
    clinic_a, clinic_b = clinics
    client.force_login(superuser)
    html = client.get(REPORT_URL).content.decode()
    for key in ("a_overdue", "a_due_soon", "b_overdue", "b_due_soon"):
        assert due_pages[key].title in html
    assert due_pages["a_later"].title not in html

    html = client.get(REPORT_URL, {"clinic": clinic_b.site.pk}).content.decode()
    assert B_OVERDUE in html
    assert due_pages["a_overdue"].title not in html


def test_clinic_filter_offers_only_the_clinics_the_user_edits(client, clinics, due_pages):
    clinic_a, clinic_b = clinics
    clinic_c = ClinicFactory(name="Charlie Spine Centre", hostname="charlie.test")
    procedure(clinic_c, "Charlie-only nerve block", -2)
    # Someone who edits for two clinics (each group grants edit rights on its own clinic only).
    user = UserFactory(username="two-clinic-editor", groups=[clinic_a.groups["editors"], clinic_b.groups["editors"]])
    client.force_login(user)
    html = client.get(REPORT_URL).content.decode()
    assert f'<option value="{clinic_a.site.pk}">ASCPM</option>' in html
    assert f'<option value="{clinic_b.site.pk}">Spinal Diagnostics</option>' in html
    assert "Charlie" not in html
    assert B_OVERDUE in html


def test_status_and_page_type_filters(client, superuser, due_pages):
    client.force_login(superuser)
    html = client.get(REPORT_URL, {"status": "overdue"}).content.decode()
    assert due_pages["a_overdue"].title in html
    assert due_pages["a_due_soon"].title not in html

    html = client.get(REPORT_URL, {"status": "due_soon", "page_type": "recoveryguidancepage"}).content.decode()
    assert due_pages["a_due_soon"].title in html
    assert B_DUE_SOON in html
    assert due_pages["a_overdue"].title not in html
    assert B_OVERDUE not in html


@pytest.mark.parametrize("url_name", [REPORT_URL_NAME, REPORT_RESULTS_URL_NAME])
def test_moderators_are_refused(client, clinic_a, due_pages, url_name):
    client.force_login(role_user(clinic_a, "moderators"))
    for params in ({}, {"export": "csv"}, {"export": "xlsx"}):
        response = client.get(reverse(url_name), params)
        # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url == DASHBOARD_URL
        assert b"Alpha" not in body(response)


def reports_menu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return [item.name for item in reports_menu.menu_items_for_request(request)]


def test_menu_item_is_shown_only_to_users_who_can_edit_pages(clinic_a, superuser):
    assert "clinical-review" in reports_menu_names(role_user(clinic_a, "editors"))
    assert "clinical-review" in reports_menu_names(role_user(clinic_a, "medical reviewers"))
    assert "clinical-review" in reports_menu_names(superuser)
    assert "clinical-review" not in reports_menu_names(role_user(clinic_a, "moderators"))


def test_moderators_dashboard_has_no_link_or_panel(client, clinic_a, due_pages):
    client.force_login(role_user(clinic_a, "moderators"))
    html = client.get(DASHBOARD_URL).content.decode()
    assert REPORT_URL not in html
    assert PANEL_ID not in html


def test_dashboard_panel_lists_the_users_due_pages_and_links_to_the_report(client, clinic_a, due_pages):
    client.force_login(role_user(clinic_a, "editors"))
    html = client.get(DASHBOARD_URL).content.decode()
    assert PANEL_ID in html
    panel = html[html.index(PANEL_ID) :]
    assert due_pages["a_overdue"].title in panel
    assert due_pages["a_due_soon"].title in panel
    assert panel.index(due_pages["a_overdue"].title) < panel.index(due_pages["a_due_soon"].title)
    assert due_pages["a_later"].title not in panel
    assert "1 overdue" in panel
    assert "1 due within 30 days" in panel
    assert REPORT_URL in panel
    assert "Bravo-only" not in html


def test_dashboard_panel_is_hidden_when_nothing_is_due(client, clinics):
    clinic_a, clinic_b = clinics
    procedure(clinic_a, "Alpha facet joint injection", 90)
    procedure(clinic_b, B_OVERDUE, -3)
    client.force_login(role_user(clinic_a, "medical reviewers"))
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 200
    assert PANEL_ID not in response.content.decode()


def test_dashboard_panel_shows_at_most_five_pages(client, clinic_a):
    for n in range(7):
        procedure(clinic_a, f"Alpha procedure number {n}", n)
    client.force_login(role_user(clinic_a, "editors"))
    html = client.get(DASHBOARD_URL).content.decode()
    panel = html[html.index(PANEL_ID) :]
    shown = [n for n in range(7) if f"Alpha procedure number {n}<" in panel]
    assert shown == [0, 1, 2, 3, 4]
    assert "See all 7 in the report" in panel


def test_csv_export_cannot_smuggle_a_spreadsheet_formula(client, clinic_a):
    procedure(clinic_a, '=HYPERLINK("https://example.com","Open")', -1)
    client.force_login(role_user(clinic_a, "editors"))
    rows = export_rows(client, "csv")
    assert rows[1][0] == '\'=HYPERLINK("https://example.com","Open")'


def many_clinics(count):
    """`count` clinics, each with one overdue procedure and one recovery page due soon."""
    clinics = [ClinicFactory(name=f"Clinic {n:02d}", hostname=f"clinic-{n:02d}.test") for n in range(count)]
    for clinic in clinics:
        parent = procedure(clinic, f"{clinic.site.site_name} injection", -1)
        recovery(parent, f"{clinic.site.site_name} recovery", 5)
    return clinics


# The bounds cover Wagtail's own admin chrome (session, user, permissions, menu) plus ours; what matters is that the
# same bound holds for 2 and 20 clinics, i.e. nothing runs a query per clinic or per listed page. The session is
# saved on every request (idle timeout), and the dashboard also shows the patient-messages panel (with the clinics'
# reminder hours for urgent messages), the new contact-form submissions per form and, to network admins, the count of
# undelivered notifications (one query, then cached for half a minute).
REPORT_QUERY_BOUND = 20
DASHBOARD_QUERY_BOUND = 30
# Clinic staff's dashboard also loads their group, page, collection and site permissions.
STAFF_DASHBOARD_QUERY_BOUND = 33
PANEL_QUERY_BOUND = 4  # the user's page permissions, the count, the first rows, the clinics' names


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_report_query_count_does_not_grow_with_clinics(client, db, django_assert_max_num_queries, clinic_count):
    clinics = many_clinics(clinic_count)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    queries = ({}, {"export": "csv"}, {"export": "xlsx"}, {"status": "overdue", "clinic": clinics[0].site.pk})
    for params in logged_in_as_each(client, (admin, role_user(clinics[0], "medical reviewers")), queries):
        with django_assert_max_num_queries(REPORT_QUERY_BOUND):
            response = client.get(REPORT_URL, params)
            assert response.status_code == 200
            content = body(response)
        if params.get("export") != "xlsx":
            assert b"Clinic 00 injection" in content


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_dashboard_panel_query_count_does_not_grow_with_clinics(
    client, rf, db, django_assert_max_num_queries, clinic_count
):
    clinics = many_clinics(clinic_count)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    for user in (admin, role_user(clinics[0], "editors")):
        request = rf.get(DASHBOARD_URL)
        request.user = user
        with django_assert_max_num_queries(PANEL_QUERY_BOUND):
            html = ClinicalReviewPanel().render_html({"request": request})
        assert "Clinic 00 injection" in html


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_dashboard_query_count_does_not_grow_with_clinics(client, db, django_assert_max_num_queries, clinic_count):
    clinics = many_clinics(clinic_count)
    client.force_login(UserFactory(username="network-admin", is_superuser=True, is_staff=True))
    with django_assert_max_num_queries(DASHBOARD_QUERY_BOUND):
        response = client.get(DASHBOARD_URL)
        assert response.status_code == 200
    assert PANEL_ID.encode() in response.content

    # For clinic staff, Wagtail's own "awaiting your review" panel (TaskState.objects.reviewable_by) asks once per
    # active workflow task, and every clinic has one; everything else, our panel included, stays fixed.
    client.force_login(role_user(clinics[0], "editors"))
    with django_assert_max_num_queries(STAFF_DASHBOARD_QUERY_BOUND + Task.objects.filter(active=True).count()):
        response = client.get(DASHBOARD_URL)
        assert response.status_code == 200
    assert PANEL_ID.encode() in response.content
