"""Follow-up of urgent messages: contacted / handled with who and when, an internal note that never goes public, the
patient's email as a mailto link on Inspect only, the dashboard's highlight and the one reminder email per message.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import datetime
import json
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from pages.clinics.models import ClinicSettings
from pages.data_care.requests import erase_patient_data
from pages.patient_messages.models import FollowUp, PatientMessage, Status
from tests.factories import PatientMessageFactory
from tests.patient_messages.moderation_support import (
    A_EMAIL,
    DASHBOARD_URL,
    INDEX_URL,
    assert_no_patient_data,
    html_of,
    log_entries,
    url,
)
from tests.patient_messages.support import view

NOTE = "Called her at 14:10: fever gone, seen today at 16:00."


def follow_up(client, message, state, note=NOTE):
    return client.post(url("follow_up", message), {"followup-state": state, "followup-note": note})


def test_a_moderator_records_contacted_then_handled_with_who_and_when(as_moderator_a, moderator_a, msgs):
    message = msgs.urgent
    before = timezone.now()

    response = follow_up(as_moderator_a, message, FollowUp.CONTACTED)

    assert response["Location"] == url("inspect", message)
    message.refresh_from_db()
    assert (message.followup_state, message.followup_note, message.followup_by) == ("contacted", NOTE, moderator_a)
    assert message.followup_at >= before
    follow_up(as_moderator_a, message, FollowUp.HANDLED)
    message.refresh_from_db()
    assert message.followup_state == "handled"

    entries = list(log_entries(message))
    assert [entry.data for entry in entries] == [
        {"from": "", "to": "contacted", "note_changed": True},
        {"from": "contacted", "to": "handled", "note_changed": False},
    ]
    for entry in entries:
        assert entry.user == moderator_a
        assert NOTE not in entry.label + json.dumps(entry.data)
        assert_no_patient_data(entry, message)
    history = html_of(as_moderator_a.get(url("history", message)))
    assert "Follow-up: Patient contacted (internal note changed)" in history
    assert "Follow-up: Handled" in history and NOTE not in history

    inspect = html_of(as_moderator_a.get(url("inspect", message)))
    assert "Handled, recorded by" in inspect and NOTE in inspect


def test_another_clinics_message_cannot_be_followed_up(as_moderator_a, msgs):
    assert follow_up(as_moderator_a, msgs.b, FollowUp.HANDLED).status_code == 404
    assert as_moderator_a.get(url("follow_up", msgs.b)).status_code == 404
    assert as_moderator_a.get(url("follow_up", msgs.urgent)).status_code == 405
    msgs.b.refresh_from_db()
    assert (msgs.b.followup_state, msgs.b.followup_note) == ("", "")
    assert not log_entries(msgs.b).exists()


def test_an_unknown_state_is_refused(as_moderator_a, msgs):
    response = follow_up(as_moderator_a, msgs.urgent, "published", note="")
    assert response.status_code == 302
    msgs.urgent.refresh_from_db()
    assert msgs.urgent.followup_state == ""
    assert not log_entries(msgs.urgent).exists()


def test_the_follow_up_never_reaches_the_public_page(client, as_moderator_a, msgs):
    follow_up(as_moderator_a, msgs.urgent, FollowUp.CONTACTED)
    PatientMessage.objects.filter(pk=msgs.urgent.pk).update(status=Status.APPROVED)

    page_html = view(client, msgs.urgent.page).content.decode()

    assert msgs.urgent.body in page_html  # the approved message itself is public
    assert NOTE not in page_html and "Patient contacted" not in page_html and "follow-up" not in page_html.lower()


def test_erasing_the_patients_data_blanks_the_internal_note(as_moderator_a, msgs):
    message = msgs.pending
    follow_up(as_moderator_a, message, FollowUp.CONTACTED)
    erase_patient_data(A_EMAIL)
    message.refresh_from_db()
    assert message.followup_note == ""


def test_the_email_is_a_mailto_link_on_inspect_only(as_moderator_a, msgs):
    inspect = html_of(as_moderator_a.get(url("inspect", msgs.pending)))
    assert f'<a href="mailto:{A_EMAIL}">{A_EMAIL}</a>' in inspect
    listing = html_of(as_moderator_a.get(INDEX_URL))
    assert "mailto:" not in listing and A_EMAIL not in listing


# --- Urgent messages that wait too long ----------------------------------------------------------------------------


def waited(procedure, hours, **kwargs):
    return PatientMessageFactory(
        page=procedure,
        flags=",urgent,",
        body="New numbness in my leg since this morning.",
        submitted_at=timezone.now() - datetime.timedelta(hours=hours),
        **kwargs,
    )


def test_the_dashboard_highlights_urgent_messages_past_the_clinics_hours(as_moderator_a, clinic_a, procedure_a, msgs):
    waited(procedure_a, 5)
    waited(procedure_a, 30, status=Status.APPROVED)  # handled: not waiting
    waited(procedure_a, 3)  # within the 4 hours

    html = html_of(as_moderator_a.get(DASHBOARD_URL))
    assert "1 waiting over 4 hours" in html and "1 urgent message has waited longer than the clinic allows." in html

    ClinicSettings.objects.filter(site=clinic_a.site).update(urgent_message_reminder_hours=3)
    assert "2 waiting over 3 hours" in html_of(as_moderator_a.get(DASHBOARD_URL))
    ClinicSettings.objects.filter(site=clinic_a.site).update(urgent_message_reminder_hours=0)
    assert "waiting over" not in html_of(as_moderator_a.get(DASHBOARD_URL))


def test_one_content_free_reminder_per_overdue_urgent_message(clinic_a, procedure_a, procedure_b, moderator_a, msgs):
    ClinicSettings.objects.filter(site=clinic_a.site).update(notification_email="team@ascpm.example")
    moderator_a.email = "mod@ascpm.example"
    moderator_a.save()
    overdue = waited(procedure_a, 6, author_name="Olivia Overdue")
    waited(procedure_a, 1)  # not yet
    other_clinic = waited(procedure_b, 6)  # clinic B's: to clinic B's people, never clinic A's
    mail.outbox.clear()

    call_command("remind_urgent_messages", stdout=StringIO())

    to_a = [email for email in mail.outbox if "mod@ascpm.example" in email.to]
    assert len(to_a) == 1
    email = to_a[0]
    assert sorted(email.to) == ["mod@ascpm.example", "team@ascpm.example"]
    assert "has waited 6 hours" in email.body and "ASCPM" in email.subject
    assert url("inspect", overdue) in email.body
    for private in (overdue.author_name, "Olivia", overdue.body, overdue.author_email, procedure_a.title):
        assert private not in email.subject + email.body
    assert all("mod@ascpm.example" not in sent.to for sent in mail.outbox if url("inspect", other_clinic) in sent.body)

    # Once per message, however often the command runs.
    mail.outbox.clear()
    out = StringIO()
    call_command("remind_urgent_messages", stdout=out)
    assert mail.outbox == [] and "0 urgent message reminders queued." in out.getvalue()


def test_no_reminder_once_the_message_is_moderated(clinic_a, procedure_a, msgs):
    ClinicSettings.objects.filter(site=clinic_a.site).update(notification_email="team@ascpm.example")
    PatientMessage.objects.filter(pk=msgs.urgent.pk).update(submitted_at=timezone.now() - datetime.timedelta(hours=9))
    PatientMessage.objects.filter(pk=msgs.urgent.pk).update(status=Status.REJECTED)
    mail.outbox.clear()
    call_command("remind_urgent_messages", stdout=StringIO())
    assert not [email for email in mail.outbox if url("inspect", msgs.urgent) in email.body]
