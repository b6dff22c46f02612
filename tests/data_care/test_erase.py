"""Data care: `patient_data --erase`, a patient's request to erase everything held about their email address.

Two clinics and two patients throughout: the bugs that matter here delete or hand over the wrong person's data.
"""

import logging

import pytest
from django.core.management.base import CommandError
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from pages.data_care import audit, requests
from pages.models import PatientMessage
from tests.contact.support import host_of, page_path
from tests.data_care.support import (
    JANE,
    OTHER,
    assert_one_request,
    days_ago,
    entries_of,
    entry_text,
    personal_values,
    run,
)

# --- patient_data --erase ----------------------------------------------------------------------------------------


def test_erase_blanks_the_patients_messages_and_marks_them_erased_and_redacted(held):
    run("patient_data", "--email", JANE[1], "--erase")

    for key in ("approved_a", "pending_b"):
        message = PatientMessage.objects.get(pk=held[key].pk)
        assert (message.author_name, message.author_email, message.body, message.ip_hash, message.reply) == (
            "",
            "",
            "",
            "",
            "",
        )
        assert message.redacted
        assert message.erased_at is not None
        assert message.status == "rejected"
    # What is left is no one's data: the clinic, page, dates and moderation history.
    approved = PatientMessage.objects.get(pk=held["approved_a"].pk)
    assert approved.page_id == held["approved_a"].page_id
    assert approved.submitted_at == held["approved_a"].submitted_at


def test_erase_takes_an_approved_message_off_the_public_page(held, client):
    page = held["procedure_a"]
    before = client.get(page_path(page), HTTP_HOST=host_of(page)).content.decode()
    assert JANE[2] in before and JANE[0] in before

    run("patient_data", "--email", JANE[1], "--erase")

    assert list(PatientMessage.objects.approved().filter(page=page)) == [held["other_a"]]
    html = client.get(page_path(page), HTTP_HOST=host_of(page)).content.decode()
    assert JANE[2] not in html and JANE[0] not in html


def test_erase_deletes_the_patients_contact_form_submissions(held):
    output = run("patient_data", "--email", JANE[1], "--erase")

    remaining = set(FormSubmission.objects.values_list("pk", flat=True))
    assert remaining == {held["submissions"]["other_b"].pk, held["submissions"]["mention_only"].pk}
    assert "Erased 2 message(s) (1 taken off the public site) and deleted 2 contact-form submission(s)." in output
    assert JANE[1] not in output


def test_erase_leaves_other_patients_data_untouched(held):
    other = held["other_a"]
    other_submission = held["submissions"]["other_b"]

    run("patient_data", "--email", JANE[1], "--erase")

    other.refresh_from_db()
    assert (other.author_name, other.author_email, other.body, other.status, other.reply, other.ip_hash) == (
        OTHER[0],
        OTHER[1],
        OTHER[2],
        "approved",
        "Please call us so we can help.",
        "c" * 64,
    )
    assert other.erased_at is None and not other.redacted
    assert FormSubmission.objects.get(pk=other_submission.pk).form_data == other_submission.form_data
    assert not entries_of(PatientMessage).filter(object_id=str(other.pk)).exists()


def test_erase_writes_one_audit_entry_per_message_and_submission_without_personal_data(held):
    run("patient_data", "--email", JANE[1], "--erase")

    message_entries = entries_of(PatientMessage).filter(action=audit.MESSAGE_ERASE)
    by_message = {entry.object_id: entry for entry in message_entries}
    assert set(by_message) == {str(held["approved_a"].pk), str(held["pending_b"].pk)}
    approved_entry = by_message[str(held["approved_a"].pk)]
    assert approved_entry.label == f"Message #{held['approved_a'].pk} on page #{held['procedure_a'].pk}"
    assert approved_entry.data["status_before"] == "approved"
    assert approved_entry.data["status_after"] == "rejected"
    assert approved_entry.user is None
    assert approved_entry.message  # a registered action has a readable description in the admin's history

    submission_entries = entries_of(FormSubmission).filter(action=audit.SUBMISSION_ERASE)
    assert sorted(submission_entries.values_list("object_id", flat=True)) == sorted(
        [str(held["submissions"]["jane_a"].pk), str(held["submissions"]["jane_b"].pk)]
    )
    assert all(entry.deleted for entry in submission_entries)
    assert_one_request(message_entries, submission_entries)
    for entry in [*message_entries, *submission_entries]:
        for value in personal_values():
            assert value.lower() not in entry_text(entry).lower()


def test_erase_logs_counts_and_a_hash_of_the_address_never_the_address(held, caplog):
    with caplog.at_level(logging.INFO, logger="pages.data_care.requests"):
        run("patient_data", "--email", JANE[1], "--erase")

    lines = [record.getMessage() for record in caplog.records if record.name == "pages.data_care.requests"]
    assert len(lines) == 1
    assert "Patient data erase: email hash " + requests.email_hash(JANE[1]) in lines[0]
    assert "2 message(s) (1 taken off the public site), 2 contact-form submission(s)" in lines[0]
    # The same hash whatever the case, so one person's requests can be matched up.
    assert requests.email_hash(JANE[1].upper()) == requests.email_hash(JANE[1])
    for value in personal_values():
        assert value.lower() not in caplog.text.lower()


def test_erase_dry_run_changes_nothing(held):
    messages_before = list(PatientMessage.objects.order_by("pk").values())
    submissions_before = list(FormSubmission.objects.order_by("pk").values())

    output = run("patient_data", "--email", JANE[1], "--erase", "--dry-run")

    assert list(PatientMessage.objects.order_by("pk").values()) == messages_before
    assert list(FormSubmission.objects.order_by("pk").values()) == submissions_before
    assert not ModelLogEntry.objects.filter(action__startswith="pages.").exists()
    assert "Would erase 2 message(s) (1 now on the public site) and delete 2 contact-form submission(s)." in output
    assert "Dry run: nothing was changed." in output


def test_erase_is_all_or_nothing(held, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(requests, "_erase_submissions", fail)
    messages_before = list(PatientMessage.objects.order_by("pk").values())

    with pytest.raises(RuntimeError):
        run("patient_data", "--email", JANE[1], "--erase")

    assert list(PatientMessage.objects.order_by("pk").values()) == messages_before
    assert FormSubmission.objects.count() == 4
    assert not ModelLogEntry.objects.filter(action__startswith="pages.").exists()


def test_erase_refuses_to_run_when_its_audit_actions_are_not_registered(held):
    for action in audit.LOG_ACTIONS:
        log_action_registry.formatters.pop(action, None)

    with pytest.raises(CommandError, match="not registered"):
        run("patient_data", "--email", JANE[1], "--erase")

    assert PatientMessage.objects.filter(erased_at__isnull=False).count() == 0
    assert FormSubmission.objects.count() == 4


def test_erase_a_second_time_finds_nothing_left(held):
    run("patient_data", "--email", JANE[1], "--erase")

    output = run("patient_data", "--email", JANE[1], "--erase")

    assert "Erased 0 message(s) (0 taken off the public site) and deleted 0 contact-form submission(s)." in output


def test_erased_messages_are_purged_after_the_retention_period(held):
    # An erased approved message becomes rejected: the daily purge removes what is left of it in time.
    PatientMessage.objects.filter(pk=held["approved_a"].pk).update(moderated_at=days_ago(31))
    run("patient_data", "--email", JANE[1], "--erase")

    run("purge_messages")

    assert not PatientMessage.objects.filter(pk=held["approved_a"].pk).exists()
    assert PatientMessage.objects.filter(pk=held["pending_b"].pk).exists()  # never moderated, sent just now


def test_erase_withdraws_the_patients_requests_to_be_emailed_about_a_reply(held):
    PatientMessage.objects.filter(pk__in=[held["pending_b"].pk, held["other_a"].pk]).update(reply_notice=True)

    run("patient_data", "--email", JANE[1], "--erase")

    assert PatientMessage.objects.get(pk=held["pending_b"].pk).reply_notice is False
    assert PatientMessage.objects.get(pk=held["other_a"].pk).reply_notice is True  # another patient's stays
    entry = entries_of(PatientMessage).get(object_id=str(held["pending_b"].pk), action=audit.MESSAGE_ERASE)
    assert "reply_notice" in entry.data["fields"]
