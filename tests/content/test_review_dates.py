"""Patients are told when a clinical page is past its next review date, near the top and in its review footer."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ProcedurePageFactory, RecoveryGuidancePageFactory

NOTICE = "This page is due for review"


@pytest.fixture
def overdue_pages(clinic_a):
    today = timezone.localdate()
    procedure = ProcedurePageFactory(
        parent=clinic_a.home_page,
        slug="overdue",
        last_reviewed=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=1),
    )
    RecoveryGuidancePageFactory(
        parent=procedure,
        slug="after",
        last_reviewed=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=1),
    )
    return procedure


@pytest.mark.parametrize("path", ["/overdue/", "/overdue/after/"])
def test_a_page_past_its_next_review_says_so_at_the_top_and_in_its_footer(
    client, clinic_a, overdue_pages, path, django_assert_max_num_queries
):
    client.get(path, HTTP_HOST=clinic_a.site.hostname)
    with django_assert_max_num_queries(13):
        html = client.get(path, HTTP_HOST=clinic_a.site.hostname).content.decode()
    # Near the top: in the page's header, before its first section.
    assert html.index('class="review-due-notice"') < html.index("<section")
    assert html.count(NOTICE) == 2
    assert '<footer class="review-dates review-dates--overdue">' in html


def test_a_page_due_today_or_later_says_nothing(client, clinic_a):
    ProcedurePageFactory(parent=clinic_a.home_page, slug="due-today", next_review_due=timezone.localdate())
    html = client.get("/due-today/", HTTP_HOST=clinic_a.site.hostname).content.decode()
    assert NOTICE not in html
    assert "review-due-notice" not in html
