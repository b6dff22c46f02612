"""`public_messages_changed`: sent after commit with the pages whose public messages may read differently.

Other domains (the page cache) rely on it: a moderation step that forgets to send it leaves a stale public page.
"""

import pytest
from django.utils import timezone

from pages.patient_messages import moderation
from pages.patient_messages.models import PatientMessage
from pages.patient_messages.signals import public_messages_changed
from tests.factories import role_user


@pytest.fixture
def received():
    pages = []

    def receiver(sender, page_ids, **kwargs):
        pages.append(set(page_ids))

    public_messages_changed.connect(receiver)
    yield pages
    public_messages_changed.disconnect(receiver)


def test_approving_announces_the_pages_of_the_changed_messages_after_commit(
    clinic_a, msgs, received, django_capture_on_commit_callbacks
):
    moderator = role_user(clinic_a, "moderators")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.moderate(
            PatientMessage.objects.filter(pk__in=[msgs.pending.pk, msgs.urgent.pk, msgs.approved.pk]),
            moderation.ACTIONS["approve"],
            moderator,
        )
    assert received == []  # nothing before the commit
    for callback in callbacks:
        callback()
    # The message that was already approved did not change: only the two others count.
    assert received == [{msgs.pending.page_id, msgs.urgent.page_id}]


def test_an_action_that_changes_nothing_announces_nothing(clinic_a, msgs, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.moderate(
            PatientMessage.objects.filter(pk=msgs.approved.pk),
            moderation.ACTIONS["approve"],
            role_user(clinic_a, "moderators"),
        )
    assert received == []


def test_a_reply_and_an_erasure_announce_their_page(clinic_a, msgs, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.edit_message(
            PatientMessage.objects.all(), msgs.approved.pk, role_user(clinic_a, "moderators"), reply="Thank you."
        )
    assert received == [{msgs.approved.page_id}]
    with django_capture_on_commit_callbacks(execute=True):
        moderation.erase([msgs.approved], timezone.now())
    assert received[1] == {msgs.approved.page_id}
