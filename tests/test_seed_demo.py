"""`seed_demo`: the demo clinics and accounts, built the same way however often it runs; never in production."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pages.demo import CLINICS, STAFF_PASSWORD, SUPERUSER
from pages.models import ClinicSettings, ProcedurePage, RecoveryGuidancePage
from tests.snapshot import database_snapshot


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_database():
    seed()
    first = database_snapshot()
    seed()
    assert database_snapshot() == first


@pytest.mark.django_db
def test_seed_demo_creates_both_clinics_on_port_8000_with_logos_and_distinct_details():
    seed()
    rows = {c.site.hostname: c for c in ClinicSettings.objects.select_related("site", "logo")}
    assert set(rows) == {"ascpm.localhost", "spinaldiagnostics.localhost"}
    for clinic in rows.values():
        assert clinic.site.port == 8000
        assert clinic.logo is not None and clinic.logo.width > 0
        assert clinic.logo.collection.name == clinic.site.site_name
    assert len({c.phone for c in rows.values()}) == 2
    assert len({c.brand_colour for c in rows.values()}) == 2


@pytest.mark.django_db
def test_seed_demo_prints_every_url_and_login():
    output = seed()
    assert "http://ascpm.localhost:8000/" in output
    assert "http://spinaldiagnostics.localhost:8000/" in output
    assert f"{SUPERUSER[0]} / {SUPERUSER[1]}" in output
    for demo in CLINICS:
        for role in ("editor", "reviewer", "moderator"):
            assert f"{demo.account_prefix}-{role} / {STAFF_PASSWORD}" in output


@pytest.mark.django_db
def test_demo_accounts_can_log_in_to_the_admin_of_their_clinic(client):
    seed()
    assert client.login(username="ascpm-editor", password=STAFF_PASSWORD)
    response = client.get("/admin/", HTTP_HOST="ascpm.localhost:8000", SERVER_PORT="8000")
    assert response.status_code == 200
    assert client.login(username=SUPERUSER[0], password=SUPERUSER[1])


@pytest.mark.django_db
def test_demo_sites_are_served_with_their_own_details(client):
    seed()
    for demo in CLINICS:
        html = client.get("/", HTTP_HOST=f"{demo.hostname}:8000", SERVER_PORT="8000").content.decode()
        assert demo.settings["display_name"] in html
        assert demo.settings["phone"] in html


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_where_demo_data_is_not_allowed(settings):
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="only for development"):
        seed()
    assert not ClinicSettings.objects.exists()


@pytest.mark.django_db
def test_seed_demo_refuses_a_bad_port():
    with pytest.raises(CommandError, match="from 1 to 65535"):
        call_command("seed_demo", "--port", "0", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_content_is_published_on_both_sites_and_readable_at_grade_8_or_below(client):
    seed()
    for host, paths in {
        "ascpm.localhost:8000": ["/facet-joint-injections/", "/contact/"],
        "spinaldiagnostics.localhost:8000": [
            "/facet-joint-injections/",
            "/facet-joint-injections/what-to-expect-after/",
            "/contact/",
        ],
    }.items():
        for path in paths:
            assert client.get(path, HTTP_HOST=host, SERVER_PORT="8000").status_code == 200, (host, path)
    clinical = list(ProcedurePage.objects.all()) + list(RecoveryGuidancePage.objects.all())
    assert len(clinical) == 3
    for page in clinical:
        grade = page.reading_grade(target=8)
        assert grade.grade is not None and grade.meets_target, (page.url_path, grade.summary)
        assert page.reviewer_name and page.last_reviewed and page.next_review_due
