"""Data care: `purge_messages` (retention of rejected and spam messages) and `patient_data` (a patient's request to
export or erase everything held about their email address).

Two clinics and two patients throughout: the bugs that matter here delete or hand over the wrong person's data.
"""

import datetime
import io
import json
import logging
import stat

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from pages import data_care
from pages.models import ClinicSettings, PatientMessage
from tests.contact_support import host_of, page_path
from tests.factories import ContactPageFactory, PatientMessageFactory, ProcedurePageFactory

JANE = ("Jane Patient", "jane.patient@example.org", "The injection on my neck helped within two days.")
OTHER = ("Olu Other", "olu.other@example.com", "My lower back still hurts after the second injection.")
# Jane's contact-form texts; the other patient's is OTHER[2] too, so one search proves both kinds stay out.
JANE_QUESTION_A = "Can I bring my daughter to the appointment?"
JANE_QUESTION_B = "Do you have parking near the entrance?"


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def audit_actions_registered():
    """Register the data-care audit actions for the test if pages/wagtail_hooks.py does not (yet) do it.

    Wagtail refuses to save a log entry with an unregistered action (BaseLogEntry.clean), so the commands need
    them. The registry is put back as it was afterwards.
    """
    log_action_registry.scan_for_actions()
    formatters, choices = dict(log_action_registry.formatters), list(log_action_registry.choices)
    if data_care.missing_log_actions():
        data_care.register_log_actions(log_action_registry)
    yield
    log_action_registry.formatters, log_action_registry.choices = formatters, choices


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def exit_code_and_stderr(monkeypatch, capsys, name, *args):
    """Run a command as `manage.py` does (run_from_argv), to see its exit status and what the operator reads."""
    # run_from_argv closes every database connection when it ends, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        load_command_class("pages", name).run_from_argv(["manage.py", name, *args])
    return exited.value.code, capsys.readouterr().err


# --- purge_messages ----------------------------------------------------------------------------------------------


@pytest.fixture
def procedure_a(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page)


@pytest.fixture
def procedure_b(clinic_b):
    return ProcedurePageFactory(parent=clinic_b.home_page)


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


# --- patient_data: shared data -----------------------------------------------------------------------------------


@pytest.fixture
def held(clinic_a, clinic_b, contact_page, contact_page_b, procedure_a, procedure_b):
    """Jane's messages and contact-form submissions in both clinics, and another patient's, side by side."""
    jane_name, jane_email, jane_text = JANE
    # Clinic B's second contact page names its email field differently: lookups must go by each page's fields.
    contact_page_b2 = ContactPageFactory(
        parent=clinic_b.home_page,
        title="Ask about your bill",
        slug="billing",
        fields=[("Full name", "singleline", True), ("Email address", "email", True), ("Question", "multiline", True)],
    )
    approved_a = PatientMessageFactory(
        page=procedure_a,
        author_name=jane_name,
        author_email=jane_email,
        body=jane_text,
        status="approved",
        moderated_at=days_ago(3),
        reply="Thank you, we are glad it helped.",
        replied_at=days_ago(3),
        ip_hash="a" * 64,
    )
    # The same patient typed her address differently on clinic B.
    pending_b = PatientMessageFactory(
        page=procedure_b,
        author_name="Jane P.",
        author_email="Jane.Patient@Example.ORG",
        body="Is the parking free on Saturdays?",
        status="pending",
        ip_hash="b" * 64,
    )
    other_a = PatientMessageFactory(
        page=procedure_a,
        author_name=OTHER[0],
        author_email=OTHER[1],
        body=OTHER[2],
        status="approved",
        reply="Please call us so we can help.",
        ip_hash="c" * 64,
    )
    submissions = {
        "jane_a": FormSubmission.objects.create(
            page=contact_page,
            form_data={"your_name": jane_name, "your_email": jane_email, "message": JANE_QUESTION_A},
        ),
        "jane_b": FormSubmission.objects.create(
            page=contact_page_b2,
            form_data={
                "full_name": jane_name,
                "email_address": "JANE.patient@example.org",
                "question": JANE_QUESTION_B,
            },
        ),
        "other_b": FormSubmission.objects.create(
            page=contact_page_b,
            form_data={"your_name": OTHER[0], "your_email": OTHER[1], "message": OTHER[2]},
        ),
        # Jane's address in a text field is not an email field: it does not tie the submission to her.
        "mention_only": FormSubmission.objects.create(
            page=contact_page_b,
            form_data={"your_name": OTHER[0], "your_email": OTHER[1], "message": f"Please copy {jane_email}."},
        ),
    }
    return {
        "approved_a": approved_a,
        "pending_b": pending_b,
        "other_a": other_a,
        "submissions": submissions,
        "procedure_a": procedure_a,
    }


def export(tmp_path, *args, email=JANE[1]):
    target = tmp_path / "jane.json"
    run("patient_data", "--email", email, "--export", str(target), *args)
    return target


def personal_values():
    return [*JANE, *OTHER, "Jane P.", "Jane.Patient@Example.ORG", "jane.patient", JANE_QUESTION_A, JANE_QUESTION_B]


def entries_of(model):
    return ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))


def assert_one_request(*querysets):
    entries = [entry for queryset in querysets for entry in queryset]
    # One request id links the entries; each has its own uuid, or Wagtail's History view, which keeps the latest
    # entry per (uuid, action) across all objects, would show the entry on one message only.
    assert len({entry.data["request_id"] for entry in entries}) == 1
    assert len({entry.uuid for entry in entries}) == len(entries)


def entry_text(entry):
    return json.dumps([entry.label, entry.action, entry.data, entry.object_id, str(entry)])


# --- patient_data --export ---------------------------------------------------------------------------------------


def test_export_writes_every_message_and_submission_of_the_address_as_json(held, tmp_path):
    data = json.loads(export(tmp_path).read_text(encoding="utf-8"))

    assert data["request"]["email"] == JANE[1]
    messages = {message["text"]: message for message in data["messages"]}
    assert set(messages) == {JANE[2], "Is the parking free on Saturdays?"}
    approved = messages[JANE[2]]
    assert approved == {
        "clinic": "ASCPM",
        "page_title": "Facet joint injections",
        "page_url": "http://ascpm.test/facet-joint-injections/",
        "submitted": held["approved_a"].submitted_at.isoformat(),
        "status": "approved",
        "name": JANE[0],
        "email": JANE[1],
        "text": JANE[2],
        "reply": "Thank you, we are glad it helped.",
        "replied": held["approved_a"].replied_at.isoformat(),
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

    message_entries = entries_of(PatientMessage).filter(action=data_care.MESSAGE_EXPORT)
    submission_entries = entries_of(FormSubmission).filter(action=data_care.SUBMISSION_EXPORT)
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

    message_entries = entries_of(PatientMessage).filter(action=data_care.MESSAGE_ERASE)
    by_message = {entry.object_id: entry for entry in message_entries}
    assert set(by_message) == {str(held["approved_a"].pk), str(held["pending_b"].pk)}
    approved_entry = by_message[str(held["approved_a"].pk)]
    assert approved_entry.label == f"Message #{held['approved_a'].pk} on page #{held['procedure_a'].pk}"
    assert approved_entry.data["status_before"] == "approved"
    assert approved_entry.data["status_after"] == "rejected"
    assert approved_entry.user is None
    assert approved_entry.message  # a registered action has a readable description in the admin's history

    submission_entries = entries_of(FormSubmission).filter(action=data_care.SUBMISSION_ERASE)
    assert sorted(submission_entries.values_list("object_id", flat=True)) == sorted(
        [str(held["submissions"]["jane_a"].pk), str(held["submissions"]["jane_b"].pk)]
    )
    assert all(entry.deleted for entry in submission_entries)
    assert_one_request(message_entries, submission_entries)
    for entry in [*message_entries, *submission_entries]:
        for value in personal_values():
            assert value.lower() not in entry_text(entry).lower()


def test_erase_logs_counts_and_a_hash_of_the_address_never_the_address(held, caplog):
    with caplog.at_level(logging.INFO, logger="pages.data_care"):
        run("patient_data", "--email", JANE[1], "--erase")

    lines = [record.getMessage() for record in caplog.records if record.name == "pages.data_care"]
    assert len(lines) == 1
    assert "Patient data erase: email hash " + data_care.email_hash(JANE[1]) in lines[0]
    assert "2 message(s) (1 taken off the public site), 2 contact-form submission(s)" in lines[0]
    # The same hash whatever the case, so one person's requests can be matched up.
    assert data_care.email_hash(JANE[1].upper()) == data_care.email_hash(JANE[1])
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

    monkeypatch.setattr(data_care, "_erase_submissions", fail)
    messages_before = list(PatientMessage.objects.order_by("pk").values())

    with pytest.raises(RuntimeError):
        run("patient_data", "--email", JANE[1], "--erase")

    assert list(PatientMessage.objects.order_by("pk").values()) == messages_before
    assert FormSubmission.objects.count() == 4
    assert not ModelLogEntry.objects.filter(action__startswith="pages.").exists()


def test_erase_refuses_to_run_when_its_audit_actions_are_not_registered(held):
    for action in data_care.LOG_ACTIONS:
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
