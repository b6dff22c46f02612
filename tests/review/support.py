"""Clinical pages with review dates relative to today, for the review report and schedule tests."""

import datetime

from django.utils import timezone

from tests.factories import ProcedurePageFactory, RecoveryGuidancePageFactory

# Clinic B's titles are distinctive so that any appearance in clinic A's responses is unmistakable.
B_OVERDUE = "Bravo-only sacroiliac joint injection"
B_DUE_SOON = "Bravo-only recovery after sacroiliac injection"


def today():
    return timezone.localdate()


def procedure(clinic, title, due_in_days):
    due = today() + datetime.timedelta(days=due_in_days)
    return ProcedurePageFactory(
        parent=clinic.home_page,
        title=title,
        last_reviewed=due - datetime.timedelta(days=365),
        next_review_due=due,
    )


def recovery(parent, title, due_in_days):
    due = today() + datetime.timedelta(days=due_in_days)
    return RecoveryGuidancePageFactory(
        parent=parent,
        title=title,
        last_reviewed=due - datetime.timedelta(days=365),
        next_review_due=due,
    )
