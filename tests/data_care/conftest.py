"""Fixtures of the data-care tests: the audit actions registered, and Jane's data held in both clinics next to
another patient's.
"""

import pytest
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import registry as log_action_registry

from pages.data_care import audit
from tests.data_care.support import JANE, JANE_QUESTION_A, JANE_QUESTION_B, OTHER, days_ago
from tests.factories import ContactPageFactory, PatientMessageFactory


@pytest.fixture(autouse=True)
def audit_actions_registered():
    """Register the data-care audit actions for the test if pages/wagtail_hooks.py does not (yet) do it.

    Wagtail refuses to save a log entry with an unregistered action (BaseLogEntry.clean), so the commands need
    them. The registry is put back as it was afterwards.
    """
    log_action_registry.scan_for_actions()
    formatters, choices = dict(log_action_registry.formatters), list(log_action_registry.choices)
    if audit.missing_log_actions():
        audit.register_log_actions(log_action_registry)
    yield
    log_action_registry.formatters, log_action_registry.choices = formatters, choices


def message_from(author, **fields):
    """A patient message by `author`, a (name, email, text) triple."""
    name, email, text = author
    return PatientMessageFactory(author_name=name, author_email=email, body=text, **fields)


@pytest.fixture
def held(clinic_a, clinic_b, contact_page, contact_page_b, procedure_a, procedure_b):
    """Jane's messages and contact-form submissions in both clinics, and another patient's, side by side."""
    jane_name, jane_email, _ = JANE
    # Clinic B's second contact page names its email field differently: lookups must go by each page's fields.
    contact_page_b2 = ContactPageFactory(
        parent=clinic_b.home_page,
        title="Ask about your bill",
        slug="billing",
        fields=[("Full name", "singleline", True), ("Email address", "email", True), ("Question", "multiline", True)],
    )
    approved_a = message_from(
        JANE,
        page=procedure_a,
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
    other_a = message_from(
        OTHER,
        page=procedure_a,
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
