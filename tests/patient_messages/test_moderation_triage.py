"""The moderators' triage: messages named by who, where and when; urgent ones first and visible on a phone; the queue
after each action, reply-and-approve and the keyboard shortcuts.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import datetime

from pages.data_care.requests import erase_patient_data
from pages.patient_messages import rules
from tests.factories import PatientMessageFactory
from tests.patient_messages.moderation_support import (
    A_EMAIL,
    A_TEXT,
    bulk_url,
    html_of,
    id_label,
    label,
    log_entries,
    url,
)

# --- Names ----------------------------------------------------------------------------------------------------------


def test_a_message_is_named_by_first_name_last_initial_page_and_date():
    today = datetime.date(2026, 12, 2)

    assert rules.message_name("Maria Lopez", "Facet joint injections", today, today) == (
        "Maria L. on Facet joint injections, 2 Dec"
    )
    assert rules.message_name("  maria de la cruz ", "Facet", datetime.date(2025, 3, 9), today) == (
        "maria C. on Facet, 9 Mar 2025"
    )
    assert rules.message_name("Maria", "Facet", today, today) == "Maria on Facet, 2 Dec"
    assert rules.message_name("", "Facet", today, today) == "Erased message on Facet, 2 Dec"


def test_headings_notices_and_history_name_the_message_without_its_text_or_email(as_moderator_a, msgs):
    message = msgs.pending
    name = label(message)
    assert name.startswith("Alice A. on Alpha facet joint injection, ")

    inspect = html_of(as_moderator_a.get(url("inspect", message)))
    assert name in inspect.split("<main", 1)[-1].split("<dl", 1)[0]  # the heading, above the message itself
    assert "Message #" not in inspect

    notice = html_of(as_moderator_a.post(url("moderate", message, "approve"), follow=True))
    assert f"{name}: approved." in notice

    as_moderator_a.post(url("edit", message), {"body": message.body, "reply": "Thank you."})
    history = html_of(as_moderator_a.get(url("history", message)))
    assert name in history and "Message #" not in history
    for entry in log_entries(message):
        assert entry.label == name
        assert A_EMAIL not in entry.label and A_TEXT not in entry.label


def test_the_bulk_confirmation_names_each_message(as_moderator_a, msgs):
    confirmation = html_of(as_moderator_a.get(bulk_url("reject") + f"?id={msgs.pending.pk}&id={msgs.urgent.pk}"))
    assert label(msgs.pending) in confirmation and label(msgs.urgent) in confirmation
    assert "Message #" not in confirmation


def test_erasing_a_patients_data_takes_their_name_out_of_every_audit_label(as_moderator_a, msgs):
    message = msgs.pending
    as_moderator_a.post(url("moderate", message, "approve"))
    assert log_entries(message).get().label.startswith("Alice A. on ")

    erase_patient_data(A_EMAIL)

    # Only the model's id-only name is left, on every entry (approval and erasure alike).
    assert {entry.label for entry in log_entries(message)} == {id_label(message)}


def test_a_one_word_name_is_kept_as_typed(as_moderator_a, procedure_a):
    message = PatientMessageFactory(page=procedure_a, author_name="Madonna")
    assert f"Madonna on {procedure_a.title}, " in html_of(as_moderator_a.get(url("inspect", message)))
