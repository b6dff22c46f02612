"""The clinical review schedule: every clinical page the user may edit, soonest review first, for planning."""

import pytest
from django.urls import reverse

from pages.review.schedule import SCHEDULE_URL_NAME
from tests.factories import ProcedurePageFactory, UserFactory, role_user
from tests.review.support import B_DUE_SOON, B_OVERDUE
from tests.review.test_report import body, csv_rows, many_clinics

SCHEDULE_URL = reverse(SCHEDULE_URL_NAME)


@pytest.fixture
def unreviewed(clinic_a):
    return ProcedurePageFactory(
        parent=clinic_a.home_page, title="Alpha never reviewed", live=False, last_reviewed=None, next_review_due=None
    )


@pytest.mark.parametrize("role", ["editors", "medical reviewers"])
def test_schedule_lists_every_clinical_page_of_the_clinic_by_next_review(client, clinic_a, due_pages, unreviewed, role):
    client.force_login(role_user(clinic_a, role))
    response = client.get(SCHEDULE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    titles = [due_pages["a_overdue"].title, due_pages["a_due_soon"].title, due_pages["a_later"].title, unreviewed.title]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)  # overdue, due soon, later (60 days: not in the due report), never reviewed
    assert "Not reviewed yet" in html and 'class="w-status review-status--overdue"' in html
    assert B_OVERDUE not in html and B_DUE_SOON not in html


def test_schedule_filters_by_status_and_clinic_for_network_admins(client, superuser, clinics, due_pages):
    client.force_login(superuser)
    html = client.get(SCHEDULE_URL).content.decode()
    assert B_OVERDUE in html and due_pages["a_later"].title in html
    html = client.get(SCHEDULE_URL, {"clinic": clinics[1].site.pk}).content.decode()
    assert B_OVERDUE in html and due_pages["a_later"].title not in html
    html = client.get(SCHEDULE_URL, {"status": "later"}).content.decode()
    assert due_pages["a_later"].title in html and due_pages["a_overdue"].title not in html


def test_schedule_export_holds_only_the_users_clinic(client, clinic_a, due_pages):
    client.force_login(role_user(clinic_a, "editors"))
    rows = csv_rows(client.get(SCHEDULE_URL, {"export": "csv"}))
    titles = [row[0] for row in rows[1:]]
    assert titles == [due_pages["a_overdue"].title, due_pages["a_due_soon"].title, due_pages["a_later"].title]


def test_moderators_are_refused_the_schedule(client, clinic_a):
    client.force_login(role_user(clinic_a, "moderators"))
    assert client.get(SCHEDULE_URL).status_code in (302, 403)


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_schedule_query_count_does_not_grow_with_clinics(client, db, django_assert_max_num_queries, clinic_count):
    clinics = many_clinics(clinic_count)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    for user in (admin, role_user(clinics[0], "medical reviewers")):
        client.force_login(user)
        with django_assert_max_num_queries(20):
            response = client.get(SCHEDULE_URL)
            assert response.status_code == 200
            assert b"Clinic 00 injection" in body(response)
