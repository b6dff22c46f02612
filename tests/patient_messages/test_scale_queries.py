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
