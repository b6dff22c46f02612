"""Fixtures shared by several test folders: the two clinics, their pages that more than one domain uses, users and
clients. Two clinics are always available: most bugs in a multi-clinic product are cross-clinic.

A fixture only one folder uses lives in that folder's conftest.py (tests/contact, tests/patient_messages,
tests/data_care).
"""

import os

import pytest
from django.core.cache import cache

from tests.factories import (
    ClinicFactory,
    ContactPageFactory,
    ProcedurePageFactory,
    RecoveryGuidancePageFactory,
    UserFactory,
    role_user,
)
from tests.patient_messages.moderation_support import B_PAGE_TITLE

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


class ServicesSummary:
    """Says in the terminal summary which tests were deselected for want of the real services."""

    name = "clinic-services-summary"

    def summary_lines(self):
        if not _deselected_services:
            return []
        return [
            (
                None,
                f"{len(_deselected_services)} test(s) marked 'services' were not run here: they need DATABASE_URL "
                "(PostgreSQL) and REDIS_URL; `make test` runs them in its second pass.",
            )
        ]


def pytest_configure(config):
    config.pluginmanager.register(ServicesSummary(), ServicesSummary.name)
    config.stash[_WORKER_LINES] = []


# What the checks covered, printed once at the end: every registered plugin with a `summary_lines()` method gives
# (title, line) pairs. Under pytest-xdist the tests run in worker processes without a terminal, so each worker hands
# its lines to the controller when it finishes (`workeroutput`) and the controller prints them.
_WORKER_LINES = pytest.StashKey[list]()


def _summary_lines(config):
    lines = []
    for plugin in config.pluginmanager.get_plugins():
        method = getattr(type(plugin), "summary_lines", None)
        if callable(method):
            lines.extend(tuple(line) for line in plugin.summary_lines())
    return lines


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["summary_lines"] = _summary_lines(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    node.config.stash[_WORKER_LINES].extend(tuple(line) for line in node.workeroutput.get("summary_lines", []))


def pytest_terminal_summary(terminalreporter):
    lines = _summary_lines(terminalreporter.config) + terminalreporter.config.stash[_WORKER_LINES]
    for title, line in dict.fromkeys(lines):
        if title:
            terminalreporter.write_sep("-", title)
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(request, settings, tmp_path):
    """Each test starts with an empty cache and writes uploads to its own folder.

    Tests of the isolation sweeps' module-scoped `world` (tests/isolation/conftest.py) keep the world's folder: its
    files live as long as its rows.
    """
    if "world" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


# The two clinics most tests use: name, hostname, phone, address and brand colour, all distinct.
CLINIC_DETAILS = {
    "a": ("ASCPM", "ascpm.test", "(217) 555-0111", "1 Alpha Road\nAlphaville", "#0b6e69"),
    "b": ("Spinal Diagnostics", "spinaldiagnostics.test", "(309) 555-0122", "2 Beta Avenue\nBetatown", "#5b2a86"),
}


def _clinic(which):
    name, hostname, phone, address, brand_colour = CLINIC_DETAILS[which]
    return ClinicFactory(name=name, hostname=hostname, phone=phone, address=address, brand_colour=brand_colour)


@pytest.fixture
def clinic_a(db):
    return _clinic("a")


@pytest.fixture
def clinic_b(db):
    return _clinic("b")


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
def moderator_a(clinic_a):
    return role_user(clinic_a, "moderators")


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def as_moderator_a(client, moderator_a):
    client.force_login(moderator_a)
    return client


# --- Pages several domains use -------------------------------------------------------------------------------------


@pytest.fixture
def procedure_a(clinic_a):
    # A title no other clinic's page carries, so any sight of it in clinic B's responses is a leak.
    return ProcedurePageFactory(
        parent=clinic_a.home_page, title="Alpha facet joint injection", slug="facet-joint-injections"
    )


@pytest.fixture
def recovery_a(procedure_a):
    return RecoveryGuidancePageFactory(parent=procedure_a, slug="after")


@pytest.fixture
def procedure_b(clinic_b):
    # Clinic B's distinctive title (one of the values that must never reach clinic A's moderators), under the same
    # slug as clinic A's page: only the Host tells the two pages apart.
    return ProcedurePageFactory(parent=clinic_b.home_page, title=B_PAGE_TITLE, slug="facet-joint-injections")


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
def contact_page_b(clinic_b):
    return ContactPageFactory(parent=clinic_b.home_page, title="Write to Spinal Diagnostics")
