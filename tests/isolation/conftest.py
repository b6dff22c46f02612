"""Fixtures of the isolation tests: clinic A's page and own items beside clinic B's (references_support.py).

A test module with an `items` fixture of its own (test_bulk.py) keeps it.
"""

import pytest

from tests.isolation.references_support import build_items


@pytest.fixture
def items(clinic_a, clinic_b):
    return build_items(clinic_a, clinic_b)
