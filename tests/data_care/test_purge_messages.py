"""Data care: `purge_messages`, the retention of rejected and spam messages.

Two clinics and two patients throughout: the bugs that matter here delete or hand over the wrong person's data.
"""

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.models import ClinicSettings, PatientMessage
from tests.data_care.support import (
    days_ago,
    run,
)
from tests.factories import PatientMessageFactory
from tests.support import exit_code_and_stderr

# --- purge_messages ----------------------------------------------------------------------------------------------


def old_message(page, status, *, days, moderated_days=None):
    return PatientMessageFactory(
        page=page,
        status=status,
        submitted_at=days_ago(days),
        moderated_at=days_ago(moderated_days) if moderated_days is not None else None,
    )


def test_purge_deletes_rejected_and_spam_messages_past_each_clinics_own_retention(clinic_b, procedure_a, procedure_b):
    ClinicSettings.objects.filter(site=clinic_b.site).update(message_retention_days=7)
    expired = [
        old_message(procedure_a, "rejected", days=40, moderated_days=31),
        old_message(procedure_a, "spam", days=31),  # classed spam on arrival: never moderated
        old_message(procedure_b, "rejected", days=10, moderated_days=8),
        old_message(procedure_b, "spam", days=9),
    ]
    kept = [
        old_message(procedure_a, "rejected", days=29, moderated_days=29),
        old_message(procedure_a, "spam", days=20),
        # 10 days is past clinic B's 7, but clinic A keeps messages for 30.
        old_message(procedure_a, "rejected", days=10, moderated_days=10),
        old_message(procedure_b, "spam", days=6),
    ]

    run("purge_messages")

    remaining = set(PatientMessage.objects.values_list("pk", flat=True))
    assert remaining == {message.pk for message in kept}
    assert not remaining & {message.pk for message in expired}


def test_purge_counts_the_retention_period_from_the_moderators_decision(procedure_a):
    # Waited six weeks, rejected two days ago: a moderator still has four weeks to restore it.
    recently_rejected = old_message(procedure_a, "rejected", days=42, moderated_days=2)

    run("purge_messages")

    assert PatientMessage.objects.filter(pk=recently_rejected.pk).exists()


def test_purge_never_deletes_pending_or_approved_messages(procedure_a, procedure_b):
    kept = [
        old_message(procedure_a, "pending", days=400),
        old_message(procedure_a, "approved", days=400, moderated_days=399),
        old_message(procedure_b, "pending", days=400),
        old_message(procedure_b, "approved", days=400, moderated_days=399),
    ]

    output = run("purge_messages")

    assert PatientMessage.objects.count() == len(kept)
    assert "Total: deleted 0 message(s) in 2 clinic(s)." in output


def test_purge_prints_how_many_it_deleted_per_clinic_and_in_total(procedure_a, procedure_b):
    for _ in range(3):
        old_message(procedure_a, "spam", days=31)
    old_message(procedure_b, "rejected", days=60, moderated_days=50)

    output = run("purge_messages")

    assert "ASCPM (ascpm.test): deleted 3 rejected or spam message(s) older than 30 days" in output
    assert "Spinal Diagnostics (spinaldiagnostics.test): deleted 1 rejected or spam message(s) older than 30 days" in (
        output
    )
    assert "Total: deleted 4 message(s) in 2 clinic(s)." in output


def test_purge_dry_run_changes_nothing_and_says_what_it_would_delete(clinic_a, clinic_b, procedure_a, procedure_b):
    old_message(procedure_a, "spam", days=31)
    old_message(procedure_b, "rejected", days=60, moderated_days=50)
    # A clinic without a settings row: the dry run must not create one (ClinicSettings.for_site would).
    ClinicSettings.objects.filter(site=clinic_b.site).delete()
    settings_before = list(ClinicSettings.objects.values_list("pk", flat=True))

    output = run("purge_messages", "--dry-run")

    assert PatientMessage.objects.count() == 2
    assert list(ClinicSettings.objects.values_list("pk", flat=True)) == settings_before
    assert "ASCPM (ascpm.test): would delete 1 rejected or spam message(s) older than 30 days" in output
    assert "Total: would delete 2 message(s) in 2 clinic(s). Dry run: nothing was deleted." in output
    assert "deleted 2" not in output


def test_purge_clinic_option_only_touches_that_clinic(procedure_a, procedure_b):
    old_message(procedure_a, "spam", days=31)
    in_b = old_message(procedure_b, "spam", days=31)

    output = run("purge_messages", "--clinic", "ASCPM.test")

    assert list(PatientMessage.objects.values_list("pk", flat=True)) == [in_b.pk]
    assert "Total: deleted 1 message(s) in 1 clinic(s)." in output
    assert "spinaldiagnostics.test" not in output


def test_purge_unknown_clinic_is_a_clear_error_with_a_non_zero_exit(procedure_a, monkeypatch, capsys):
    spam = old_message(procedure_a, "spam", days=31)

    with pytest.raises(CommandError, match=r"No clinic has the hostname 'nowhere.test'\. Known clinics: ascpm\.test"):
        run("purge_messages", "--clinic", "nowhere.test")
    code, stderr = exit_code_and_stderr(monkeypatch, capsys, "purge_messages", "--clinic", "nowhere.test")

    assert code != 0
    assert "No clinic has the hostname 'nowhere.test'" in stderr
    assert PatientMessage.objects.filter(pk=spam.pk).exists()


def test_purge_runs_one_delete_query_per_clinic_and_loads_no_messages(procedure_a, procedure_b):
    # As in a real process, with the admin's viewsets registered: one that puts PatientMessage in Wagtail's
    # reference index connects a post_delete handler, and then every delete loads the rows first.
    reverse("wagtailadmin_home")
    for page in (procedure_a, procedure_b):
        for _ in range(5):
            old_message(page, "spam", days=31)

    with CaptureQueriesContext(connection) as queries:
        run("purge_messages")

    touching_messages = [q["sql"] for q in queries.captured_queries if "pages_patientmessage" in q["sql"]]
    assert len(touching_messages) == 2
    assert all(sql.startswith("DELETE") for sql in touching_messages)
    assert not PatientMessage.objects.exists()


def test_purge_takes_a_reply_notice_request_with_its_expired_message_and_leaves_waiting_ones(procedure_a):
    expired = old_message(procedure_a, "rejected", days=40, moderated_days=31)
    waiting = old_message(procedure_a, "pending", days=40)
    PatientMessage.objects.filter(pk__in=[expired.pk, waiting.pk]).update(reply_notice=True)

    run("purge_messages")

    assert list(PatientMessage.objects.filter(reply_notice=True).values_list("pk", flat=True)) == [waiting.pk]
