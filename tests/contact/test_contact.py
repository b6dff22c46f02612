"""Contact pages: the patient's form, spam protection through the page, and the content-free notification.

A patient's submission is personal (often health) data. These tests post real forms through the real middleware
and the Wagtail page router, and read the results back from the database and the email outbox.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission

from pages import antispam
from pages.contact.notifications import notify_form_submission
from tests.contact.support import (
    EMAIL,
    MESSAGE,
    NAME,
    PATIENT_VALUES,
    assert_form_kept_input,
    follow,
    form_data,
    host_of,
    old_enough_token,
    page_path,
    rendered_token,
    submit,
)
from tests.factories import ContactPageFactory
from tests.page_cache.support import fetched_tokens
from tests.support import all_cache_keys, assert_all_in, assert_notification_waits_for_commit

# --- The patient's page --------------------------------------------------------------------------------------------


def test_contact_page_shows_labelled_form_required_marks_and_urgent_notice(client, contact_page):
    response = client.get(page_path(contact_page), HTTP_HOST=host_of(contact_page))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="container contact-page">' in html
    assert_all_in(html, "<h1>Contact us</h1>", "Send us a question.", "Required fields are marked")
    for field_id, label in [("id_your_name", "Your name"), ("id_your_email", "Your email"), ("id_message", "Message")]:
        assert f'<label class="form-label" for="{field_id}">{label} <span class="form-required"' in html
    assert 'autocomplete="email"' in html
    assert "Do not use this form for urgent medical problems" in html
    assert '<a href="tel:+12175550111">(217) 555-0111</a>' in html
    # The honeypot is hidden from screen readers too, and the time-trap token is there.
    assert re.search(r'<div class="form-trap" aria-hidden="true">\s*<label for="id_hp-website">', html)
    # The page carries no per-visitor token: its script fetches them, so any cache may keep the page.
    assert rendered_token(response) is None
    assert "public" in response["Cache-Control"] and "csrftoken" not in response.cookies
    assert fetched_tokens(client, contact_page)["form_token"].startswith(contact_page.spam_purpose)


def test_contact_page_get_renders_in_a_fixed_small_number_of_queries(client, clinic_a, django_assert_max_num_queries):
    few = ContactPageFactory(parent=clinic_a.home_page, title="Few fields", slug="few")
    many = ContactPageFactory(
        parent=clinic_a.home_page,
        title="Many fields",
        slug="many",
        fields=[(f"Question {n}", "singleline", n % 2 == 0) for n in range(12)],
    )
    client.get(page_path(few), HTTP_HOST=host_of(few))  # warm the site-root cache, as any running server has

    counts = []
    for page in (few, many):
        # Host lookup, page routing, view restrictions, the form's fields, clinic settings and the menu.
        with django_assert_max_num_queries(12) as captured:
            response = client.get(page_path(page), HTTP_HOST=host_of(page))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], "the number of form fields must not change the number of queries"


def test_valid_submission_is_stored_without_spam_fields_and_landing_page_shown(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, contact_page)

    assert response.status_code == 303
    assert response["Location"] == page_path(contact_page) + "?sent=1"
    response = follow(client, contact_page, response)
    assert response.status_code == 200
    assert "Your message has been sent" in response.content.decode()
    assert "Thank you. We reply within two working days." in response.content.decode()
    submission = FormSubmission.objects.get()
    assert submission.page_id == contact_page.pk
    assert submission.form_data == {"your_name": NAME, "your_email": EMAIL, "message": MESSAGE}
    assert "no-store" in response["Cache-Control"]


def test_landing_page_without_thank_you_text_thanks_the_patient_by_clinic_name(
    client, contact_page, django_capture_on_commit_callbacks
):
    contact_page.thank_you_text = ""
    contact_page.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, contact_page, submit(client, contact_page))

    assert "Thank you for contacting ASCPM." in response.content.decode()


def test_invalid_submission_keeps_input_and_links_errors_to_fields(client, contact_page):
    response = submit(client, contact_page, form_data(contact_page, your_email="not an email"))

    assert response.status_code == 200
    assert_form_kept_input(response, email="not an email")
    html = response.content.decode()
    assert "<title>Error: Contact us | ASCPM</title>" in html
    assert '<a href="#id_your_email">Please enter your email in the right format, like name@example.com</a>' in html
    assert re.search(r'<input type="email"[^>]*aria-invalid="true"[^>]*aria-describedby="id_your_email_error"', html)
    assert '<p class="form-error" id="id_your_email_error">' in html
    assert not FormSubmission.objects.exists()


def test_choice_fields_are_grouped_with_a_legend_and_keep_the_patients_choices(client, clinic_a):
    page = ContactPageFactory(
        parent=clinic_a.home_page,
        fields=[("Message", "multiline", True), ("Contact me by", "radio", True), ("I agree", "checkbox", True)],
    )
    page.form_fields.filter(label="Contact me by").update(choices="Phone\nEmail", help_text="We never call at night.")

    response = submit(client, page, {"contact_me_by": "Email", "i_agree": "on", "form-token": old_enough_token(page)})

    html = response.content.decode()
    assert re.search(r'<fieldset[^>]*aria-describedby="id_contact_me_by_helptext"', html)
    assert re.search(r"<legend[^>]*>Contact me by <span", html)
    assert re.search(r'value="Email"[^>]*checked', html)
    assert re.search(r'name="i_agree"[^>]*checked', html)
    assert '<a href="#id_message">Please enter your message</a>' in html
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize("mode, text", [("form", "Required fields are marked"), ("landing", "Thank you. We reply")])
def test_editors_preview_both_the_form_and_the_landing_page(contact_page, superuser, mode, text):
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = superuser

    response = contact_page.make_preview_request(request, mode)

    assert response.status_code == 200
    assert text in response.render().content.decode()


# --- Spam protection, through the page -----------------------------------------------------------------------------


# The time trap and the honeypot are checked for this form and the patient-message form in
# tests/test_spam_traps.py.


def test_second_submission_from_one_ip_within_the_window_gets_429_and_keeps_input(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, contact_page).status_code == 303

    response = submit(client, contact_page)

    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert_form_kept_input(response)
    assert "Please wait 15 seconds" in response.content.decode()
    assert FormSubmission.objects.count() == 1


def test_rate_limit_is_per_ip_address(client, contact_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, contact_page, ip="203.0.113.7").status_code == 303
        assert submit(client, contact_page, ip="198.51.100.4").status_code == 303

    assert FormSubmission.objects.count() == 2


def test_rate_limit_reads_its_settings_and_zero_seconds_turns_it_off(
    client, contact_page, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_RATE_LIMIT_SECONDS = 0

    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, contact_page).status_code == 303
        assert submit(client, contact_page).status_code == 303

    assert FormSubmission.objects.count() == 2


def test_rejected_submissions_do_not_use_up_the_rate_limit(client, contact_page, django_capture_on_commit_callbacks):
    assert submit(client, contact_page, form_data(contact_page, message="")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, contact_page, submit(client, contact_page))

    assert "Your message has been sent" in response.content.decode()
    assert FormSubmission.objects.count() == 1


def test_rate_limit_stores_a_hash_of_the_ip_never_the_ip(client, contact_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, contact_page, ip="203.0.113.7")

    keys = all_cache_keys()
    assert keys
    assert not any("203.0.113.7" in key for key in keys)
    assert cache.get(antispam.rate_limit_key("contact", "203.0.113.7", "test-only-key-not-secret")) == 1


# --- The notification email ----------------------------------------------------------------------------------------


def test_notification_email_names_page_and_links_to_the_submission_and_contains_no_submitted_values(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, contact_page)
    submission = FormSubmission.objects.get()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["staff@ascpm.test"]  # the clinic's notification email: the page has no "to" address
    assert email.subject == "New contact form submission"  # the factory's subject
    assert 'page "Contact us" for ASCPM' in email.body
    # The submission's own admin page (which checks the reader's clinic), not the form's whole list.
    assert f"http://localhost{reverse('contact_submission', args=[submission.pk])}\n" in email.body
    everything = " ".join(
        [email.subject, email.body, email.from_email, *email.to, *email.cc, *email.bcc, *email.reply_to]
        + [str(value) for value in email.extra_headers.values()]
        + [content for content, _mimetype in getattr(email, "alternatives", [])]
    )
    for value in PATIENT_VALUES:
        assert value not in everything
    assert "Jane" not in everything


def test_notification_goes_to_the_pages_own_addresses_when_set(
    client, contact_page, django_capture_on_commit_callbacks
):
    contact_page.to_address = "frontdesk@ascpm.test, manager@ascpm.test"
    contact_page.subject = ""
    contact_page.save()

    with django_capture_on_commit_callbacks(execute=True):
        submit(client, contact_page)

    assert mail.outbox[0].to == ["frontdesk@ascpm.test", "manager@ascpm.test"]
    assert mail.outbox[0].subject == "New contact form submission (ASCPM)"


def test_no_recipients_means_no_email_but_the_submission_is_kept(
    client, clinic_a, contact_page, django_capture_on_commit_callbacks
):
    clinic_a.settings.notification_email = ""
    clinic_a.settings.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, contact_page)

    assert response.status_code == 303
    assert FormSubmission.objects.count() == 1
    assert not mail.outbox


def test_notification_is_queued_only_when_the_submission_is_committed(
    client, contact_page, django_capture_on_commit_callbacks
):
    assert_notification_waits_for_commit(django_capture_on_commit_callbacks, lambda: submit(client, contact_page))


def test_notification_task_for_a_deleted_submission_sends_nothing(submission_a):
    submission_id = submission_a.pk
    submission_a.delete()

    result = notify_form_submission.enqueue(submission_id)

    assert result.return_value == 0
    assert not mail.outbox


def test_wagtails_send_mail_hook_also_sends_only_the_content_free_notification(contact_page):
    form = contact_page.get_form(form_data(contact_page), page=contact_page)
    assert form.is_valid(), form.errors

    contact_page.send_mail(form)

    assert contact_page.render_email(form) == mail.outbox[0].body
    for value in PATIENT_VALUES:
        assert value not in mail.outbox[0].body


def test_editors_are_told_where_notifications_go_and_that_they_carry_no_submissions(client, superuser, contact_page):
    client.force_login(superuser)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[contact_page.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Notification email (it never contains what was submitted)" in html
    assert "Leave empty to use the notification email in Clinic settings." in html
