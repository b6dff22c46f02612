"""`seed_demo`: the demo clinics and accounts, built the same way however often it runs; never in production."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape
from wagtail.models import Page

from pages.demo import content as demo_content
from pages.demo.build import CLINICS, STAFF_PASSWORD, SUPERUSER
from pages.models import Clinician, ClinicSettings, PatientMessage, ProcedurePage, RecoveryGuidancePage
from pages.patient_messages import rules
from pages.patient_messages.models import Status
from tests.contact.support import page_path
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
    # The snapshot covers the demo messages, dates and replies included.
    assert len(first["patient_messages"]) == sum(len(messages) for messages in demo_content.MESSAGES.values())


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
        assert page.reviewer and page.last_reviewed and page.next_review_due


# --- Demo patient messages -----------------------------------------------------------------------------------------


def demo_messages(hostname):
    return PatientMessage.objects.filter(site__hostname=hostname).select_related("page", "moderated_by", "replied_by")


@pytest.mark.django_db
def test_seed_demo_adds_approved_messages_with_clinic_replies_to_each_clinic():
    seed()
    for demo in CLINICS:
        approved = list(demo_messages(demo.hostname).approved())
        assert len(approved) >= 2, demo.name
        moderator = f"{demo.account_prefix}-moderator"
        for message in approved:
            assert message.reply, message
            assert message.moderated_by.username == moderator
            assert message.replied_by.username == moderator
            assert message.submitted_at < message.moderated_at <= message.replied_at
            assert not message.flags
            # Fictional patients on reserved example domains only.
            assert message.author_email.rsplit("@", 1)[1] in {"example.org", "example.com"}
    spinal_pages = {m.page.url_path for m in demo_messages("spinaldiagnostics.localhost").approved()}
    assert any(path.endswith("/what-to-expect-after/") for path in spinal_pages)
    assert any(path.endswith("/facet-joint-injections/") for path in spinal_pages)


@pytest.mark.django_db
def test_seed_demo_adds_pending_messages_one_flagged_and_one_urgent_per_clinic():
    seed()
    for demo in CLINICS:
        pending = list(demo_messages(demo.hostname).pending())
        assert len(pending) >= 3, demo.name
        assert [m for m in pending if rules.FLAG_HEALTH_INFO in m.flag_list], demo.name
        assert [m for m in pending if m.is_urgent], demo.name
        assert [m for m in pending if not m.flags], demo.name
        for message in pending:
            assert message.moderated_at is None and message.moderated_by is None and not message.reply
            # The flags are what the real rules say about the text, as if the patient had sent it.
            clinic_rules = ClinicSettings.objects.get(site=message.site).moderation_rules()
            decision = rules.decide(message.body, message.author_name, message.author_email, clinic_rules)
            assert set(message.flag_list) == decision.flags
            assert not decision.is_spam


@pytest.mark.django_db
def test_demo_messages_show_on_their_pages_only_once_approved(client):
    seed()
    for message in PatientMessage.objects.select_related("site", "page"):
        html = client.get(page_path(message.page), HTTP_HOST=f"{message.site.hostname}:8000", SERVER_PORT="8000")
        html = html.content.decode()
        shown = escape(message.body) in html
        assert shown == (message.status == Status.APPROVED), message.body
        assert message.author_email not in html


@pytest.mark.django_db
def test_seed_demo_puts_a_changed_demo_message_back_without_moving_its_dates():
    seed()
    message = PatientMessage.objects.approved().first()
    submitted, moderated = message.submitted_at, message.moderated_at
    PatientMessage.objects.filter(pk=message.pk).update(status=Status.REJECTED, reply="")

    seed()

    message.refresh_from_db()
    assert message.status == Status.APPROVED and message.reply
    assert (message.submitted_at, message.moderated_at) == (submitted, moderated)
    assert PatientMessage.objects.count() == sum(len(messages) for messages in demo_content.MESSAGES.values())


@pytest.mark.django_db
def test_each_demo_clinic_has_a_whole_website_and_its_reviewer_is_a_clinician(client):
    seed()
    for demo in CLINICS:
        clinic = ClinicSettings.objects.select_related("site", "privacy_page").get(site__hostname=demo.hostname)
        for path, text in [
            ("/about-us/", "What we do"),
            ("/our-team/", demo_content.CLINICIANS[demo.account_prefix][0]["name"]),
            ("/treatments/", "Facet joint injections"),
            ("/privacy/", "Your rights"),
        ]:
            response = client.get(path, HTTP_HOST=demo.hostname)
            assert response.status_code == 200, (demo.hostname, path)
            assert text in response.content.decode()
        assert clinic.privacy_page.slug == "privacy" and clinic.privacy_page.live
        clinician = Clinician.objects.get(site=clinic.site)
        assert clinician.user.username == f"{demo.account_prefix}-reviewer"
        # The clinic's clinical pages name that clinician as reviewer.
        assert {page.reviewer_id for page in ProcedurePage.objects.descendant_of(clinic.site.root_page)} == {
            clinician.pk
        }


@pytest.mark.django_db
def test_a_second_seed_keeps_the_site_pages_privacy_page_and_clinician_accounts_as_they_were():
    def state():
        return {
            "clinicians": sorted(Clinician.objects.values_list("site__hostname", "name", "user__username")),
            "privacy_pages": sorted(ClinicSettings.objects.values_list("site__hostname", "privacy_page_id")),
            "site_pages": sorted(
                Page.objects.filter(slug__in=["about-us", "our-team", "treatments", "privacy"]).values_list(
                    "pk", "url_path", "live", "latest_revision_id"
                )
            ),
        }

    seed()
    first = state()
    seed()
    assert state() == first
    # Four site pages per demo clinic, each live, and every clinician linked to a staff account.
    assert len(first["site_pages"]) == 4 * len(CLINICS) and all(live for *_, live, _rev in first["site_pages"])
    assert all(username for *_, username in first["clinicians"])
