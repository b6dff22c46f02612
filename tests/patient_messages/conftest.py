"""Fixtures of the patient-message tests: posting with the notification committed, and the moderators' messages in
both clinics.

The patient's side (test_form, test_list, test_submission) posts messages through the real middleware and Wagtail's
page router, and reads them back from the database, the rendered page and the email outbox. A refusal keeps what
the patient typed and stores nothing; a caught spam trap is stored as spam behind the usual thanks.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory, ProcedurePageFactory
from tests.patient_messages.moderation_support import A_EMAIL, A_NAME, A_TEXT, B_EMAIL, B_NAME, B_TEXT
from tests.patient_messages.support import IP, send


@pytest.fixture
def send_committed(client, django_capture_on_commit_callbacks):
    """`send`, then run the on-commit callbacks (the notification task) as a committed request would."""

    def send_and_commit(page, data=None, ip=IP):
        with django_capture_on_commit_callbacks(execute=True):
            return send(client, page, data, ip)

    return send_and_commit


@pytest.fixture
def page_a2(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha epidural steroid injection")


@pytest.fixture
def msgs(procedure_a, page_a2, procedure_b):
    """Clinic A: pending, urgent (pending), approved, rejected, spam. Clinic B: three pending, one of them `b`."""
    now = timezone.now()

    def at(days=0, hours=0):
        return now - datetime.timedelta(days=days, hours=hours)

    return SimpleNamespace(
        pending=PatientMessageFactory(
            page=procedure_a, author_name=A_NAME, author_email=A_EMAIL, body=A_TEXT, submitted_at=at(hours=1)
        ),
        urgent=PatientMessageFactory(
            page=page_a2,
            author_name="Uma Urgent",
            body="I have had a fever since the injection yesterday.",
            flags=",health_info,urgent,",
            submitted_at=at(hours=2),
        ),
        approved=PatientMessageFactory(
            page=procedure_a, author_name="Arthur Approved", status=Status.APPROVED, submitted_at=at(days=3)
        ),
        rejected=PatientMessageFactory(
            page=procedure_a, author_name="Rita Rejected", status=Status.REJECTED, submitted_at=at(days=10)
        ),
        spam=PatientMessageFactory(
            page=page_a2,
            author_name="Sam Spam",
            body="Cheap pills at http://a.example and http://b.example",
            status=Status.SPAM,
            flags=",links,",
            submitted_at=at(days=20),
        ),
        b=PatientMessageFactory(
            page=procedure_b,
            author_name=B_NAME,
            author_email=B_EMAIL,
            body=B_TEXT,
            flags=",health_info,urgent,",
            submitted_at=at(hours=3),
        ),
        b_others=[PatientMessageFactory(page=procedure_b, submitted_at=at(days=n)) for n in (1, 2)],
    )
