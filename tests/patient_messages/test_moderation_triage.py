"""The moderators' triage: messages named by who, where and when; urgent ones first and visible on a phone; the queue
after each action, reply-and-approve and the keyboard shortcuts.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import datetime

from django.utils import timezone

from pages.data_care.requests import erase_patient_data
from pages.patient_messages import rules
from tests.factories import PatientMessageFactory
from tests.patient_messages.moderation_support import (
    A_EMAIL,
    A_TEXT,
    INDEX_URL,
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


# --- Urgent first, and in view on a phone --------------------------------------------------------------------------


def names_in_order(html, *names):
    return sorted(names, key=html.index)


def test_urgent_pending_messages_come_first_in_the_pending_list(as_moderator_a, msgs, procedure_a):
    PatientMessageFactory(page=procedure_a, author_name="Nora Newest")
    older_urgent = PatientMessageFactory(
        page=procedure_a,
        author_name="Otto Older-Urgent",
        flags=",urgent,",
        submitted_at=timezone.now() - datetime.timedelta(days=2),
    )
    # A handled urgent message is no longer urgent work: it keeps its place by date.
    approved_urgent = PatientMessageFactory(
        page=procedure_a, author_name="Amy Approved-Urgent", flags=",urgent,", status="approved"
    )

    for params in ({"status": "pending"}, {}):
        html = html_of(as_moderator_a.get(INDEX_URL, params))
        assert names_in_order(html, "Uma Urgent", "Otto Older-Urgent", "Nora Newest", "Alice Alpha") == [
            "Uma Urgent",
            "Otto Older-Urgent",
            "Nora Newest",
            "Alice Alpha",
        ]
    html = html_of(as_moderator_a.get(INDEX_URL))
    # Newer than every pending urgent message, and still after them.
    assert html.index(approved_urgent.author_name) > html.index(older_urgent.author_name)


def test_a_column_the_moderator_sorts_by_wins_over_urgency(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL, {"status": "pending", "ordering": "-submitted_at"}))
    assert html.index("Alice Alpha") < html.index("Uma Urgent")


def title_cell(html, message):
    """The listing's cell that holds the message's title (its first cell after the checkbox)."""
    at = html.index(f'id="patient_message_{message.pk}_title"')
    return html[html.rindex("<td", 0, at) : html.index("</td>", at)]


def test_the_urgent_flag_is_in_the_first_cell_of_the_row(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL))
    assert 'class="w-text-critical-200 clinic-message-urgent"' in title_cell(html, msgs.urgent)
    assert "Urgent symptoms" in title_cell(html, msgs.urgent)
    assert "Urgent symptoms" not in title_cell(html, msgs.pending)
