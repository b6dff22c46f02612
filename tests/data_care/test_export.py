"""Data care: `patient_data --export` (everything held about a patient's email address) and the command's
arguments.

Two clinics and two patients throughout: the bugs that matter here delete or hand over the wrong person's data.
"""

import io
import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from pages.data_care import audit
from pages.models import PatientMessage
from pages.patient_messages.models import FollowUp
from tests.data_care.support import (
    JANE,
    JANE_QUESTION_A,
    JANE_QUESTION_B,
    OTHER,
    assert_one_request,
    days_ago,
    entries_of,
    entry_text,
    personal_values,
    run,
)
from tests.support import exit_code_and_stderr


def export(tmp_path, *args, email=JANE[1]):
    target = tmp_path / "jane.json"
    run("patient_data", "--email", email, "--export", str(target), *args)
    return target


# --- patient_data --export ---------------------------------------------------------------------------------------


def test_export_writes_every_message_and_submission_of_the_address_as_json(held, tmp_path):
    data = json.loads(export(tmp_path).read_text(encoding="utf-8"))

    assert data["request"]["email"] == JANE[1]
    messages = {message["text"]: message for message in data["messages"]}
    assert set(messages) == {JANE[2], "Is the parking free on Saturdays?"}
    approved = messages[JANE[2]]
    assert approved == {
        "clinic": "ASCPM",
        "page_title": "Alpha facet joint injection",
        "page_url": "http://ascpm.test/facet-joint-injections/",
        "submitted": held["approved_a"].submitted_at.isoformat(),
        "status": "approved",
        "name": JANE[0],
        "email": JANE[1],
        "text": JANE[2],
        "reply": "Thank you, we are glad it helped.",
        "replied": held["approved_a"].replied_at.isoformat(),
        "reply_notice_requested": False,
        "reply_notice_sent": None,
        "follow_up": None,
        "follow_up_note": "",
        "follow_up_recorded": None,
    }
    assert messages["Is the parking free on Saturdays?"]["clinic"] == "Spinal Diagnostics"
    assert messages["Is the parking free on Saturdays?"]["status"] == "pending"

    submissions = {s["page_title"]: s for s in data["form_submissions"]}
    assert set(submissions) == {"Contact us", "Ask about your bill"}
    assert submissions["Contact us"]["clinic"] == "ASCPM"
    assert submissions["Contact us"]["fields"] == {
        "Your name": JANE[0],
        "Your email": JANE[1],
        "Message": JANE_QUESTION_A,
    }
    assert submissions["Ask about your bill"]["clinic"] == "Spinal Diagnostics"
    assert submissions["Ask about your bill"]["page_url"] == "http://spinaldiagnostics.test/billing/"
    assert submissions["Ask about your bill"]["fields"] == {
        "Full name": JANE[0],
        "Email address": "JANE.patient@example.org",
        "Question": JANE_QUESTION_B,
    }
    assert submissions["Contact us"]["submitted"] == held["submissions"]["jane_a"].submit_time.isoformat()


def test_export_finds_the_address_in_any_case(held, tmp_path):
    data = json.loads(export(tmp_path, email="  JANE.PATIENT@example.org ").read_text(encoding="utf-8"))

    assert len(data["messages"]) == 2
    assert len(data["form_submissions"]) == 2


def test_export_contains_nothing_of_other_patients(held, tmp_path):
    text = export(tmp_path).read_text(encoding="utf-8")

    for value in (*OTHER, "Please call us so we can help.", "Please copy"):
        assert value not in text


def test_export_file_is_readable_and_writable_by_its_owner_only(held, tmp_path):
    target = export(tmp_path)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_refuses_to_overwrite_a_file_unless_forced(held, tmp_path):
    target = tmp_path / "jane.json"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o644)

    with pytest.raises(CommandError, match="already exists; choose another file or add --force"):
        run("patient_data", "--email", JANE[1], "--export", str(target))
    assert target.read_text(encoding="utf-8") == "keep me"

    run("patient_data", "--email", JANE[1], "--export", str(target), "--force")
    assert len(json.loads(target.read_text(encoding="utf-8"))["messages"]) == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["jane.json"]  # no temporary file left behind


def test_export_refuses_a_symlink_in_place_of_the_file(held, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours", encoding="utf-8")
    (tmp_path / "jane.json").symlink_to(elsewhere)

    with pytest.raises(CommandError, match="already exists"):
        export(tmp_path)
    assert elsewhere.read_text(encoding="utf-8") == "not yours"


def test_export_to_standard_output_keeps_the_summary_out_of_the_json(held):
    out, err = io.StringIO(), io.StringIO()
    call_command("patient_data", "--email", JANE[1], "--export", "-", stdout=out, stderr=err)

    assert len(json.loads(out.getvalue())["messages"]) == 2
    assert "Exported 2 message(s) and 2 contact-form submission(s) to standard output." in err.getvalue()


def test_export_prints_counts_but_no_personal_data(held, tmp_path):
    target = tmp_path / "jane.json"
    output = run("patient_data", "--email", JANE[1], "--export", str(target))

    assert f"Exported 2 message(s) and 2 contact-form submission(s) to {target}." in output
    assert JANE[1] not in output and JANE[0] not in output


def test_export_is_recorded_in_the_audit_log_without_personal_data(held, tmp_path):
    export(tmp_path)

    message_entries = entries_of(PatientMessage).filter(action=audit.MESSAGE_EXPORT)
    submission_entries = entries_of(FormSubmission).filter(action=audit.SUBMISSION_EXPORT)
    assert sorted(message_entries.values_list("object_id", flat=True)) == sorted(
        [str(held["approved_a"].pk), str(held["pending_b"].pk)]
    )
    assert submission_entries.count() == 2
    assert_one_request(message_entries, submission_entries)
    for entry in [*message_entries, *submission_entries]:
        assert entry.user is None
        for value in personal_values():
            assert value.lower() not in entry_text(entry).lower()


def test_export_with_nothing_held_writes_empty_lists(held, tmp_path):
    data = json.loads(export(tmp_path, email="nobody@example.net").read_text(encoding="utf-8"))

    assert data["messages"] == [] and data["form_submissions"] == []


# --- patient_data: arguments -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["jane", "jane@", "@example.org", "jane patient@example.org", ""])
@pytest.mark.parametrize("action", [["--erase"], ["--export", "out.json"]])
def test_an_invalid_email_address_is_a_clear_error_and_changes_nothing(held, tmp_path, monkeypatch, bad, action):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match="is not a valid email address"):
        run("patient_data", "--email", bad, *action)

    assert not (tmp_path / "out.json").exists()
    assert PatientMessage.objects.filter(erased_at__isnull=False).count() == 0
    assert FormSubmission.objects.count() == 4


def test_export_and_erase_together_are_refused(held, tmp_path):
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("patient_data", "--email", JANE[1], "--export", str(tmp_path / "x.json"), "--erase")
    assert PatientMessage.objects.filter(erased_at__isnull=False).count() == 0
    assert not (tmp_path / "x.json").exists()


def test_neither_export_nor_erase_is_refused(db):
    with pytest.raises(CommandError, match="one of the arguments --export --erase is required"):
        run("patient_data", "--email", JANE[1])


def test_a_bad_request_exits_non_zero_with_a_clear_message(db, monkeypatch, capsys):
    code, stderr = exit_code_and_stderr(monkeypatch, capsys, "patient_data", "--email", "not-an-address", "--erase")

    assert code != 0
    assert "'not-an-address' is not a valid email address." in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--export", "out.json", "--dry-run"], "--dry-run only applies to --erase"),
        (["--erase", "--force"], "--force only applies to --export"),
    ],
)
def test_options_that_do_not_fit_the_action_are_refused(held, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match=message):
        run("patient_data", "--email", JANE[1], *args)
    assert not (tmp_path / "out.json").exists()
    assert PatientMessage.objects.filter(erased_at__isnull=False).count() == 0


def test_export_says_whether_the_patient_asked_to_be_emailed_about_a_reply_and_when_it_went(held, tmp_path):
    sent_at = days_ago(1)
    PatientMessage.objects.filter(pk=held["approved_a"].pk).update(reply_notice_sent_at=sent_at)
    PatientMessage.objects.filter(pk=held["pending_b"].pk).update(reply_notice=True)

    data = json.loads(export(tmp_path).read_text(encoding="utf-8"))

    by_text = {message["text"]: message for message in data["messages"]}
    assert (by_text[JANE[2]]["reply_notice_requested"], by_text[JANE[2]]["reply_notice_sent"]) == (
        False,
        sent_at.isoformat(),
    )
    assert by_text["Is the parking free on Saturdays?"]["reply_notice_requested"] is True


def test_export_includes_the_clinics_follow_up_of_an_urgent_message(held, tmp_path):
    recorded = timezone.now()
    PatientMessage.objects.filter(pk=held["approved_a"].pk).update(
        followup_state=FollowUp.CONTACTED, followup_note="Called at 14:10, seen today.", followup_at=recorded
    )

    data = json.loads(export(tmp_path).read_text(encoding="utf-8"))

    message = {message["text"]: message for message in data["messages"]}[JANE[2]]
    assert (message["follow_up"], message["follow_up_note"], message["follow_up_recorded"]) == (
        "contacted",
        "Called at 14:10, seen today.",
        recorded.isoformat(),
    )
