"""One contact-form submission in the admin, its new / handled state, and who may see or change either."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import ModelLogEntry

from pages.contact.models import ContactSubmissionState, SubmissionState
from tests.contact.support import EMAIL, MESSAGE, NAME, PATIENT_VALUES, assert_refused
from tests.factories import UserFactory, role_user

# 14:05 on 3 March 2026 in London (GMT), as staff read it everywhere in the admin.
SUBMITTED = datetime.datetime(2026, 3, 3, 14, 5, tzinfo=datetime.UTC)
SUBMITTED_TEXT = "3 Mar 2026, 14:05"


def submission_url(submission):
    return reverse("contact_submission", args=[submission.pk])


def state_url(submission):
    return reverse("contact_submission_state", args=[submission.pk])


def bulk_state_url(page, submissions, state):
    query = "&".join(f"selected-submissions={submission.pk}" for submission in submissions)
    return reverse("contact_submissions_state", args=[page.pk]) + f"?state={state}&{query}"


def listing_url(page, query=""):
    return reverse("wagtailforms:list_submissions", args=[page.pk]) + query


def status_of(submission):
    state = ContactSubmissionState.objects.filter(pk=submission.pk).first()
    return state.status if state else SubmissionState.NEW


@pytest.fixture
def moderator_a(clinic_a):
    return role_user(clinic_a, "moderators")


@pytest.fixture
def submission_b(contact_page_b):
    return FormSubmission.objects.create(page=contact_page_b, form_data={"your_name": "Bob Other-Clinic"})


# --- One submission ------------------------------------------------------------------------------------------------


def test_a_moderator_reads_every_answer_under_the_forms_labels_in_their_order(client, moderator_a, contact_page):
    # Stored in another order than the form's fields, plus the answer to a field since removed from the form.
    submission = FormSubmission.objects.create(
        page=contact_page,
        form_data={"message": MESSAGE, "old_question": "Referred by my GP", "your_email": EMAIL, "your_name": NAME},
    )
    client.force_login(moderator_a)

    html = client.get(submission_url(submission)).content.decode()

    positions = [html.index(f"<dt>{label}</dt>") for label in ("Your name", "Your email", "Message", "old_question")]
    assert positions == sorted(positions)
    for value in (*PATIENT_VALUES, "Referred by my GP"):
        assert value in html


def test_the_submissions_listing_links_to_each_submission(client, moderator_a, contact_page, submission_a):
    client.force_login(moderator_a)

    html = client.get(listing_url(contact_page)).content.decode()

    assert f'href="{submission_url(submission_a)}"' in html


def test_another_clinics_submission_answers_not_found_like_a_missing_one(client, clinic_b, submission_a):
    client.force_login(role_user(clinic_b, "moderators"))

    for url in (submission_url(submission_a), state_url(submission_a)):
        assert client.get(url).status_code == 404
    assert client.post(state_url(submission_a), {"state": "handled"}).status_code == 404
    assert client.get(reverse("contact_submission", args=[submission_a.pk + 1000])).status_code == 404
    assert status_of(submission_a) == SubmissionState.NEW


@pytest.mark.parametrize("role", ["editors", "medical reviewers"])
def test_the_clinics_editors_and_reviewers_do_not_see_its_submissions(client, clinic_a, submission_a, role):
    client.force_login(role_user(clinic_a, role))

    assert_refused(client.get(submission_url(submission_a)))
    assert_refused(client.post(state_url(submission_a), {"state": "handled"}))
    assert status_of(submission_a) == SubmissionState.NEW


def test_the_submission_date_is_shown_as_patient_messages_dates_are(client, moderator_a, submission_a):
    FormSubmission.objects.filter(pk=submission_a.pk).update(submit_time=SUBMITTED)
    client.force_login(moderator_a)

    html = client.get(submission_url(submission_a)).content.decode()

    assert f"<dd>{SUBMITTED_TEXT}</dd>" in html


def test_the_listing_shows_dates_as_the_patient_messages_listing_does(client, moderator_a, contact_page, submission_a):
    FormSubmission.objects.filter(pk=submission_a.pk).update(submit_time=SUBMITTED)
    client.force_login(moderator_a)

    html = client.get(listing_url(contact_page)).content.decode()

    # Wagtail's human-readable date ("3 months ago", the full date on hover), as in the patient messages listing.
    assert 'class="w-human-readable-date"' in html
    assert f'datetime="{timezone.localtime(SUBMITTED).isoformat()}"' in html


# --- New / handled ------------------------------------------------------------------------------------------------


def test_marking_a_submission_handled_records_who_and_when_in_the_audit_log(client, moderator_a, submission_a):
    FormSubmission.objects.filter(pk=submission_a.pk).update(submit_time=SUBMITTED)
    client.force_login(moderator_a)

    response = client.post(state_url(submission_a), {"state": "handled"})

    assert response.status_code == 302
    state = ContactSubmissionState.objects.get(pk=submission_a.pk)
    assert (state.status, state.changed_by) == (SubmissionState.HANDLED, moderator_a)
    assert timezone.now() - state.changed_at < datetime.timedelta(minutes=1)
    entry = ModelLogEntry.objects.get(object_id=str(submission_a.pk), action="pages.form_submission.handled")
    assert entry.user == moderator_a
    assert entry.label == f'Submission to "Contact us", {SUBMITTED_TEXT}'
    for value in PATIENT_VALUES:
        assert value not in entry.label
        assert value not in str(entry.data)
    html = client.get(submission_url(submission_a)).content.decode()
    assert "Marked as handled by ascpm-moderators" in html
    assert "Mark as new" in html


def test_a_handled_submission_can_be_marked_new_again(client, moderator_a, submission_a):
    client.force_login(moderator_a)
    client.post(state_url(submission_a), {"state": "handled"})

    client.post(state_url(submission_a), {"state": "new"})

    assert status_of(submission_a) == SubmissionState.NEW
    actions = ModelLogEntry.objects.filter(object_id=str(submission_a.pk)).order_by("pk").values_list("action")
    assert [action for (action,) in actions] == ["pages.form_submission.handled", "pages.form_submission.new"]


def test_marking_a_submission_again_in_the_same_state_logs_nothing(client, moderator_a, submission_a):
    client.force_login(moderator_a)

    client.post(state_url(submission_a), {"state": "handled"})
    client.post(state_url(submission_a), {"state": "handled"})

    assert ModelLogEntry.objects.filter(object_id=str(submission_a.pk)).count() == 1


def test_an_unknown_state_changes_nothing(client, moderator_a, contact_page, submission_a):
    client.force_login(moderator_a)

    assert client.post(state_url(submission_a), {"state": "deleted"}).status_code == 400
    assert client.post(bulk_state_url(contact_page, [submission_a], "deleted")).status_code == 400
    assert status_of(submission_a) == SubmissionState.NEW


def test_several_submissions_are_marked_handled_from_the_listing_after_a_confirmation(
    client, moderator_a, contact_page, submission_a
):
    second = FormSubmission.objects.create(page=contact_page, form_data={"your_name": "John Patient"})
    client.force_login(moderator_a)
    url = bulk_state_url(contact_page, [submission_a, second], "handled")

    confirmation = client.get(url)

    assert confirmation.status_code == 200
    assert "Mark 2 submissions of the 'Contact us' form as handled?" in confirmation.content.decode()
    assert {status_of(submission_a), status_of(second)} == {SubmissionState.NEW}

    response = client.post(url)

    assert response.status_code == 302
    assert {status_of(submission_a), status_of(second)} == {SubmissionState.HANDLED}
    logged = ModelLogEntry.objects.filter(action="pages.form_submission.handled", data__bulk=True)
    assert logged.count() == 2


def test_the_listing_offers_marking_the_selected_submissions(client, moderator_a, contact_page, submission_a):
    client.force_login(moderator_a)

    html = client.get(listing_url(contact_page)).content.decode()

    assert f'formaction="{reverse("contact_submissions_state", args=[contact_page.pk])}"' in html
    assert "Mark selected as handled" in html


def test_bulk_marking_ignores_another_clinics_submissions_and_forms(
    client, clinic_b, contact_page, contact_page_b, submission_a, submission_b
):
    client.force_login(role_user(clinic_b, "moderators"))

    # Clinic A's form: not found, whatever the method.
    assert client.get(bulk_state_url(contact_page, [submission_a], "handled")).status_code == 404
    assert client.post(bulk_state_url(contact_page, [submission_a], "handled")).status_code == 404
    # Their own form, with clinic A's submission id among theirs: only theirs changes.
    client.post(bulk_state_url(contact_page_b, [submission_a, submission_b], "handled"))

    assert status_of(submission_a) == SubmissionState.NEW
    assert status_of(submission_b) == SubmissionState.HANDLED


def test_the_listing_filters_by_state(client, moderator_a, contact_page, submission_a):
    handled = FormSubmission.objects.create(page=contact_page, form_data={"your_name": "Handled Patient"})
    ContactSubmissionState.objects.create(submission=handled, status=SubmissionState.HANDLED, changed_by=moderator_a)
    client.force_login(moderator_a)

    new_only = client.get(listing_url(contact_page, "?state=new")).content.decode()
    handled_only = client.get(listing_url(contact_page, "?state=handled")).content.decode()
    both = client.get(listing_url(contact_page)).content.decode()

    assert NAME in new_only and "Handled Patient" not in new_only
    assert "Handled Patient" in handled_only and NAME not in handled_only
    assert NAME in both and "Handled Patient" in both


def add_submissions(page, clinic, count, start=0):
    """`count` submissions of `page`, every other one handled by a member of staff of its own."""
    for n in range(start, start + count):
        submission = FormSubmission.objects.create(page=page, form_data={"your_name": f"Patient {n:02}"})
        if n % 2:
            staff = UserFactory(groups=[clinic.groups["moderators"]])
            ContactSubmissionState.objects.create(submission=submission, status="handled", changed_by=staff)


def test_the_listing_runs_a_fixed_number_of_queries_and_keeps_its_pages(
    client, moderator_a, clinic_a, contact_page, django_assert_max_num_queries
):
    client.force_login(moderator_a)
    client.get(listing_url(contact_page))  # the session and the user's clinics are warm from here on
    add_submissions(contact_page, clinic_a, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(listing_url(contact_page))
    add_submissions(contact_page, clinic_a, 23, start=2)

    # Wagtail's own admin page costs most of these; the rows cost none.
    with django_assert_max_num_queries(len(few)):
        first = client.get(listing_url(contact_page)).content.decode()
    second = client.get(listing_url(contact_page, "?p=2")).content.decode()

    assert len(few) <= 30
    assert first.count('name="selected-submissions"') == 20
    assert second.count('name="selected-submissions"') == 5
    assert "Patient 24" in first and "Patient 00" in second
