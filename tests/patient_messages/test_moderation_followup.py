"""Follow-up of urgent messages: contacted / handled with who and when, an internal note that never goes public, the
patient's email as a mailto link on Inspect only, the dashboard's highlight and the one reminder email per message.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import json

from django.utils import timezone

from pages.data_care.requests import erase_patient_data
from pages.patient_messages.models import FollowUp, PatientMessage, Status
from tests.patient_messages.moderation_support import (
    A_EMAIL,
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
