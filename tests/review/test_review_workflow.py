"""A medical review is recorded by the approval itself: date, reviewer, revision and history, in the clinic's words."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState

from pages.clinics.clinicians import Clinician
from pages.content.mixins import NO_REVIEWER, NOT_REVIEWED, MedicalReviewRefused, one_year_after
from pages.content.review_forms import SUBMIT_NEEDS_REVIEWER
from pages.content.review_workflow import REVIEW_RECORDED, recorded_due_date
from pages.models import ProcedurePage
from tests.content.test_page_admin import procedure_data
from tests.factories import ProcedurePageFactory, UserFactory, role_user


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


@pytest.fixture
def editor_a(clinic_a):
    return role_user(clinic_a, "editors")


@pytest.fixture
def reviewer_a(clinic_a):
    return role_user(clinic_a, "medical reviewers")


@pytest.fixture
def marsh(clinic_a, reviewer_a):
    """The medical reviewer's own clinician record."""
    return Clinician.objects.create(site=clinic_a.site, name="Dr Elena Marsh", credentials="MD", user=reviewer_a)


@pytest.fixture
def stone(clinic_a):
    """A clinician without a staff account, whom an editor can choose as reviewer."""
    return Clinician.objects.create(site=clinic_a.site, name="Dr Ada Stone")


@pytest.fixture
def draft(clinic_a):
    return ProcedurePageFactory(
        parent=clinic_a.home_page, live=False, slug="facet", reviewer=None, last_reviewed=None, next_review_due=None
    )


def submit(client, page, editor, reviewer, **extra):
    client.force_login(editor)
    data = procedure_data("Facet joint injections", "facet", reviewer=reviewer.pk if reviewer else "")
    data.update(extra)
    data["action-submit"] = "Submit to Medical review"
    return client.post(edit_url(page), data)


def task_state_of(page):
    return WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk)).current_task_state


def approve(client, page, user):
    client.force_login(user)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state_of(page).pk])
    return client.post(url, {"comment": ""})


def test_approval_records_today_the_approving_clinician_and_a_history_entry(client, editor_a, reviewer_a, marsh, draft):
    assert submit(client, draft, editor_a, None, last_reviewed="2019-01-01").status_code == 200  # refused: no reviewer
    submit(client, draft, editor_a, marsh)
    approve(client, draft, reviewer_a)

    page = ProcedurePage.objects.get(pk=draft.pk)
    today = timezone.localdate()
    assert page.live
    assert (page.last_reviewed, page.reviewer, page.next_review_due) == (today, marsh, one_year_after(today))
    assert page.live_revision.user == reviewer_a
    entry = PageLogEntry.objects.get(page=page, action=REVIEW_RECORDED)
    assert entry.user == reviewer_a
    assert entry.revision == page.live_revision
    assert entry.message == f"Medical review recorded: {today.day} {today:%b %Y} by Dr Elena Marsh"


def test_an_approver_without_a_clinician_record_confirms_the_chosen_reviewer(
    client, editor_a, reviewer_a, stone, draft
):
    submit(client, draft, editor_a, stone)
    approve(client, draft, reviewer_a)
    page = ProcedurePage.objects.get(pk=draft.pk)
    assert page.live and page.reviewer == stone and page.last_reviewed == timezone.localdate()


def test_submitting_for_review_needs_a_reviewer_and_saving_a_draft_does_not(client, editor_a, draft):
    response = submit(client, draft, editor_a, None)
    assert SUBMIT_NEEDS_REVIEWER in response.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(draft.pk)).exists()
    data = procedure_data("Facet joint injections", "facet")
    assert client.post(edit_url(draft), data).status_code == 302
    assert ProcedurePage.objects.get(pk=draft.pk).get_latest_revision().as_object().last_reviewed is None


def test_approval_with_nobody_to_name_as_reviewer_is_refused_and_nothing_goes_live(
    client, editor_a, reviewer_a, stone, draft
):
    submit(client, draft, editor_a, stone)
    stone.delete()  # the chosen reviewer left the clinic while the page waited
    response = approve(client, draft, reviewer_a)
    # Wagtail's admin answers a refused action with a redirect to the dashboard; the approval is rolled back.
    assert response.status_code == 302
    page = ProcedurePage.objects.get(pk=draft.pk)
    assert not page.live and page.last_reviewed is None
    assert task_state_of(page).status == "in_progress"


def test_publish_button_of_a_medical_reviewer_is_their_review(client, reviewer_a, marsh, draft):
    client.force_login(reviewer_a)
    data = procedure_data("Facet joint injections", "facet", reviewer="")
    data["action-publish"] = "action-publish"
    client.post(edit_url(draft), data)
    page = ProcedurePage.objects.get(pk=draft.pk)
    assert page.live and page.reviewer == marsh and page.last_reviewed == timezone.localdate()
    assert PageLogEntry.objects.filter(page=page, action=REVIEW_RECORDED, user=reviewer_a).count() == 1


def test_publish_with_nobody_to_name_as_reviewer_is_refused_with_a_message(client, reviewer_a, draft):
    client.force_login(reviewer_a)
    data = procedure_data("Facet joint injections", "facet", reviewer="")
    data["action-publish"] = "action-publish"
    response = client.post(edit_url(draft), data)
    assert response.status_code == 200
    assert NO_REVIEWER in response.content.decode()
    assert not ProcedurePage.objects.get(pk=draft.pk).live


def test_an_editor_cannot_set_the_review_date(client, editor_a, stone, clinic_a):
    page = ProcedurePageFactory(parent=clinic_a.home_page, slug="facet")
    client.force_login(editor_a)
    data = procedure_data("Facet joint injections", "facet", reviewer=stone.pk)
    data["last_reviewed"] = "2026-11-30"
    client.post(edit_url(page), data)
    page = ProcedurePage.objects.get(pk=page.pk)
    assert page.get_latest_revision().as_object().last_reviewed == datetime.date(2026, 3, 15)


def test_no_publishing_path_puts_an_unreviewed_clinical_page_live(draft):
    revision = draft.save_revision()
    with pytest.raises(MedicalReviewRefused, match=NOT_REVIEWED):
        revision.publish()
    assert not ProcedurePage.objects.get(pk=draft.pk).live


def test_bulk_publish_refuses_an_unreviewed_clinical_page(client, reviewer_a, draft):
    draft.save_revision()
    client.force_login(reviewer_a)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={draft.pk}"
    response = client.post(url, {"include_descendants": ""}, follow=True)
    assert response.status_code == 200
    assert "has no medical review yet" in response.content.decode()
    assert not ProcedurePage.objects.get(pk=draft.pk).live


def test_recorded_due_date_keeps_only_a_future_date_chosen_for_this_review():
    today = datetime.date(2026, 12, 2)
    assert recorded_due_date(today, None, None) == datetime.date(2027, 12, 2)
    assert recorded_due_date(today, datetime.date(2028, 6, 1), None) == datetime.date(2028, 6, 1)
    assert recorded_due_date(today, datetime.date(2027, 6, 1), None) == datetime.date(2027, 6, 1)
    # The previous review's date, or one already past, is replaced by a fresh year.
    assert recorded_due_date(today, datetime.date(2026, 12, 10), datetime.date(2026, 12, 10)) == datetime.date(
        2027, 12, 2
    )
    assert recorded_due_date(today, datetime.date(2026, 11, 1), None) == datetime.date(2027, 12, 2)


def test_workflow_emails_use_the_clinics_words_and_skip_network_admins(client, editor_a, reviewer_a, stone, draft):
    network_admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    mail.outbox.clear()
    submit(client, draft, editor_a, stone)
    to_admin = [message for message in mail.outbox if network_admin.email in message.to]
    assert to_admin == []
    to_reviewer = [message for message in mail.outbox if reviewer_a.email in message.to]
    assert len(to_reviewer) == 1
    assert "submitted for medical review" in to_reviewer[0].subject
    for message in mail.outbox:
        assert "moderation" not in (message.subject + message.body).lower()

    mail.outbox.clear()
    client.force_login(reviewer_a)
    url = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "reject", task_state_of(draft).pk])
    client.post(url, {"comment": "Please add the risks of bleeding."})
    (changes,) = [message for message in mail.outbox if editor_a.email in message.to]
    assert changes.subject.startswith("Changes requested on the page")
    assert "requested changes" in changes.body and "Please add the risks of bleeding." in changes.body
    assert "reject" not in (changes.subject + changes.body).lower()


def test_the_admin_says_submitted_for_medical_review_and_changes_requested(client, editor_a, reviewer_a, stone, draft):
    client.force_login(editor_a)
    data = procedure_data("Facet joint injections", "facet", reviewer=stone.pk)
    data["action-submit"] = "Submit to Medical review"
    html = client.post(edit_url(draft), data, follow=True).content.decode()
    assert "has been submitted for medical review." in html
    assert "moderation" not in html.lower()

    client.force_login(reviewer_a)
    url = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "reject", task_state_of(draft).pk])
    client.post(url, {"comment": "Add the risks."})
    history = client.get(reverse("wagtailadmin_pages:history", args=[draft.pk])).content.decode()
    assert "Changes requested in" in history
    assert "Rejected" not in history
