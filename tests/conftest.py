"""Shared fixtures. Two clinics are always available: most bugs in a multi-clinic product are cross-clinic."""

import datetime
import os
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from pages.patient_messages.models import Status
from tests.contact.support import EMAIL, MESSAGE, NAME
from tests.data_care.support import JANE, JANE_QUESTION_A, JANE_QUESTION_B, OTHER, days_ago
from tests.factories import (
    ClinicFactory,
    ContactPageFactory,
    PatientMessageFactory,
    ProcedurePageFactory,
    RecoveryGuidancePageFactory,
    UserFactory,
    role_user,
)
from tests.patient_messages.moderation_support import A_EMAIL, A_NAME, A_TEXT, B_EMAIL, B_NAME, B_PAGE_TITLE, B_TEXT
from tests.patient_messages.support import IP, send

SERVICES_CONFIGURED = os.environ.get("DATABASE_URL", "").startswith("postgres") and bool(os.environ.get("REDIS_URL"))
_deselected_services = []


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need the real PostgreSQL and Redis; without them they are deselected, visibly."""
    if SERVICES_CONFIGURED:
        return
    keep = []
    for item in items:
        (_deselected_services if item.get_closest_marker("services") else keep).append(item)
    if _deselected_services:
        config.hook.pytest_deselected(items=_deselected_services)
        items[:] = keep


def pytest_terminal_summary(terminalreporter):
    if _deselected_services:
        terminalreporter.write_line(
            f"{len(_deselected_services)} test(s) marked 'services' were not run here: they need DATABASE_URL "
            "(PostgreSQL) and REDIS_URL; `make test` runs them in its second pass."
        )


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache and writes uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clinic_a(db):
    return ClinicFactory(
        name="ASCPM",
        hostname="ascpm.test",
        phone="(555) 010-1111",
        address="1 Alpha Road\nAlphaville",
        brand_colour="#0b6e69",
    )


@pytest.fixture
def clinic_b(db):
    return ClinicFactory(
        name="Spinal Diagnostics",
        hostname="spinaldiagnostics.test",
        phone="(555) 010-2222",
        address="2 Beta Avenue\nBetatown",
        brand_colour="#5b2a86",
    )


@pytest.fixture
def clinics(clinic_a, clinic_b):
    return clinic_a, clinic_b


@pytest.fixture
def superuser(db):
    return UserFactory(username="network-admin", is_superuser=True, is_staff=True)


@pytest.fixture
def clinic_client(client):
    """Return a function giving a test client whose requests carry a clinic's Host header."""

    def for_clinic(clinic):
        client.defaults["HTTP_HOST"] = clinic.site.hostname
        return client

    return for_clinic


@pytest.fixture
def contact_page(clinic_a):
    # No to_address: notifications fall back to the clinic's notification email (staff@ascpm.test).
    return ContactPageFactory(
        parent=clinic_a.home_page,
        title="Contact us",
        to_address="",
        intro="<p>Send us a question.</p>",
        thank_you_text="<p>Thank you. We reply within two working days.</p>",
    )


@pytest.fixture
def submission_a(contact_page):
    return FormSubmission.objects.create(
        page=contact_page, form_data={"your_name": NAME, "your_email": EMAIL, "message": MESSAGE}
    )


@pytest.fixture
def contact_page_b(clinic_b):
    return ContactPageFactory(parent=clinic_b.home_page, title="Write to Spinal Diagnostics")


# --- Patient messages (tests/test_patient_messages_*.py) -------------------------------------------------------------


@pytest.fixture
def procedure(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, slug="facet-joint-injections")


@pytest.fixture
def recovery(procedure):
    return RecoveryGuidancePageFactory(parent=procedure, slug="after")


@pytest.fixture
def send_committed(client, django_capture_on_commit_callbacks):
    """`send`, then run the on-commit callbacks (the notification task) as a committed request would."""

    def send_and_commit(page, data=None, ip=IP):
        with django_capture_on_commit_callbacks(execute=True):
            return send(client, page, data, ip)

    return send_and_commit


# --- Moderation of patient messages (tests/test_message_moderation_*.py) ---------------------------------------------


@pytest.fixture
def page_a(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha facet joint injection")


@pytest.fixture
def page_a2(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha epidural steroid injection")


@pytest.fixture
def page_b(clinic_b):
    return ProcedurePageFactory(parent=clinic_b.home_page, title=B_PAGE_TITLE)


@pytest.fixture
def msgs(page_a, page_a2, page_b):
    """Clinic A: pending, urgent (pending), approved, rejected, spam. Clinic B: three pending, one of them `b`."""
    now = timezone.now()

    def at(days=0, hours=0):
        return now - datetime.timedelta(days=days, hours=hours)

    return SimpleNamespace(
        pending=PatientMessageFactory(
            page=page_a, author_name=A_NAME, author_email=A_EMAIL, body=A_TEXT, submitted_at=at(hours=1)
        ),
        urgent=PatientMessageFactory(
            page=page_a2,
            author_name="Uma Urgent",
            body="I have had a fever since the injection yesterday.",
            flags=",health_info,urgent,",
            submitted_at=at(hours=2),
        ),
        approved=PatientMessageFactory(
            page=page_a, author_name="Arthur Approved", status=Status.APPROVED, submitted_at=at(days=3)
        ),
        rejected=PatientMessageFactory(
            page=page_a, author_name="Rita Rejected", status=Status.REJECTED, submitted_at=at(days=10)
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
            page=page_b,
            author_name=B_NAME,
            author_email=B_EMAIL,
            body=B_TEXT,
            flags=",health_info,urgent,",
            submitted_at=at(hours=3),
        ),
        b_others=[PatientMessageFactory(page=page_b, submitted_at=at(days=n)) for n in (1, 2)],
    )


@pytest.fixture
def moderator_a(clinic_a):
    return role_user(clinic_a, "moderators")


@pytest.fixture
def as_moderator_a(client, moderator_a):
    client.force_login(moderator_a)
    return client


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


# --- Data care (tests/test_purge_messages.py, tests/test_patient_data_*.py) ------------------------------------------


@pytest.fixture
def procedure_a(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page)


@pytest.fixture
def procedure_b(clinic_b):
    return ProcedurePageFactory(parent=clinic_b.home_page)


@pytest.fixture
def held(clinic_a, clinic_b, contact_page, contact_page_b, procedure_a, procedure_b):
    """Jane's messages and contact-form submissions in both clinics, and another patient's, side by side."""
    jane_name, jane_email, jane_text = JANE
    # Clinic B's second contact page names its email field differently: lookups must go by each page's fields.
    contact_page_b2 = ContactPageFactory(
        parent=clinic_b.home_page,
        title="Ask about your bill",
        slug="billing",
        fields=[("Full name", "singleline", True), ("Email address", "email", True), ("Question", "multiline", True)],
    )
    approved_a = PatientMessageFactory(
        page=procedure_a,
        author_name=jane_name,
        author_email=jane_email,
        body=jane_text,
        status="approved",
        moderated_at=days_ago(3),
        reply="Thank you, we are glad it helped.",
        replied_at=days_ago(3),
        ip_hash="a" * 64,
    )
    # The same patient typed her address differently on clinic B.
    pending_b = PatientMessageFactory(
        page=procedure_b,
        author_name="Jane P.",
        author_email="Jane.Patient@Example.ORG",
        body="Is the parking free on Saturdays?",
        status="pending",
        ip_hash="b" * 64,
    )
    other_a = PatientMessageFactory(
        page=procedure_a,
        author_name=OTHER[0],
        author_email=OTHER[1],
        body=OTHER[2],
        status="approved",
        reply="Please call us so we can help.",
        ip_hash="c" * 64,
    )
    submissions = {
        "jane_a": FormSubmission.objects.create(
            page=contact_page,
            form_data={"your_name": jane_name, "your_email": jane_email, "message": JANE_QUESTION_A},
        ),
        "jane_b": FormSubmission.objects.create(
            page=contact_page_b2,
            form_data={
                "full_name": jane_name,
                "email_address": "JANE.patient@example.org",
                "question": JANE_QUESTION_B,
            },
        ),
        "other_b": FormSubmission.objects.create(
            page=contact_page_b,
            form_data={"your_name": OTHER[0], "your_email": OTHER[1], "message": OTHER[2]},
        ),
        # Jane's address in a text field is not an email field: it does not tie the submission to her.
        "mention_only": FormSubmission.objects.create(
            page=contact_page_b,
            form_data={"your_name": OTHER[0], "your_email": OTHER[1], "message": f"Please copy {jane_email}."},
        ),
    }
    return {
        "approved_a": approved_a,
        "pending_b": pending_b,
        "other_a": other_a,
        "submissions": submissions,
        "procedure_a": procedure_a,
    }
