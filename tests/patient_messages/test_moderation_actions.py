"""The moderators' admin for patient messages: who is refused, Inspect and the single actions, reply and redact,
and what the audit log keeps.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import json

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pages.models import PatientMessage
from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory, role_user
from tests.patient_messages.moderation_support import (
    A_EMAIL,
    A_NAME,
    A_TEXT,
    B_TEXT,
    B_VALUES,
    DASHBOARD_URL,
    INDEX_URL,
    RESULTS_URL,
    SITE_HISTORY_RESULTS_URL,
    SITE_HISTORY_URL,
    assert_no_patient_data,
    assert_refused,
    bulk_url,
    html_of,
    id_label,
    label,
    log_entries,
    status_of,
    url,
)

# --- Who is refused ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editors", "medical reviewers"])
def test_clinic_staff_without_the_moderator_role_are_refused_everything(client, clinic_a, msgs, role):
    client.force_login(role_user(clinic_a, role))
    message = msgs.pending

    for target in (
        INDEX_URL,
        RESULTS_URL,
        url("inspect", message),
        url("edit", message),
        url("delete", message),
        url("history", message),
        url("history_results", message),
        url("usage", message),
        bulk_url("approve") + f"?id={message.pk}",
        bulk_url("approve") + "?id=all",
    ):
        assert_refused(client.get(target))
    assert_refused(client.post(url("edit", message), {"body": "changed", "reply": "changed"}))
    assert_refused(client.post(url("moderate", message, "approve")))
    assert_refused(client.post(bulk_url("approve") + f"?id={message.pk}"))
    assert_refused(client.post(bulk_url("approve") + "?id=all"))
    assert_refused(client.post(url("delete", message)))

    message.refresh_from_db()
    assert (message.status, message.body, message.reply) == (Status.PENDING, A_TEXT, "")
    assert not log_entries(message).exists()
    # Nor do they see the menu item.
    assert INDEX_URL not in html_of(client.get(DASHBOARD_URL))


CROSS_CLINIC_GETS = ["inspect", "edit", "delete", "history", "history_results", "usage"]


@pytest.mark.parametrize("view", CROSS_CLINIC_GETS)
def test_another_clinics_message_is_not_found(as_moderator_a, msgs, view):
    response = as_moderator_a.get(url(view, msgs.b))
    assert response.status_code == 404
    for value in B_VALUES:
        assert value not in html_of(response)


def test_posts_to_another_clinics_message_change_nothing(as_moderator_a, msgs):
    b = msgs.b
    assert as_moderator_a.post(url("edit", b), {"body": "hijacked", "reply": "hijacked"}).status_code == 404
    for action in ("approve", "reject", "spam", "restore"):
        assert as_moderator_a.post(url("moderate", b, action)).status_code == 404
    assert_refused(as_moderator_a.post(url("delete", b)))

    b.refresh_from_db()
    assert (b.status, b.body, b.reply, b.moderated_by) == (Status.PENDING, B_TEXT, "", None)
    assert not log_entries(b).exists()


def test_there_is_no_add_or_copy_view(as_superuser, msgs):
    for name in ("add", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"patient_messages:{name}", args=[] if name == "add" else [msgs.pending.pk])
    assert as_superuser.get(INDEX_URL + "new/").status_code == 404
    assert as_superuser.get(INDEX_URL + f"copy/{msgs.pending.pk}/").status_code == 404
    assert "Add patient message" not in html_of(as_superuser.get(INDEX_URL))


def test_moderators_cannot_delete_but_network_admins_can(client, moderator_a, superuser, msgs):
    client.force_login(moderator_a)
    # No delete button anywhere a moderator looks.
    for target in (INDEX_URL, url("inspect", msgs.spam), url("edit", msgs.spam)):
        assert url("delete", msgs.spam) not in html_of(client.get(target))
    assert_refused(client.get(url("delete", msgs.spam)))
    assert_refused(client.post(url("delete", msgs.spam)))
    assert PatientMessage.objects.filter(pk=msgs.spam.pk).exists()

    client.force_login(superuser)
    assert url("delete", msgs.spam) in html_of(client.get(url("inspect", msgs.spam)))
    response = client.post(url("delete", msgs.spam))
    assert response.status_code == 302
    assert not PatientMessage.objects.filter(pk=msgs.spam.pk).exists()
    entry = log_entries(msgs.spam).get()
    # A deleted message's last entry keeps the model's id-only name: nothing of the patient outlives the message.
    assert (entry.action, entry.user, entry.label) == ("wagtail.delete", superuser, id_label(msgs.spam))


# --- Inspect and single actions ------------------------------------------------------------------------------------


def test_inspect_shows_everything_a_moderator_needs(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(url("inspect", msgs.pending)))
    for value in (A_NAME, A_EMAIL, A_TEXT, "ASCPM", "Alpha facet joint injection", url("history", msgs.pending)):
        assert value in html
    # Buttons for the actions that would change something; "restore" only once it is no longer pending.
    for action in ("approve", "reject", "spam"):
        assert url("moderate", msgs.pending, action) in html
    assert url("moderate", msgs.pending, "restore") not in html
    assert "csrfmiddlewaretoken" in html


def test_inspect_escapes_the_patients_text(as_moderator_a, procedure_a):
    message = PatientMessageFactory(page=procedure_a, author_name="<b>Bold</b>", body="<script>alert(1)</script>")
    html = html_of(as_moderator_a.get(url("inspect", message)))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html


@pytest.mark.parametrize(
    "start, action, end",
    [
        ("pending", "approve", Status.APPROVED),
        ("pending", "reject", Status.REJECTED),
        ("pending", "spam", Status.SPAM),
        ("approved", "restore", Status.PENDING),
        ("spam", "approve", Status.APPROVED),
    ],
)
def test_each_action_changes_the_status_and_is_audited(as_moderator_a, moderator_a, msgs, start, action, end):
    message = getattr(msgs, start)
    previous = message.status
    before = timezone.now()

    response = as_moderator_a.post(url("moderate", message, action))

    assert response.status_code == 302
    # On to the clinic's next pending message: the urgent one first, else the oldest after this one's place.
    assert response["Location"] == url("inspect", msgs.urgent if start == "pending" else msgs.pending)
    message.refresh_from_db()
    assert message.status == end
    assert message.moderated_by == moderator_a
    assert message.moderated_at >= before
    entry = log_entries(message).get()
    assert entry.action == f"pages.message.{action}"
    assert entry.user == moderator_a
    assert entry.label == label(message)
    assert entry.data == {"from": previous, "to": end, "bulk": False}
    assert_no_patient_data(entry, message)
    # The message's History lists it, for its clinic's moderator.
    history = html_of(as_moderator_a.get(url("history", message)))
    assert f"(was {previous})" in history


def test_an_action_that_changes_nothing_is_not_logged(as_moderator_a, msgs):
    response = as_moderator_a.post(url("moderate", msgs.approved, "approve"), follow=True)
    assert "already approved" in html_of(response)
    assert not log_entries(msgs.approved).exists()


def test_erased_messages_cannot_be_moderated(as_moderator_a, msgs):
    PatientMessage.objects.filter(pk=msgs.rejected.pk).update(
        author_name="", author_email="", body="", erased_at=timezone.now(), redacted=True
    )
    as_moderator_a.post(url("moderate", msgs.rejected, "approve"))
    assert status_of(msgs.rejected) == Status.REJECTED
    assert url("moderate", msgs.rejected, "approve") not in html_of(as_moderator_a.get(url("inspect", msgs.rejected)))


def test_actions_are_post_only_with_csrf_and_a_known_action(client, moderator_a, msgs):
    client.force_login(moderator_a)
    assert client.get(url("moderate", msgs.pending, "approve")).status_code == 405
    # Another clinic's message is a 404 whatever the method, as on every other URL.
    assert client.get(url("moderate", msgs.b, "approve")).status_code == 404
    assert client.post(url("moderate", msgs.pending, "publish")).status_code == 404

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator_a)
    assert strict.post(url("moderate", msgs.pending, "approve")).status_code == 403
    assert status_of(msgs.pending) == Status.PENDING


def test_an_action_returns_to_a_safe_next_url_only(as_moderator_a, msgs):
    response = as_moderator_a.post(url("moderate", msgs.pending, "approve"), {"next": INDEX_URL + "?status=pending"})
    assert response["Location"] == INDEX_URL + "?status=pending"
    response = as_moderator_a.post(url("moderate", msgs.urgent, "approve"), {"next": "https://evil.example/"})
    # Not followed: the queue instead, which is now empty.
    assert response["Location"] == INDEX_URL + "?status=pending"


# --- Reply and redact ----------------------------------------------------------------------------------------------


def test_reply_and_redact_a_pending_message(as_moderator_a, moderator_a, msgs):
    message = msgs.pending
    redacted = "The injection helped my back a lot."
    reply = "Thank you, we are glad it helped."

    response = as_moderator_a.post(url("edit", message), {"body": redacted, "reply": reply})

    assert response.status_code == 302
    assert response["Location"] == url("inspect", msgs.urgent)  # the clinic's next pending message
    message.refresh_from_db()
    assert (message.body, message.redacted, message.reply) == (redacted, True, reply)
    assert message.replied_by == moderator_a and message.replied_at is not None
    assert message.status == Status.PENDING
    entries = {entry.action: entry for entry in log_entries(message)}
    assert set(entries) == {"pages.message.redact", "pages.message.reply"}
    for entry in entries.values():
        assert entry.user == moderator_a
        assert entry.label == label(message)
        assert redacted not in json.dumps(entry.data) and reply not in json.dumps(entry.data)
        assert_no_patient_data(entry, message)


def test_an_unchanged_text_is_not_a_redaction_even_with_browser_line_breaks(as_moderator_a, procedure_a):
    message = PatientMessageFactory(page=procedure_a, body="First line.\nSecond line.  ")
    as_moderator_a.post(url("edit", message), {"body": "First line.\r\nSecond line.  ", "reply": ""})
    message.refresh_from_db()
    assert (message.body, message.redacted) == ("First line.\nSecond line.  ", False)
    assert not log_entries(message).exists()


def test_an_approved_messages_text_cannot_be_edited_but_its_reply_can(as_moderator_a, msgs):
    message = msgs.approved
    original = message.body
    form_html = html_of(as_moderator_a.get(url("edit", message)))
    assert "Only pending messages can be redacted" in form_html
    assert "disabled" in form_html[form_html.index('name="body"') - 300 : form_html.index('name="body"') + 300]

    # A browser sends no disabled field: the reply is saved, the text stays as approved.
    as_moderator_a.post(url("edit", message), {"reply": "Thank you!"})

    message.refresh_from_db()
    assert (message.body, message.redacted, message.reply) == (original, False, "Thank you!")
    assert [entry.action for entry in log_entries(message)] == ["pages.message.reply"]


def test_a_redaction_of_a_message_approved_meanwhile_is_refused_not_lost(as_moderator_a, msgs):
    """The form was opened while the message was pending; someone approved it before this POST arrived."""
    message = msgs.pending
    PatientMessage.objects.filter(pk=message.pk).update(status=Status.APPROVED)

    response = as_moderator_a.post(url("edit", message), {"body": "Redacted text", "reply": "Thanks"})

    assert response.status_code == 200
    assert "no longer pending" in html_of(response)
    message.refresh_from_db()
    assert (message.body, message.reply, message.redacted) == (A_TEXT, "", False)
    assert not log_entries(message).exists()


def test_removing_a_reply_is_recorded(as_moderator_a, moderator_a, msgs):
    message = msgs.approved
    PatientMessage.objects.filter(pk=message.pk).update(reply="Old reply", replied_at=timezone.now())
    as_moderator_a.post(url("edit", message), {"body": message.body, "reply": ""})
    message.refresh_from_db()
    assert (message.reply, message.replied_at, message.replied_by) == ("", None, None)
    assert log_entries(message).get().data == {"removed": True}


def test_reply_length_is_limited(as_moderator_a, msgs):
    response = as_moderator_a.post(url("edit", msgs.approved), {"body": msgs.approved.body, "reply": "x" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in html_of(response)
    msgs.approved.refresh_from_db()
    assert msgs.approved.reply == ""


# --- Audit log: History and Site history ---------------------------------------------------------------------------


def test_history_lists_the_messages_entries(as_moderator_a, msgs):
    as_moderator_a.post(url("moderate", msgs.pending, "approve"))
    as_moderator_a.post(url("moderate", msgs.pending, "restore"))
    html = html_of(as_moderator_a.get(url("history", msgs.pending)))
    assert "Approved (was pending)" in html
    assert "Restored to pending (was approved)" in html
    assert html_of(as_moderator_a.get(url("history_results", msgs.pending))).count("(was ") == 2


def test_site_history_never_shows_another_clinics_message_entries_to_a_moderator(client, clinics, msgs, superuser):
    clinic_a, clinic_b = clinics
    # follow=True shows (and so clears) each action's flash message, which names the message it acted on.
    client.force_login(superuser)
    client.post(url("moderate", msgs.b, "approve"), follow=True)
    client.force_login(role_user(clinic_b, "moderators"))
    client.post(url("moderate", msgs.b_others[0], "reject"), follow=True)
    moderator_a = role_user(clinic_a, "moderators")
    client.force_login(moderator_a)
    client.post(url("moderate", msgs.pending, "approve"), follow=True)

    for target in (SITE_HISTORY_URL, SITE_HISTORY_RESULTS_URL, SITE_HISTORY_URL + "?export=csv"):
        response = client.get(target)
        assert response.status_code == 200
        body = html_of(response)
        assert label(msgs.b) not in body
        assert label(msgs.b_others[0]) not in body
        assert "spinaldiagnostics-moderators" not in body

    # Network admins see every clinic's entries there.
    client.force_login(superuser)
    body = html_of(client.get(SITE_HISTORY_URL))
    assert label(msgs.b) in body and label(msgs.pending) in body
