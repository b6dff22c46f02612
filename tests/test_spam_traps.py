"""The spam traps of both patient-facing forms, written once: the contact page's form and the patient-message form.

Both take their traps from pages/antispam.py: a signed time-trap token naming the form it was issued for, and a
honeypot field people never see. What a form does when a check fails is its own, and each adapter below says it: a
token that cannot be checked brings the form back on both, with the patient's input and a fresh token; a form sent
too fast comes back on both with the input and its own token, and is sent when the patient presses Send again; a
filled honeypot is refused visibly by the contact form, while the message form keeps the message as spam behind its
usual thanks, so that a program learns nothing from the answer.

Every case posts through the real middleware and Wagtail's page router, runs the on-commit callbacks as a committed
request would, and reads the result back from the database, the response and the email outbox.
"""

import time

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from pages import antispam
from pages.models import PatientMessage
from pages.patient_messages import rules
from pages.patient_messages.forms import form_purpose
from pages.patient_messages.models import Status
from tests.contact import support as contact
from tests.patient_messages import support as messages

TWO_DAYS = 2 * 24 * 60 * 60

# What the patient reads for each refusal (the start of antispam.MESSAGES, as the page renders it).
REASONS = {
    antispam.MISSING_TOKEN: "could not check that this form came from our website",
    antispam.BAD_TOKEN: "could not check that this form came from our website",
    antispam.EXPIRED_TOKEN: "This form was open for a long time",
    antispam.HONEYPOT: "hidden anti-spam box was filled in",
    antispam.TOO_FAST: "quicker than a person usually fills in this form",
}


class SpamTrappedForm:
    """What the tests need to know of one form: how to post it, how to get a token, what a refusal looks like."""

    page_fixtures = ()  # this clinic's page with the form, and another clinic's page with the same kind of form
    refused_status = None
    stored = None  # the model a sent form is stored as

    def __init__(self, client, on_commit, page, other_clinics_page):
        self.client, self.on_commit = client, on_commit
        self.page, self.other_clinics_page = page, other_clinics_page

    def post(self, **overrides):
        with self.on_commit(execute=True):
            return self.send(**overrides)

    def assert_refused(self, response, problem):
        assert response.status_code == self.refused_status
        self.assert_kept_input(response)
        assert REASONS[problem] in response.content.decode()
        assert not self.stored.objects.exists()


class ContactForm(SpamTrappedForm):
    """The contact page (Wagtail's form builder with the antispam mixin): every refusal shows the form again."""

    page_fixtures = ("contact_page", "contact_page_b")
    time_trap_setting = "CONTACT_TIME_TRAP_SECONDS"
    refused_status = 200  # Wagtail's form pages answer 200 with the form again, whatever was wrong
    stored = FormSubmission

    email_field = "your_email"

    def send(self, **overrides):
        return contact.submit(self.client, self.page, contact.form_data(self.page, **overrides))

    def token(self, page=None, seconds_ago=10):
        return contact.old_enough_token(page or self.page, seconds_ago=seconds_ago)

    def other_kind_purpose(self):
        # A patient-message token naming this page's id: the right page number on the wrong kind of form.
        return form_purpose(self.page.pk)

    def token_problem(self, token):
        return antispam.time_token_problem(token, self.page.form_purpose(token), now=time.time() + 10)

    def assert_kept_input(self, response):
        contact.assert_form_kept_input(response)

    def assert_caught(self, response, problem, token=None):
        self.assert_refused(response, problem)
        if token is not None:
            # The same token comes back, so the wait counts from when the form was first shown.
            assert contact.rendered_token(response) == token


class MessageForm(SpamTrappedForm):
    """The patient-message form under a procedure page: a bad token gets 400, a caught trap is stored as spam."""

    page_fixtures = ("procedure_a", "procedure_b")
    refused_status = 400
    stored = PatientMessage
    flags = {antispam.HONEYPOT: rules.FLAG_HONEYPOT}
    time_trap_setting = "PATIENT_MESSAGE_TIME_TRAP_SECONDS"
    email_field = "email"

    def send(self, **overrides):
        return messages.send(self.client, self.page, messages.message_data(self.page, **overrides))

    def token(self, page=None, seconds_ago=10):
        return messages.token_for(page or self.page, seconds_ago=seconds_ago)

    def other_kind_purpose(self):
        # A contact-page token naming this page's id: the right page number on the wrong kind of form.
        return antispam.one_time_purpose(f"contact-page:{self.page.pk}")

    def token_problem(self, token):
        return antispam.time_token_problem(token, form_purpose(self.page.pk, token), now=time.time() + 10)

    def assert_kept_input(self, response):
        messages.assert_kept_input(response)

    def assert_caught(self, response, problem, token=None):
        assert response.status_code == 302
        assert response["Location"] == messages.path_of(self.page) + "messages/thanks/"
        message = PatientMessage.objects.get()
        assert message.status == Status.SPAM
        assert message.flag_list == [self.flags[problem]]
        assert "The injection helped a lot" not in messages.view(self.client, self.page).content.decode()


@pytest.fixture(params=[ContactForm, MessageForm], ids=["contact-form", "message-form"])
def form(request, db, client, django_capture_on_commit_callbacks):
    adapter = request.param
    pages = [request.getfixturevalue(name) for name in adapter.page_fixtures]
    return adapter(client, django_capture_on_commit_callbacks, *pages)


@pytest.mark.parametrize(
    "make_token, problem",
    [
        (lambda form: None, antispam.MISSING_TOKEN),
        (lambda form: form.token()[:-4] + "AAAA", antispam.BAD_TOKEN),
        (lambda form: antispam.issue_time_token(form.other_kind_purpose(), now=time.time() - 10), antispam.BAD_TOKEN),
        (lambda form: form.token(page=form.other_clinics_page), antispam.BAD_TOKEN),
        (lambda form: form.token(seconds_ago=TWO_DAYS), antispam.EXPIRED_TOKEN),
    ],
    ids=["missing", "forged", "from-another-kind-of-form", "from-another-clinics-page", "expired"],
)
def test_a_token_that_cannot_be_checked_is_refused_keeps_the_input_and_gets_a_fresh_token(form, make_token, problem):
    token = make_token(form)

    response = form.post(**{"form-token": token})

    form.assert_refused(response, problem)
    fresh = contact.rendered_token(response)
    assert fresh and fresh != token
    assert form.token_problem(fresh) is None
    assert not mail.outbox


def test_a_filled_honeypot_is_caught_and_never_reaches_the_clinic(form):
    response = form.post(**{"hp-website": "http://spam.example"})

    form.assert_caught(response, antispam.HONEYPOT)
    # Never echoed back: a person whose browser autofilled the box can simply send again.
    assert "spam.example" not in response.content.decode()
    assert not mail.outbox


def test_a_patient_who_sends_too_fast_keeps_the_message_and_sends_it_by_pressing_send_again(form, settings):
    setattr(settings, form.time_trap_setting, 2)
    token = form.token(seconds_ago=0)

    response = form.post(**{"form-token": token})

    # Not stored, not even as spam, and nothing announced: the form comes back with the text and its own token.
    form.assert_refused(response, antispam.TOO_FAST)
    assert "please press Send again" in response.content.decode()
    assert contact.rendered_token(response) == token
    assert not mail.outbox

    time.sleep(2.1)  # the wait counts from when the form was first shown
    form.post(**{"form-token": contact.rendered_token(response)})

    assert form.stored.objects.count() == 1
    if form.stored is PatientMessage:
        assert PatientMessage.objects.get().status == Status.PENDING
    assert len(mail.outbox) == 1


def test_a_mistake_is_said_before_the_time_trap_and_the_corrected_form_goes_through(form, settings):
    setattr(settings, form.time_trap_setting, 2)
    token = form.token(seconds_ago=0)

    response = form.post(**{"form-token": token, form.email_field: "jane.example.org"})

    # The patient corrects the email first; nothing says "too fast" yet, and the form keeps its token and its time.
    assert "Please enter your email in the right format" in response.content.decode()
    assert REASONS[antispam.TOO_FAST] not in response.content.decode()
    assert contact.rendered_token(response) == token
    assert not form.stored.objects.exists()

    time.sleep(2.1)  # a person's pace in all, counted from when the form was first shown
    form.post(**{"form-token": token})

    assert form.stored.objects.count() == 1


def test_a_program_that_posts_again_at_once_is_refused_again_and_never_queued(form):
    token = form.token(seconds_ago=0)

    for _attempt in range(3):
        response = form.post(**{"form-token": token})
        form.assert_refused(response, antispam.TOO_FAST)

    assert not mail.outbox
