"""The moderators' admin for patient messages: what each clinic's staff see and may do, and what the audit log keeps.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import datetime
import json
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from pages import moderation
from pages.models import PatientMessage
from pages.views.messages_listing import PatientMessagesPanel, excerpt
from pages.views.messages_moderation import PatientMessagePermissionPolicy
from tests.factories import ClinicFactory, PatientMessageFactory, ProcedurePageFactory, UserFactory, role_user

INDEX_URL = reverse("patient_messages:index")
RESULTS_URL = reverse("patient_messages:index_results")
DASHBOARD_URL = reverse("wagtailadmin_home")
SITE_HISTORY_URL = reverse("wagtailadmin_reports:site_history")
SITE_HISTORY_RESULTS_URL = reverse("wagtailadmin_reports:site_history_results")
PANEL_ID = 'id="patient-messages-section"'

B_NAME = "Zebulon Bravo-only"
B_EMAIL = "zebulon@bravo-only.example"
B_TEXT = "Bravo-only secret: my knee still hurts"
B_PAGE_TITLE = "Bravo-only sacroiliac joint injection"
B_CLINIC = "Spinal Diagnostics"
B_VALUES = (B_NAME, B_EMAIL, B_TEXT, B_PAGE_TITLE, B_CLINIC)

A_NAME = "Alice Alpha"
A_EMAIL = "alice.alpha@example.org"
A_TEXT = "The injection helped my back a lot, thank you to the whole team."


def url(name, message, *extra):
    return reverse(f"patient_messages:{name}", args=[message.pk, *extra])


def bulk_url(action):
    return reverse("wagtail_bulk_action", args=["pages", "patientmessage", action])


def label(message):
    return f"Message #{message.pk} on page #{message.page_id}"


def html_of(response):
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def assert_refused(response):
    """403/404, or Wagtail's redirect to the dashboard after a PermissionDenied; never any of B's data."""
    assert response.status_code in {302, 403, 404}, response.status_code
    if response.status_code == 302:
        assert response["Location"].split("?")[0] in {DASHBOARD_URL, reverse("wagtailadmin_login")}
    body = html_of(response)
    for value in B_VALUES + (A_NAME, A_EMAIL, A_TEXT):
        assert value not in body


def log_entries(message):
    content_type = ContentType.objects.get_for_model(PatientMessage)
    entries = ModelLogEntry.objects.filter(content_type=content_type, object_id=str(message.pk))
    return entries.order_by("timestamp", "pk")


def assert_no_patient_data(entry, *messages):
    """An audit entry holds ids and statuses: never a name, an email or any of the text."""
    stored = entry.label + json.dumps(entry.data)
    for message in messages:
        for value in (message.author_name, message.author_email, message.body):
            assert value not in stored
    for value in (A_NAME, A_EMAIL, A_TEXT, B_NAME, B_EMAIL, B_TEXT):
        assert value not in stored


def status_of(message):
    return PatientMessage.objects.values_list("status", flat=True).get(pk=message.pk)


# --- Fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture
def page_a(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha facet joint injection")


@pytest.fixture
def page_a2(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha epidural steroid injection")


@pytest.fixture
def page_b(clinic_b):
    return ProcedurePageFactory(parent=clinic_b.home_page, title=B_PAGE_TITLE)


@pytest.fixture
def msgs(page_a, page_a2, page_b):
    """Clinic A: pending, urgent (pending), approved, rejected, spam. Clinic B: three pending, one of them `b`."""
    now = timezone.now()

    def at(days=0, hours=0):
        return now - datetime.timedelta(days=days, hours=hours)

    return SimpleNamespace(
        pending=PatientMessageFactory(
            page=page_a, author_name=A_NAME, author_email=A_EMAIL, body=A_TEXT, submitted_at=at(hours=1)
        ),
        urgent=PatientMessageFactory(
            page=page_a2,
            author_name="Uma Urgent",
            body="I have had a fever since the injection yesterday.",
            flags=",health_info,urgent,",
            submitted_at=at(hours=2),
        ),
        approved=PatientMessageFactory(
            page=page_a, author_name="Arthur Approved", status=moderation.APPROVED, submitted_at=at(days=3)
        ),
        rejected=PatientMessageFactory(
            page=page_a, author_name="Rita Rejected", status=moderation.REJECTED, submitted_at=at(days=10)
        ),
        spam=PatientMessageFactory(
            page=page_a2,
            author_name="Sam Spam",
            body="Cheap pills at http://a.example and http://b.example",
            status=moderation.SPAM,
            flags=",links,",
            submitted_at=at(days=20),
        ),
        b=PatientMessageFactory(
            page=page_b,
            author_name=B_NAME,
            author_email=B_EMAIL,
            body=B_TEXT,
            flags=",health_info,urgent,",
            submitted_at=at(hours=3),
        ),
        b_others=[PatientMessageFactory(page=page_b, submitted_at=at(days=n)) for n in (1, 2)],
    )


@pytest.fixture
def moderator_a(clinic_a):
    return role_user(clinic_a, "moderators")


@pytest.fixture
def as_moderator_a(client, moderator_a):
    client.force_login(moderator_a)
    return client


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


# --- The policy ----------------------------------------------------------------------------------------------------


def test_the_registered_policy_is_per_clinic_with_no_add_and_superuser_only_delete(msgs, moderator_a, superuser):
    policy = policy_registry.get_by_type(PatientMessage)
    assert isinstance(policy, PatientMessagePermissionPolicy)
    assert policy.user_has_permission_for_instance(moderator_a, "change", msgs.pending)
    assert not policy.user_has_permission_for_instance(moderator_a, "change", msgs.b)
    assert not policy.user_has_permission(moderator_a, "delete")
    assert not policy.user_has_permission(moderator_a, "add")
    assert not policy.user_has_permission(superuser, "add")
    assert policy.user_has_permission_for_instance(superuser, "delete", msgs.b)
    assert set(policy.instances_user_has_permission_for(moderator_a, "change")) == {
        msgs.pending,
        msgs.urgent,
        msgs.approved,
        msgs.rejected,
        msgs.spam,
    }


def test_groups_admin_offers_no_global_message_permission(db):
    """A permission ticked in Groups → Object permissions would be global: every clinic's messages."""
    from wagtail import hooks

    registered = set()
    for register in hooks.get_hooks("register_permissions"):
        registered |= set(register().values_list("content_type__model", flat=True))
    assert "patientmessage" not in registered


def test_moderators_see_the_menu_item_and_nobody_sees_an_add_button(as_moderator_a, msgs):
    dashboard = html_of(as_moderator_a.get(DASHBOARD_URL))
    assert INDEX_URL in dashboard
    assert "Add patient message" not in html_of(as_moderator_a.get(INDEX_URL))


def test_message_labels_carry_no_patient_data(msgs):
    for message in (msgs.pending, msgs.b):
        assert str(message) == label(message)
        assert message.author_name not in str(message)


# --- Listing -------------------------------------------------------------------------------------------------------


def test_moderator_lists_own_clinics_messages_newest_first_without_emails(as_moderator_a, msgs):
    response = as_moderator_a.get(INDEX_URL)

    assert response.status_code == 200
    html = html_of(response)
    names = [A_NAME, "Uma Urgent", "Arthur Approved", "Rita Rejected", "Sam Spam"]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Alpha facet joint injection" in html
    assert "ASCPM" in html
    # The excerpt links to Inspect, where the email is; the listing shows no email at all.
    assert url("inspect", msgs.pending) in html
    assert A_EMAIL not in html
    assert "@" not in "".join(line for line in html.splitlines() if "patient_message_" in line)


def test_moderator_never_sees_another_clinics_messages_pages_or_clinic(as_moderator_a, msgs):
    for target in (INDEX_URL, RESULTS_URL, INDEX_URL + "?q=Bravo", INDEX_URL + "?status=pending&flag=urgent"):
        html = html_of(as_moderator_a.get(target))
        for value in B_VALUES:
            assert value not in html, (target, value)
        assert label(msgs.b) not in html


def test_urgent_flags_stand_out_in_the_listing(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL))
    row = html[html.index(f'id="patient_message_{msgs.urgent.pk}_title"') :]
    row = row[: row.index("</tr>")]
    assert 'class="w-text-critical-200"' in row
    assert "Urgent symptoms" in row
    assert "Personal health information" in row


def test_long_messages_are_cut_in_the_listing_and_whole_on_inspect(as_moderator_a, page_a):
    long_text = "My back was much better after the injection. " * 10 + "The very last sentence."
    message = PatientMessageFactory(page=page_a, body=long_text)

    assert "The very last sentence." not in html_of(as_moderator_a.get(INDEX_URL))
    assert excerpt(message).endswith("…")
    assert "The very last sentence." in html_of(as_moderator_a.get(url("inspect", message)))


def test_listing_is_paginated(as_moderator_a, page_a):
    PatientMessageFactory.create_batch(51, page=page_a)
    html = html_of(as_moderator_a.get(INDEX_URL))
    assert "Page 1 of 2" in html
    assert "Page 2 of 2" in html_of(as_moderator_a.get(INDEX_URL, {"p": 2}))


def test_status_counts_cover_the_users_clinics_and_link_to_the_filter(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL))
    for status, count in (("pending", 2), ("approved", 1), ("rejected", 1), ("spam", 1)):
        assert f'href="{INDEX_URL}?status={status}"' in html
        assert f">{status.capitalize()} {count}</a>" in html


def test_superuser_sees_both_clinics_and_their_counts(as_superuser, msgs):
    html = html_of(as_superuser.get(INDEX_URL))
    assert A_NAME in html
    assert B_NAME in html
    assert ">Pending 5</a>" in html
    assert B_CLINIC in html


def test_a_moderator_of_two_clinics_sees_the_union_and_may_filter_by_clinic(client, clinics, msgs, moderator_a):
    clinic_a, clinic_b = clinics
    moderator_a.groups.add(clinic_b.groups["moderators"])
    client.force_login(moderator_a)

    html = html_of(client.get(INDEX_URL))
    assert A_NAME in html and B_NAME in html
    html = html_of(client.get(INDEX_URL, {"clinic": clinic_b.site.pk}))
    assert B_NAME in html and A_NAME not in html
    # The counts follow the chosen clinic; pages are told apart by their clinic.
    assert ">Pending 3</a>" in html
    assert f"{B_PAGE_TITLE} ({B_CLINIC})" in html
    assert "Alpha facet joint injection (ASCPM)" in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "approved"}, ["approved"]),
        ({"status": "spam"}, ["spam"]),
        ({"flag": "urgent"}, ["urgent"]),
        ({"flag": "links"}, ["spam"]),
        ({"status": "pending", "flag": "health_info"}, ["urgent"]),
        ({"q": "alice"}, ["pending"]),
        ({"q": "FEVER"}, ["urgent"]),
        ({"q": "nobody wrote this"}, []),
    ],
)
def test_filters_and_search(as_moderator_a, msgs, params, expected):
    html = html_of(as_moderator_a.get(INDEX_URL, params))
    for key in ("pending", "urgent", "approved", "rejected", "spam"):
        message = getattr(msgs, key)
        assert (f'id="patient_message_{message.pk}_title"' in html) == (key in expected), key
    assert B_NAME not in html


def test_page_filter_offers_only_own_clinics_pages(as_moderator_a, msgs, page_a2, page_b):
    html = html_of(as_moderator_a.get(INDEX_URL, {"page": page_a2.pk}))
    assert "Uma Urgent" in html and "Sam Spam" in html
    assert A_NAME not in html.split("listing-results")[1]
    assert f'<option value="{page_a2.pk}"' in html
    assert f'<option value="{page_b.pk}"' not in html

    # Another clinic's page is not a valid choice: nothing of it is shown, whatever the filter then does.
    html = html_of(as_moderator_a.get(INDEX_URL, {"page": page_b.pk}))
    for value in B_VALUES:
        assert value not in html


def test_clinic_filter_only_offers_the_users_clinics(as_moderator_a, clinics, msgs):
    clinic_a, clinic_b = clinics
    # A single-clinic moderator gets no clinic filter, and another clinic's id in the URL is ignored.
    html = html_of(as_moderator_a.get(INDEX_URL, {"clinic": clinic_b.site.pk}))
    assert 'name="clinic"' not in html
    assert B_NAME not in html and A_NAME in html


def test_superuser_clinic_filter(client, superuser, clinics, msgs):
    clinic_a, clinic_b = clinics
    client.force_login(superuser)
    html = html_of(client.get(INDEX_URL, {"clinic": clinic_b.site.pk}))
    assert f'<option value="{clinic_a.site.pk}"' in html
    assert B_NAME in html and A_NAME not in html


def test_date_range_filter(as_moderator_a, msgs):
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    html = html_of(as_moderator_a.get(INDEX_URL, {"submitted_at_from": since}))
    assert A_NAME in html and "Arthur Approved" in html
    assert "Rita Rejected" not in html and "Sam Spam" not in html

    until = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    html = html_of(as_moderator_a.get(INDEX_URL, {"submitted_at_to": until}))
    assert "Rita Rejected" in html and "Sam Spam" in html
    assert A_NAME not in html


def test_no_spreadsheet_export_of_messages(as_moderator_a, msgs):
    for export_format in ("csv", "xlsx"):
        response = as_moderator_a.get(INDEX_URL, {"export": export_format})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")


def test_messages_are_not_in_the_search_index():
    from wagtail.search.index import class_is_indexed

    assert not class_is_indexed(PatientMessage)


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
    assert (message.status, message.body, message.reply) == (moderation.PENDING, A_TEXT, "")
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
    assert (b.status, b.body, b.reply, b.moderated_by) == (moderation.PENDING, B_TEXT, "", None)
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
    assert (entry.action, entry.user, entry.label) == ("wagtail.delete", superuser, label(msgs.spam))


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


def test_inspect_escapes_the_patients_text(as_moderator_a, page_a):
    message = PatientMessageFactory(page=page_a, author_name="<b>Bold</b>", body="<script>alert(1)</script>")
    html = html_of(as_moderator_a.get(url("inspect", message)))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html


@pytest.mark.parametrize(
    "start, action, end",
    [
        ("pending", "approve", moderation.APPROVED),
        ("pending", "reject", moderation.REJECTED),
        ("pending", "spam", moderation.SPAM),
        ("approved", "restore", moderation.PENDING),
        ("spam", "approve", moderation.APPROVED),
    ],
)
def test_each_action_changes_the_status_and_is_audited(as_moderator_a, moderator_a, msgs, start, action, end):
    message = getattr(msgs, start)
    previous = message.status
    before = timezone.now()

    response = as_moderator_a.post(url("moderate", message, action))

    assert response.status_code == 302
    assert response["Location"] == url("inspect", message)
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
    assert status_of(msgs.rejected) == moderation.REJECTED
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
    assert status_of(msgs.pending) == moderation.PENDING


def test_an_action_returns_to_a_safe_next_url_only(as_moderator_a, msgs):
    response = as_moderator_a.post(url("moderate", msgs.pending, "approve"), {"next": INDEX_URL + "?status=pending"})
    assert response["Location"] == INDEX_URL + "?status=pending"
    response = as_moderator_a.post(url("moderate", msgs.urgent, "approve"), {"next": "https://evil.example/"})
    assert response["Location"] == url("inspect", msgs.urgent)


# --- Reply and redact ----------------------------------------------------------------------------------------------


def test_reply_and_redact_a_pending_message(as_moderator_a, moderator_a, msgs):
    message = msgs.pending
    redacted = "The injection helped my back a lot."
    reply = "Thank you, we are glad it helped."

    response = as_moderator_a.post(url("edit", message), {"body": redacted, "reply": reply})

    assert response.status_code == 302
    assert response["Location"] == url("inspect", message)
    message.refresh_from_db()
    assert (message.body, message.redacted, message.reply) == (redacted, True, reply)
    assert message.replied_by == moderator_a and message.replied_at is not None
    assert message.status == moderation.PENDING
    entries = {entry.action: entry for entry in log_entries(message)}
    assert set(entries) == {"pages.message.redact", "pages.message.reply"}
    for entry in entries.values():
        assert entry.user == moderator_a
        assert entry.label == label(message)
        assert redacted not in json.dumps(entry.data) and reply not in json.dumps(entry.data)
        assert_no_patient_data(entry, message)


def test_an_unchanged_text_is_not_a_redaction_even_with_browser_line_breaks(as_moderator_a, page_a):
    message = PatientMessageFactory(page=page_a, body="First line.\nSecond line.  ")
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
    PatientMessage.objects.filter(pk=message.pk).update(status=moderation.APPROVED)

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


# --- Bulk actions --------------------------------------------------------------------------------------------------


def test_bulk_approve_with_both_clinics_ids_acts_on_own_clinic_only(as_moderator_a, moderator_a, msgs):
    ids = f"?id={msgs.pending.pk}&id={msgs.urgent.pk}&id={msgs.b.pk}&id={msgs.b_others[0].pk}"

    confirmation = html_of(as_moderator_a.get(bulk_url("approve") + ids))

    assert label(msgs.pending) in confirmation and label(msgs.urgent) in confirmation
    assert label(msgs.b) not in confirmation and label(msgs.b_others[0]) not in confirmation
    for value in B_VALUES:
        assert value not in confirmation
    assert "2 messages" in confirmation

    response = as_moderator_a.post(bulk_url("approve") + ids)

    assert response.status_code == 302
    assert status_of(msgs.pending) == status_of(msgs.urgent) == moderation.APPROVED
    assert status_of(msgs.b) == status_of(msgs.b_others[0]) == moderation.PENDING
    assert not log_entries(msgs.b).exists()
    for message in (msgs.pending, msgs.urgent):
        entry = log_entries(message).get()
        assert (entry.action, entry.user, entry.label) == ("pages.message.approve", moderator_a, label(message))
        assert entry.data == {"from": "pending", "to": "approved", "bulk": True}
        assert_no_patient_data(entry, message)
        # Each message's own History shows its entry (entries of one bulk action must not hide each other).
        assert "as a bulk action" in html_of(as_moderator_a.get(url("history", message)))


def test_bulk_select_all_reaches_only_own_clinic_and_follows_the_listing_filters(as_moderator_a, msgs):
    query = "?id=all&status=pending"

    confirmation = html_of(as_moderator_a.get(bulk_url("spam") + query))

    assert label(msgs.pending) in confirmation and label(msgs.urgent) in confirmation
    assert label(msgs.approved) not in confirmation
    for message in [msgs.b, *msgs.b_others]:
        assert label(message) not in confirmation
    for value in B_VALUES:
        assert value not in confirmation

    as_moderator_a.post(bulk_url("spam") + query)

    assert status_of(msgs.pending) == status_of(msgs.urgent) == moderation.SPAM
    assert status_of(msgs.approved) == moderation.APPROVED
    assert status_of(msgs.rejected) == moderation.REJECTED
    assert {status_of(message) for message in [msgs.b, *msgs.b_others]} == {moderation.PENDING}


def test_bulk_select_all_without_filters_leaves_other_clinics_alone(as_moderator_a, msgs):
    as_moderator_a.post(bulk_url("reject") + "?id=all")
    assert {status_of(getattr(msgs, key)) for key in ("pending", "urgent", "approved", "spam")} == {"rejected"}
    assert {status_of(message) for message in [msgs.b, *msgs.b_others]} == {moderation.PENDING}
    assert not any(log_entries(message).exists() for message in [msgs.b, *msgs.b_others])


def test_bulk_select_all_follows_search(as_moderator_a, msgs):
    as_moderator_a.post(bulk_url("approve") + "?id=all&q=fever")
    assert status_of(msgs.urgent) == moderation.APPROVED
    assert status_of(msgs.pending) == moderation.PENDING


def test_bulk_with_only_another_clinics_ids_is_not_found_and_does_nothing(as_moderator_a, msgs):
    response = as_moderator_a.get(bulk_url("approve") + f"?id={msgs.b.pk}")
    assert response.status_code == 404
    assert label(msgs.b) not in html_of(response)
    assert as_moderator_a.post(bulk_url("approve") + f"?id={msgs.b.pk}&id=not-a-number").status_code == 404
    assert status_of(msgs.b) == moderation.PENDING


def test_bulk_with_nothing_left_to_change_says_so(as_moderator_a, msgs):
    confirmation = html_of(as_moderator_a.get(bulk_url("approve") + f"?id={msgs.approved.pk}"))
    assert "None of the selected messages can be approved" in confirmation
    assert "Yes, approve" not in confirmation


def test_bulk_restore_skips_messages_already_pending(as_moderator_a, moderator_a, msgs):
    ids = f"?id={msgs.pending.pk}&id={msgs.approved.pk}&id={msgs.spam.pk}"
    confirmation = html_of(as_moderator_a.get(bulk_url("restore") + ids))
    assert "1 selected message is left as it is" in confirmation
    as_moderator_a.post(bulk_url("restore") + ids)
    assert status_of(msgs.approved) == status_of(msgs.spam) == moderation.PENDING
    assert not log_entries(msgs.pending).exists()
    assert log_entries(msgs.spam).get().user == moderator_a


def test_superuser_bulk_acts_across_clinics(as_superuser, msgs):
    as_superuser.post(bulk_url("approve") + f"?id={msgs.pending.pk}&id={msgs.b.pk}")
    assert status_of(msgs.pending) == status_of(msgs.b) == moderation.APPROVED


def test_listing_has_the_bulk_action_footer(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL))
    assert "data-bulk-action-footer" in html
    assert "bulk-actions.js" in html
    for action in ("approve", "reject", "spam", "restore"):
        assert bulk_url(action) in html
    assert f'data-object-id="{msgs.pending.pk}"' in html
    assert f'data-object-id="{msgs.b.pk}"' not in html


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


# --- Dashboard -----------------------------------------------------------------------------------------------------


def test_dashboard_panel_counts_pending_and_urgent_per_moderated_clinic(as_moderator_a, clinic_a, msgs):
    html = html_of(as_moderator_a.get(DASHBOARD_URL))
    assert PANEL_ID in html
    panel = html[html.index(PANEL_ID) :]
    panel = panel[: panel.index("</section>")]
    base = f"{INDEX_URL}?clinic={clinic_a.site.pk}&amp;status=pending"
    assert f'href="{base}">2 pending</a>' in panel
    assert f'href="{base}&amp;flag=urgent"' in panel
    assert "1 urgent" in panel
    assert "ASCPM" in panel
    assert B_CLINIC not in panel


def test_dashboard_panel_links_lead_to_the_filtered_listing(as_moderator_a, clinic_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL, {"clinic": clinic_a.site.pk, "status": "pending", "flag": "urgent"}))
    assert "Uma Urgent" in html and A_NAME not in html


def test_dashboard_panel_for_superusers_lists_every_clinic(as_superuser, msgs):
    html = html_of(as_superuser.get(DASHBOARD_URL))
    panel = html[html.index(PANEL_ID) :]
    assert "ASCPM" in panel and B_CLINIC in panel
    assert "3 pending" in panel


@pytest.mark.parametrize("role", ["editors", "medical reviewers"])
def test_dashboard_panel_is_hidden_for_users_who_moderate_nothing(client, clinic_a, msgs, role):
    client.force_login(role_user(clinic_a, role))
    assert PANEL_ID not in html_of(client.get(DASHBOARD_URL))


# --- Query counts --------------------------------------------------------------------------------------------------


def many_clinics(count):
    """`count` clinics, each with a page and a few messages, clinic 0's messages named "Clinic 00 patient"."""
    result = []
    for n in range(count):
        clinic = ClinicFactory(name=f"Clinic {n:02d}", hostname=f"clinic-{n:02d}.test")
        page = ProcedurePageFactory(parent=clinic.home_page, title=f"Clinic {n:02d} injection")
        # Clinic 00's patient writes last, so that their message is on the listing's first page.
        PatientMessageFactory(
            page=page,
            author_name=f"Clinic {n:02d} patient",
            flags=",urgent,",
            submitted_at=timezone.now() - datetime.timedelta(minutes=n),
        )
        PatientMessageFactory(page=page, status=moderation.APPROVED)
        PatientMessageFactory(page=page, status=moderation.SPAM, flags=",links,")
        result.append(clinic)
    return result


# Wagtail's admin chrome (session, user, permissions, menu) plus ours: the site scope, the page choices, the count
# per status, the page count and the rows. What matters is that it holds for 2 and for 20 clinics.
LISTING_QUERY_BOUND = 22
PANEL_QUERY_BOUND = 3  # the user's permissions (none for superusers), then one aggregate query


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_listing_query_count_does_not_grow_with_clinics(client, db, django_assert_max_num_queries, clinic_count):
    clinics = many_clinics(clinic_count)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    for user in (admin, role_user(clinics[0], "moderators")):
        client.force_login(user)
        for params in ({}, {"status": "pending", "flag": "urgent", "q": "patient"}):
            with django_assert_max_num_queries(LISTING_QUERY_BOUND):
                html = html_of(client.get(INDEX_URL, params))
            assert "Clinic 00 patient" in html


def test_listing_runs_the_same_queries_for_2_and_20_clinics(client, db):
    def count_queries(user):
        client.force_login(user)
        client.get(INDEX_URL)  # warm the per-process caches (content types, site root paths)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INDEX_URL).status_code == 200
        return len(queries)

    clinics = many_clinics(2)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    moderator = role_user(clinics[0], "moderators")
    before = (count_queries(admin), count_queries(moderator))
    many_clinics_more = [ClinicFactory(name=f"Extra {n:02d}", hostname=f"extra-{n:02d}.test") for n in range(18)]
    for clinic in many_clinics_more:
        page = ProcedurePageFactory(parent=clinic.home_page, title="Extra injection")
        PatientMessageFactory.create_batch(3, page=page)
    # The moderator now moderates two clinics: their listing grows, their query count must not.
    moderator.groups.add(many_clinics_more[0].groups["moderators"])
    assert (count_queries(admin), count_queries(moderator)) == before


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_dashboard_panel_runs_one_query_whatever_the_number_of_clinics(
    rf, db, django_assert_max_num_queries, clinic_count
):
    clinics = many_clinics(clinic_count)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    for user in (admin, role_user(clinics[0], "moderators")):
        request = rf.get(DASHBOARD_URL)
        request.user = user
        with django_assert_max_num_queries(1 if user.is_superuser else PANEL_QUERY_BOUND):
            html = PatientMessagesPanel().render_html({"request": request})
        assert "Clinic 00" in html
        assert html.count("1 urgent") == (clinic_count if user.is_superuser else 1)
