"""Fixtures of the isolation tests: clinic A's page and own items beside clinic B's (references_support.py), and
the sweeps' `world` (world.py).

A test module with an `items` fixture of its own (test_bulk.py) keeps it.
"""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.isolation.references_support import build_items
from tests.isolation.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both clinics of world.py, built once per module in a transaction that is rolled back at the module's end.

    Each test runs in a savepoint inside it (pytest-django's `db`), and each request in a savepoint of its own, so
    nothing one request does is seen by the next. Its uploads live in one folder for the module (tests/conftest.py's
    `_isolated_cache_and_media` leaves MEDIA_ROOT alone for tests that use `world`).
    """
    media = tmp_path_factory.mktemp("isolation-media")
    # Sessions are saved only when they change: a request that writes nothing then writes no row at all, and the
    # checker can skip comparing clinic B's rows (see tests/isolation/checks.py, database_writes).
    quiet_sessions = override_settings(MEDIA_ROOT=str(media), SESSION_SAVE_EVERY_REQUEST=False)
    with quiet_sessions, django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def items(clinic_a, clinic_b):
    return build_items(clinic_a, clinic_b)
