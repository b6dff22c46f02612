"""Fixtures of the review tests: clinical pages due at known distances from today, in both clinics."""

import pytest

from tests.review.support import B_DUE_SOON, B_OVERDUE, procedure, recovery


@pytest.fixture
def due_pages(clinics):
    """Clinic A: one overdue, one due in 10 days, one due in 60 days (not listed). Clinic B: one overdue, one due."""
    clinic_a, clinic_b = clinics
    a_overdue = procedure(clinic_a, "Alpha facet joint injection", -10)
    a_due_soon = recovery(a_overdue, "Alpha recovery after facet injection", 10)
    a_later = procedure(clinic_a, "Alpha epidural steroid injection", 60)
    b_overdue = procedure(clinic_b, B_OVERDUE, -3)
    b_due_soon = recovery(b_overdue, B_DUE_SOON, 20)
    return {
        "a_overdue": a_overdue,
        "a_due_soon": a_due_soon,
        "a_later": a_later,
        "b_overdue": b_overdue,
        "b_due_soon": b_due_soon,
    }
