"""The moderators' admin keeps a fixed number of queries as messages, pages and clinics grow.

Each test measures the same request at two sizes and requires the same count: a query per message, page or clinic
would show as a difference.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.patient_messages.models import PatientMessage, Status
from tests.factories import ClinicFactory, ProcedurePageFactory, role_user
from tests.patient_messages.moderation_support import INDEX_URL, bulk_url, label, log_entries


def add_messages(page, count, *, status=Status.PENDING, reply="", reply_notice=False):
    start = timezone.now() - datetime.timedelta(days=30)
    site = page.get_site()
    return PatientMessage.objects.bulk_create(
        PatientMessage(
            site=site,
            page=page,
            author_name=f"Patient {n}",
            author_email=f"patient{n}@example.org",
            body=f"Message {n}",
            status=status,
            reply=reply,
            reply_notice=reply_notice,
            submitted_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(count)
    )


def count_queries(request):
    with CaptureQueriesContext(connection) as queries:
        response = request()
    return response, len(queries)


# --- Bulk actions --------------------------------------------------------------------------------------------------


def bulk_approve(client, messages):
    ids = "&".join(f"id={message.pk}" for message in messages)
    return client.post(f"{bulk_url('approve')}?{ids}")


def test_bulk_approve_takes_the_same_queries_for_3_and_30_messages(as_moderator_a, moderator_a, procedure_a):
    few, many = add_messages(procedure_a, 3), add_messages(procedure_a, 30)
    bulk_approve(as_moderator_a, add_messages(procedure_a, 1))  # warm the per-process caches a server has

    response, few_queries = count_queries(lambda: bulk_approve(as_moderator_a, few))
    assert response.status_code == 302
    response, many_queries = count_queries(lambda: bulk_approve(as_moderator_a, many))
    assert response.status_code == 302

    assert few_queries == many_queries
    assert PatientMessage.objects.filter(pk__in=[m.pk for m in few + many], status=Status.APPROVED).count() == 33
    for message in few + many:
        entry = log_entries(message).get()
        assert (entry.action, entry.user, entry.data) == (
            "pages.message.approve",
            moderator_a,
            {"from": "pending", "to": "approved", "bulk": True},
        )
        assert entry.label == label(message)
    # One uuid per entry: Wagtail's History keeps only the latest entry of each (uuid, action) pair.
    assert len({log_entries(message).get().uuid for message in many}) == 30


def test_bulk_approve_announces_the_changed_pages_once(
    as_moderator_a, procedure_a, page_a2, django_capture_on_commit_callbacks
):
    from pages.patient_messages.signals import public_messages_changed

    announced = []

    def receiver(sender, page_ids, **kwargs):
        announced.append(page_ids)

    public_messages_changed.connect(receiver)
    try:
        messages = add_messages(procedure_a, 5) + add_messages(page_a2, 5)
        with django_capture_on_commit_callbacks(execute=True):
            bulk_approve(as_moderator_a, messages)
    finally:
        public_messages_changed.disconnect(receiver)
    assert announced == [frozenset({procedure_a.pk, page_a2.pk})]


def test_bulk_approve_skips_messages_already_in_that_status(as_moderator_a, procedure_a):
    approved = add_messages(procedure_a, 2, status=Status.APPROVED)
    pending = add_messages(procedure_a, 2)
    bulk_approve(as_moderator_a, approved + pending)
    assert not any(log_entries(message).exists() for message in approved)
    assert all(log_entries(message).count() == 1 for message in pending)


# --- Listing, dashboard and page explorer --------------------------------------------------------------------------


def add_clinics_with_messages(count, messages_each=3):
    for _ in range(count):
        clinic = ClinicFactory()
        for slug in ("facet-joint-injections", "medial-branch-blocks"):
            add_messages(ProcedurePageFactory(parent=clinic.home_page, title=slug, slug=slug), messages_each)


def admin_queries(client, url):
    client.get(url)  # warm, as a running process is (new clinics make it look hosts up again once)
    response, count = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    return count, response.content.decode()


@pytest.mark.parametrize("query", ["", "?status=pending", "?q=Message", "?flag=urgent"])
def test_the_listing_takes_the_same_queries_for_2_and_12_clinics(as_superuser, query):
    add_clinics_with_messages(2)
    small, _ = admin_queries(as_superuser, INDEX_URL + query)
    add_clinics_with_messages(10)
    large, html = admin_queries(as_superuser, INDEX_URL + query)
    assert large == small
    if not query:
        assert html.count("medial-branch-blocks") >= 12


def test_the_moderators_listing_and_page_filter_take_the_same_queries_for_2_and_12_pages(
    as_moderator_a, clinic_a, procedure_a
):
    add_messages(procedure_a, 3)
    page_ids = []
    for n in range(12):
        page = ProcedurePageFactory(parent=clinic_a.home_page, title=f"Procedure {n:02d}", slug=f"procedure-{n}")
        add_messages(page, 2)
        page_ids.append(page.pk)
        if n == 1:
            small, _ = admin_queries(as_moderator_a, f"{INDEX_URL}?page={page.pk}")
    large, html = admin_queries(as_moderator_a, f"{INDEX_URL}?page={page_ids[-1]}")
    assert large == small
    # Every page with messages is a choice of the page filter, and only those.
    assert "Procedure 11" in html and procedure_a.title in html


def test_the_page_filter_offers_only_pages_with_messages_of_the_users_clinics(
    moderator_a, clinic_a, procedure_a, procedure_b
):
    from pages.patient_messages.admin.scope import ModeratorScope

    add_messages(procedure_a, 1)
    add_messages(procedure_b, 1)
    silent = ProcedurePageFactory(parent=clinic_a.home_page, title="No messages here", slug="silent")
    choices = dict(ModeratorScope(moderator_a).page_choices())
    assert choices == {str(procedure_a.pk): procedure_a.title}
    assert str(silent.pk) not in choices


def test_status_counts_stop_at_the_cap(as_moderator_a, procedure_a, monkeypatch):
    from pages.patient_messages.admin import listing

    monkeypatch.setattr(listing, "STATUS_COUNT_CAP", 3)
    monkeypatch.setattr(listing.capped_count, "__defaults__", (3,))
    add_messages(procedure_a, 5)
    add_messages(procedure_a, 2, status=Status.SPAM)
    html = as_moderator_a.get(INDEX_URL).content.decode()
    assert ">Pending 3+</a>" in html
    assert ">Spam 2</a>" in html


@pytest.mark.parametrize("who", ["superuser", "moderator"])
def test_the_dashboard_takes_the_same_queries_for_2_and_12_clinics(client, superuser, clinic_a, procedure_a, who):
    user = superuser if who == "superuser" else role_user(clinic_a, "moderators")
    client.force_login(user)
    add_messages(procedure_a, 3)
    add_clinics_with_messages(1)
    small, _ = admin_queries(client, "/admin/")
    add_clinics_with_messages(10)
    large, _ = admin_queries(client, "/admin/")
    assert large == small


def test_the_page_explorer_takes_the_same_queries_for_2_and_12_pages(as_superuser, clinic_a):
    from django.urls import reverse

    url = reverse("wagtailadmin_explore", args=[clinic_a.home_page.pk])
    for n in range(2):
        ProcedurePageFactory(parent=clinic_a.home_page, title=f"Procedure {n:02d}", slug=f"procedure-{n}")
    small, _ = admin_queries(as_superuser, url)
    for n in range(2, 12):
        ProcedurePageFactory(parent=clinic_a.home_page, title=f"Procedure {n:02d}", slug=f"procedure-{n}")
    large, html = admin_queries(as_superuser, url)
    assert "Procedure 11" in html
    assert large == small


def test_a_network_admin_chooses_a_clinic_before_its_pages(superuser, clinic_a, procedure_a, procedure_b, monkeypatch):
    from pages.patient_messages.admin import scope as scope_module
    from pages.patient_messages.admin.scope import ModeratorScope

    add_messages(procedure_a, 1)
    add_messages(procedure_b, 1)
    scope = ModeratorScope(superuser)
    assert {pk for pk, _ in scope.page_choices()} == {str(procedure_a.pk), str(procedure_b.pk)}
    monkeypatch.setattr(scope_module, "TREE_FILTER_MAX_CLINICS", 1)
    assert scope.page_choices() == []
    assert [pk for pk, _ in scope.page_choices(clinic_id=clinic_a.site.pk)] == [str(procedure_a.pk)]
    assert [pk for pk, _ in scope.page_choices(page_id=procedure_b.pk)] == [str(procedure_b.pk)]
