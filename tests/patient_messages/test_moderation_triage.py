"""The moderators' triage: messages named by who, where and when; urgent ones first and visible on a phone; the queue
after each action, reply-and-approve and the keyboard shortcuts.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.data_care.requests import erase_patient_data
from pages.patient_messages import rules
from tests.factories import PatientMessageFactory, UserFactory, role_user
from tests.patient_messages.moderation_support import (
    A_EMAIL,
    A_TEXT,
    DASHBOARD_URL,
    INDEX_URL,
    PANEL_ID,
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


# --- The queue, reply and approve, shortcuts -----------------------------------------------------------------------


def test_after_each_action_the_moderator_goes_to_the_clinics_next_pending_message(client, clinic_a, clinic_b, msgs):
    # A moderator of both clinics: clinic B's pending messages (one of them urgent) are never next for clinic A's.
    client.force_login(UserFactory(groups=[clinic_a.groups["moderators"], clinic_b.groups["moderators"]]))
    older = PatientMessageFactory(
        page=msgs.pending.page, author_name="Olga Older", submitted_at=timezone.now() - datetime.timedelta(days=1)
    )

    # The urgent message first, then the oldest: older (1 day), then pending (1 hour).
    response = client.post(url("moderate", msgs.urgent, "approve"))
    assert response["Location"] == url("inspect", older)
    response = client.post(url("moderate", older, "reject"))
    assert response["Location"] == url("inspect", msgs.pending)
    response = client.post(url("moderate", msgs.pending, "spam"), follow=True)
    assert response.redirect_chain[-1][0] == INDEX_URL + "?status=pending"
    assert "No more pending messages at this clinic." in html_of(response)


def test_next_visits_every_pending_message_of_the_clinic_once(as_moderator_a, msgs, procedure_a):
    older = PatientMessageFactory(
        page=procedure_a, author_name="Olga Older", submitted_at=timezone.now() - datetime.timedelta(days=1)
    )
    seen, current = [], msgs.pending
    for _ in range(4):
        html = html_of(as_moderator_a.get(url("inspect", current)))
        link = html[html.index("Next pending message") - 300 : html.index("Next pending message")]
        next_pk = int(link.split("/inspect/")[-1].split("/")[0])
        seen.append(next_pk)
        current = PatientMessageFactory._meta.model.objects.get(pk=next_pk)
    # From pending (last in the queue) round to the start: urgent, older, pending, urgent again.
    assert seen == [msgs.urgent.pk, older.pk, msgs.pending.pk, msgs.urgent.pk]
    assert msgs.b.pk not in seen


def test_reply_and_approve_in_one_step(as_moderator_a, moderator_a, msgs):
    message = msgs.pending
    edit = html_of(as_moderator_a.get(url("edit", message)))
    assert 'name="approve"' in edit and "Save and approve" in edit

    response = as_moderator_a.post(
        url("edit", message), {"body": message.body, "reply": "Thank you, we are glad.", "approve": "1"}, follow=True
    )

    message.refresh_from_db()
    assert (message.status, message.reply, message.moderated_by) == ("approved", "Thank you, we are glad.", moderator_a)
    assert [entry.action for entry in log_entries(message)] == ["pages.message.reply", "pages.message.approve"]
    assert response.redirect_chain[-1][0] == url("inspect", msgs.urgent)
    assert f"{label(message)}: saved and approved." in html_of(response)
    # An approved message has nothing left to approve.
    assert "Save and approve" not in html_of(as_moderator_a.get(url("edit", message)))


def test_reply_and_approve_refuses_another_clinics_message(as_moderator_a, msgs):
    response = as_moderator_a.post(url("edit", msgs.b), {"body": msgs.b.body, "reply": "Hello", "approve": "1"})
    assert response.status_code == 404
    msgs.b.refresh_from_db()
    assert (msgs.b.status, msgs.b.reply) == ("pending", "")


def test_inspect_lists_and_binds_the_keyboard_shortcuts(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(url("inspect", msgs.pending)))
    shortcuts = html[
        html.index("data-patient-message-shortcuts") : html.index("</ul>", html.index("data-patient-message-shortcuts"))
    ]
    for key, action in (("A", "Approve"), ("R", "Reject"), ("S", "Mark as spam"), ("N", "Next pending message")):
        assert f"<kbd>{key}</kbd> {action}" in shortcuts
    # Wagtail's keyboard controller (w-kbd) clicks the control; it ignores keys typed into text fields.
    for key, action in (("a", "approve"), ("r", "reject"), ("s", "spam")):
        button = html[html.index(url("moderate", msgs.pending, action)) :]
        button = button[: button.index("</button>")]
        assert f'data-controller="w-kbd" data-w-kbd-key-value="{key}"' in button
    next_link = html[html.index(f'href="{url("inspect", msgs.urgent)}" class="button') :]
    assert 'data-controller="w-kbd" data-w-kbd-key-value="n"' in next_link[: next_link.index(">")]
    # The "next" input is gone: an action leads on to the queue, not back to the same message.
    assert 'name="next"' not in html


# --- The moderators' dashboard -------------------------------------------------------------------------------------


def test_a_moderators_dashboard_names_their_clinic_and_offers_no_page_search(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(DASHBOARD_URL))
    heading = html[html.index('<h1 class="w-h1') :]
    assert heading[heading.index(">") + 1 : heading.index("</h1>")].strip() == "ASCPM"
    assert "Search all pages" not in html and 'role="search"' not in html
    assert PANEL_ID in html


def test_an_editors_dashboard_keeps_the_page_search(client, clinic_a):
    client.force_login(role_user(clinic_a, "editors"))
    html = html_of(client.get(DASHBOARD_URL))
    assert "Search all pages" in html
    assert "ASCPM" in html[html.index('<h1 class="w-h1') : html.index("</h1>")]


# --- Fixed query counts --------------------------------------------------------------------------------------------


def queries_for(client, target):
    client.get(target)  # warm the per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries)


def test_inspect_and_the_dashboard_run_no_more_queries_for_30_pending_messages_than_for_3(as_moderator_a, msgs):
    page = msgs.pending.page
    before = {target: queries_for(as_moderator_a, target) for target in (url("inspect", msgs.pending), DASHBOARD_URL)}
    for n in range(27):
        PatientMessageFactory(
            page=page, flags=",urgent," if n % 2 else "", submitted_at=timezone.now() - datetime.timedelta(hours=n)
        )
    after = {target: queries_for(as_moderator_a, target) for target in before}
    # The "next pending" look-up takes one query, or two when it wraps round to the start of the queue (as before).
    for target, count in after.items():
        assert count <= before[target], target
