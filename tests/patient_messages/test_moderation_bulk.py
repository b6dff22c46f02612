"""The moderators' admin for patient messages: bulk actions, which must reach only the user's own clinics.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

from pages.patient_messages.models import Status
from tests.patient_messages import moderation_support as moderation
from tests.patient_messages.moderation_support import bulk_url, html_of, label, log_entries, status_of

# --- Bulk actions --------------------------------------------------------------------------------------------------


def test_bulk_approve_with_both_clinics_ids_acts_on_own_clinic_only(as_moderator_a, moderator_a, msgs):
    ids = f"?id={msgs.pending.pk}&id={msgs.urgent.pk}&id={msgs.b.pk}&id={msgs.b_others[0].pk}"

    confirmation = html_of(as_moderator_a.get(bulk_url("approve") + ids))

    assert label(msgs.pending) in confirmation and label(msgs.urgent) in confirmation
    assert label(msgs.b) not in confirmation and label(msgs.b_others[0]) not in confirmation
    for value in moderation.B_VALUES:
        assert value not in confirmation
    assert "2 messages" in confirmation

    response = as_moderator_a.post(bulk_url("approve") + ids)

    assert response.status_code == 302
    assert status_of(msgs.pending) == status_of(msgs.urgent) == Status.APPROVED
    assert status_of(msgs.b) == status_of(msgs.b_others[0]) == Status.PENDING
    assert not log_entries(msgs.b).exists()
    for message in (msgs.pending, msgs.urgent):
        entry = log_entries(message).get()
        assert (entry.action, entry.user, entry.label) == ("pages.message.approve", moderator_a, label(message))
        assert entry.data == {"from": "pending", "to": "approved", "bulk": True}
        moderation.assert_no_patient_data(entry, message)
        # Each message's own History shows its entry (entries of one bulk action must not hide each other).
        assert "as a bulk action" in html_of(as_moderator_a.get(moderation.url("history", message)))


def test_bulk_select_all_reaches_only_own_clinic_and_follows_the_listing_filters(as_moderator_a, msgs):
    query = "?id=all&status=pending"

    confirmation = html_of(as_moderator_a.get(bulk_url("spam") + query))

    assert label(msgs.pending) in confirmation and label(msgs.urgent) in confirmation
    assert label(msgs.approved) not in confirmation
    for message in [msgs.b, *msgs.b_others]:
        assert label(message) not in confirmation
    for value in moderation.B_VALUES:
        assert value not in confirmation

    as_moderator_a.post(bulk_url("spam") + query)

    assert status_of(msgs.pending) == status_of(msgs.urgent) == Status.SPAM
    assert status_of(msgs.approved) == Status.APPROVED
    assert status_of(msgs.rejected) == Status.REJECTED
    assert {status_of(message) for message in [msgs.b, *msgs.b_others]} == {Status.PENDING}


def test_bulk_select_all_without_filters_leaves_other_clinics_alone(as_moderator_a, msgs):
    as_moderator_a.post(bulk_url("reject") + "?id=all")
    assert {status_of(getattr(msgs, key)) for key in ("pending", "urgent", "approved", "spam")} == {"rejected"}
    assert {status_of(message) for message in [msgs.b, *msgs.b_others]} == {Status.PENDING}
    assert not any(log_entries(message).exists() for message in [msgs.b, *msgs.b_others])


def test_bulk_select_all_follows_search(as_moderator_a, msgs):
    as_moderator_a.post(bulk_url("approve") + "?id=all&q=fever")
    assert status_of(msgs.urgent) == Status.APPROVED
    assert status_of(msgs.pending) == Status.PENDING


def test_bulk_with_only_another_clinics_ids_is_not_found_and_does_nothing(as_moderator_a, msgs):
    response = as_moderator_a.get(bulk_url("approve") + f"?id={msgs.b.pk}")
    assert response.status_code == 404
    assert label(msgs.b) not in html_of(response)
    assert as_moderator_a.post(bulk_url("approve") + f"?id={msgs.b.pk}&id=not-a-number").status_code == 404
    assert status_of(msgs.b) == Status.PENDING


def test_bulk_with_nothing_left_to_change_says_so(as_moderator_a, msgs):
    confirmation = html_of(as_moderator_a.get(bulk_url("approve") + f"?id={msgs.approved.pk}"))
    assert "None of the selected messages can be approved" in confirmation
    assert "Yes, approve" not in confirmation


def test_bulk_restore_skips_messages_already_pending(as_moderator_a, moderator_a, msgs):
    ids = f"?id={msgs.pending.pk}&id={msgs.approved.pk}&id={msgs.spam.pk}"
    confirmation = html_of(as_moderator_a.get(bulk_url("restore") + ids))
    assert "1 selected message is left as it is" in confirmation
    as_moderator_a.post(bulk_url("restore") + ids)
    assert status_of(msgs.approved) == status_of(msgs.spam) == Status.PENDING
    assert not log_entries(msgs.pending).exists()
    assert log_entries(msgs.spam).get().user == moderator_a


def test_superuser_bulk_acts_across_clinics(as_superuser, msgs):
    as_superuser.post(bulk_url("approve") + f"?id={msgs.pending.pk}&id={msgs.b.pk}")
    assert status_of(msgs.pending) == status_of(msgs.b) == Status.APPROVED


def test_listing_has_the_bulk_action_footer(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(moderation.INDEX_URL))
    assert "data-bulk-action-footer" in html
    assert "bulk-actions.js" in html
    for action in ("approve", "reject", "spam", "restore"):
        assert bulk_url(action) in html
    assert f'data-object-id="{msgs.pending.pk}"' in html
    assert f'data-object-id="{msgs.b.pk}"' not in html
