"""Shared fixtures. Two clinics are always available: most bugs in a multi-clinic product are cross-clinic."""

import os

import pytest
from django.core.cache import cache
from wagtail.contrib.forms.models import FormSubmission

from tests.contact_support import EMAIL, MESSAGE, NAME
from tests.factories import ClinicFactory, ContactPageFactory, UserFactory

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
