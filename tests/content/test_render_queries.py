"""Public pages render in a small, fixed number of queries with the page cache off, however large the platform.

Each page is measured on a warm process (as any running server is: the host lookup and Wagtail's site roots are
remembered) with two of everything, then again after adding many more clinics, pages, messages and view
restrictions elsewhere; the count must not move and stays within the public pages' budget.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from pages.content.visibility import public
from pages.patient_messages.models import Status
from tests.factories import ClinicFactory, ProcedurePageFactory, RecoveryGuidancePageFactory
from tests.patient_messages.test_scale_queries import add_messages

PUBLIC_PAGE_MAX_QUERIES = 12


def queries_of(client, url):
    client.get(url, HTTP_HOST="ascpm.test")  # warm, as a running process is
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST="ascpm.test")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def grow(clinic_a, procedure_a, count):
    """`count` more clinics (each with a restricted section), procedure pages and approved messages."""
    for n in range(count):
        clinic = ClinicFactory(name=f"Growth clinic {n}")
        private = ProcedurePageFactory(parent=clinic.home_page, title=f"Private {n}")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        ProcedurePageFactory(parent=clinic_a.home_page, title=f"Procedure {n}", slug=f"procedure-{n}")
    add_messages(procedure_a, count, status=Status.APPROVED)


@pytest.mark.parametrize("which", ["procedure", "recovery", "home"])
def test_public_pages_take_the_same_few_queries_for_2_and_20_of_everything(
    client, clinic_a, clinic_b, procedure_a, recovery_a, which
):
    add_messages(procedure_a, 2, status=Status.APPROVED)
    url = {"procedure": procedure_a.url, "recovery": recovery_a.url, "home": "/"}[which]
    small, _ = queries_of(client, url)

    grow(clinic_a, procedure_a, 18)
    large, html = queries_of(client, url)

    assert large == small <= PUBLIC_PAGE_MAX_QUERIES
    if which == "home":
        assert "Procedure 17" in html
    if which == "procedure":
        assert "20 messages" in html


def test_a_leaf_procedure_page_reads_no_children(client, clinic_a, procedure_a):
    with_child = ProcedurePageFactory(parent=clinic_a.home_page, title="With recovery", slug="with-recovery")
    RecoveryGuidancePageFactory(parent=with_child, title="After it", slug="after-it")
    leaf, _ = queries_of(client, procedure_a.url)
    parent, html = queries_of(client, with_child.url)
    assert "After it" in html
    assert leaf == parent - 1


def test_public_leaves_out_restricted_sections_like_wagtails_public(clinic_a, clinic_b, procedure_a, recovery_a):
    from wagtail.models import Page

    pages = Page.objects.filter(depth__gte=2)
    assert set(public(pages)) == set(pages.public())
    PageViewRestriction.objects.create(page=procedure_a, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert set(public(pages)) == set(pages.public())
    shown = set(public(pages).values_list("pk", flat=True))
    assert procedure_a.pk not in shown and recovery_a.pk not in shown
    assert clinic_a.home_page.pk in shown and clinic_b.home_page.pk in shown


def test_a_restricted_page_is_not_in_the_menu_or_the_home_page(client, clinic_a, procedure_a):
    procedure_a.show_in_menus = True
    procedure_a.save()
    assert procedure_a.title in client.get("/", HTTP_HOST="ascpm.test").content.decode()
    PageViewRestriction.objects.create(page=procedure_a, restriction_type=PageViewRestriction.LOGIN)
    assert procedure_a.title not in client.get("/", HTTP_HOST="ascpm.test").content.decode()
