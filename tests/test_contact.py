"""Contact pages: the patient's form, spam protection, the content-free notification and who sees submissions.

A patient's submission is personal (often health) data. These tests post real forms through the real middleware
and the Wagtail page router, and read the results back from the database, the email outbox and the admin.
"""

import csv
import io
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pytest
from django.core import mail
from django.core.cache import cache, caches
from django.test import RequestFactory
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.forms.utils import get_forms_for_user

from pages import antispam
from pages.tasks import notify_form_submission
from tests.factories import ContactPageFactory, UserFactory, role_user

NAME = "Jane Patient"
EMAIL = "jane.patient@example.org"
MESSAGE = "My lower back has hurt since Tuesday."
PATIENT_VALUES = (NAME, EMAIL, MESSAGE)


# --- Helpers -------------------------------------------------------------------------------------------------------


def page_path(page):
    return page.get_url_parts()[2]


def host_of(page):
    return page.get_site().hostname


def old_enough_token(page, seconds_ago=10):
    """A genuine token for `page`'s form, issued long enough ago to pass the time trap."""
    return antispam.issue_time_token(page.spam_purpose, now=time.time() - seconds_ago)


def form_data(page, **overrides):
    data = {
        "your_name": NAME,
        "your_email": EMAIL,
        "message": MESSAGE,
        "hp-website": "",
        "form-token": old_enough_token(page),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, page, data=None, ip="203.0.113.7"):
    return client.post(page_path(page), data or form_data(page), HTTP_HOST=host_of(page), REMOTE_ADDR=ip)


def rendered_token(response):
    match = re.search(r'name="form-token" value="([^"]+)"', response.content.decode())
    return match and match.group(1)


def assert_form_kept_input(response, email=EMAIL):
    """The form came back with everything the patient typed, and an error summary saying why."""
    html = response.content.decode()
    assert 'class="form-error-summary"' in html
    assert f'name="your_name" value="{NAME}"' in html
    assert f'name="your_email" value="{email}"' in html
    assert f">\n{MESSAGE}</textarea>" in html


def assert_refused(response):
    """An admin view refused: 403/404, or Wagtail's redirect away (to the dashboard or the login page)."""
    assert response.status_code in {302, 403, 404}, response.status_code
    if response.status_code == 302:
        assert response["Location"].split("?")[0] in {reverse("wagtailadmin_home"), reverse("wagtailadmin_login")}
    body = b"" if response.streaming else response.content
    for value in PATIENT_VALUES:
        assert value.encode() not in body


def response_bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def contact_page(clinic_a):
    # No to_address: notifications fall back to the clinic's notification email (staff@ascpm.test).
    return ContactPageFactory(
        parent=clinic_a.home_page,
        title="Contact us",
        to_address="",
        intro="<p>Send us a question.</p>",
        thank_you_text="<p>Thank you. We reply within two working days.</p>",
    )


@pytest.fixture
def submission_a(contact_page):
    return FormSubmission.objects.create(
        page=contact_page, form_data={"your_name": NAME, "your_email": EMAIL, "message": MESSAGE}
    )


@pytest.fixture
def contact_page_b(clinic_b):
    return ContactPageFactory(parent=clinic_b.home_page, title="Write to Spinal Diagnostics")


# --- The patient's page --------------------------------------------------------------------------------------------


def test_contact_page_shows_labelled_form_required_marks_and_urgent_notice(client, contact_page):
    response = client.get(page_path(contact_page), HTTP_HOST=host_of(contact_page))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="container contact-page">' in html
    assert "<h1>Contact us</h1>" in html
    assert "Send us a question." in html
    assert "Required fields are marked" in html
    for field_id, label in [("id_your_name", "Your name"), ("id_your_email", "Your email"), ("id_message", "Message")]:
        assert f'<label class="form-label" for="{field_id}">{label} <span class="form-required"' in html
    assert 'autocomplete="email"' in html
    assert "Do not use this form for urgent medical problems" in html
    assert '<a href="tel:5550101111">(555) 010-1111</a>' in html
    # The honeypot is hidden from screen readers too, and the time-trap token is there.
    assert re.search(r'<div class="form-trap" aria-hidden="true">\s*<label for="id_hp-website">', html)
    assert rendered_token(response).startswith(contact_page.spam_purpose)
    assert "no-store" in response["Cache-Control"]


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
        response = submit(client, contact_page)

    assert "Thank you for contacting ASCPM." in response.content.decode()


def test_invalid_submission_keeps_input_and_links_errors_to_fields(client, contact_page):
    response = submit(client, contact_page, form_data(contact_page, your_email="not an email"))

    assert response.status_code == 200
    assert_form_kept_input(response, email="not an email")
    html = response.content.decode()
    assert "<title>Error: Contact us | ASCPM</title>" in html
    assert '<a href="#id_your_email">Your email: Enter a valid email address.</a>' in html
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
    assert '<a href="#id_message">Message: This field is required.</a>' in html
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize("mode, text", [("form", "Required fields are marked"), ("landing", "Thank you. We reply")])
def test_editors_preview_both_the_form_and_the_landing_page(contact_page, superuser, mode, text):
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = superuser

    response = contact_page.make_preview_request(request, mode)

    assert response.status_code == 200
    assert text in response.render().content.decode()


# --- Spam protection, through the page -----------------------------------------------------------------------------


def test_filled_honeypot_is_refused_keeps_input_and_stores_nothing(client, contact_page):
    response = submit(client, contact_page, form_data(contact_page, **{"hp-website": "http://spam.example"}))

    assert response.status_code == 200
    assert_form_kept_input(response)
    assert "hidden anti-spam box was filled in" in response.content.decode()
    # Shown empty again, so a person whose browser autofilled it can simply send again.
    assert "spam.example" not in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert not mail.outbox


def test_too_fast_submission_is_refused_keeps_input_and_its_token_and_stores_nothing(client, contact_page):
    token = antispam.issue_time_token(contact_page.spam_purpose)  # issued just now

    response = submit(client, contact_page, form_data(contact_page, **{"form-token": token}))

    assert response.status_code == 200
    assert_form_kept_input(response)
    assert "quicker than a person usually fills in this form" in response.content.decode()
    # The same token comes back, so the wait counts from when the form was first shown.
    assert rendered_token(response) == token
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize(
    "make_token, message",
    [
        (lambda page: old_enough_token(page)[:-4] + "AAAA", "could not check that this form came from our website"),
        (lambda page: None, "could not check that this form came from our website"),
        (lambda page: antispam.issue_time_token("contact-page:999999", now=time.time() - 10), "could not check"),
        (lambda page: old_enough_token(page, seconds_ago=2 * 24 * 60 * 60), "open for a long time"),
    ],
    ids=["forged", "missing", "from-another-form", "expired"],
)
def test_bad_time_token_is_refused_keeps_input_and_gets_a_fresh_token(client, contact_page, make_token, message):
    token = make_token(contact_page)

    response = submit(client, contact_page, form_data(contact_page, **{"form-token": token}))

    assert response.status_code == 200
    assert_form_kept_input(response)
    assert message in response.content.decode()
    fresh = rendered_token(response)
    assert fresh != token
    assert antispam.time_token_problem(fresh, contact_page.spam_purpose, now=time.time() + 10) is None
    assert not FormSubmission.objects.exists()


def test_second_submission_from_one_ip_within_the_window_gets_429_and_keeps_input(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, contact_page).status_code == 200

    response = submit(client, contact_page)

    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert_form_kept_input(response)
    assert "Please wait 15 seconds" in response.content.decode()
    assert FormSubmission.objects.count() == 1


def test_rate_limit_is_per_ip_address(client, contact_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, contact_page, ip="203.0.113.7").status_code == 200
        assert submit(client, contact_page, ip="198.51.100.4").status_code == 200

    assert FormSubmission.objects.count() == 2


def test_rate_limit_reads_its_settings_and_zero_seconds_turns_it_off(
    client, contact_page, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_RATE_LIMIT_SECONDS = 0

    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, contact_page).status_code == 200
        assert submit(client, contact_page).status_code == 200

    assert FormSubmission.objects.count() == 2


def test_rejected_submissions_do_not_use_up_the_rate_limit(client, contact_page, django_capture_on_commit_callbacks):
    assert submit(client, contact_page, form_data(contact_page, message="")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, contact_page)

    assert "Your message has been sent" in response.content.decode()
    assert FormSubmission.objects.count() == 1


def all_cache_keys():
    """Every key in the default cache: LocMemCache's dict in the SQLite run, Redis's KEYS in the services run."""
    backend = cache._cache
    if hasattr(backend, "get_client"):
        return [key.decode() for key in backend.get_client().keys("*")]
    return list(backend)


def test_rate_limit_stores_a_hash_of_the_ip_never_the_ip(client, contact_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, contact_page, ip="203.0.113.7")

    keys = all_cache_keys()
    assert keys
    assert not any("203.0.113.7" in key for key in keys)
    assert cache.get(antispam.rate_limit_key("contact", "203.0.113.7", "test-only-key-not-secret")) == 1


# --- The notification email ----------------------------------------------------------------------------------------


def test_notification_email_names_page_and_admin_link_and_contains_no_submitted_values(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, contact_page)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["staff@ascpm.test"]  # the clinic's notification email: the page has no "to" address
    assert email.subject == "New contact form submission"  # the factory's subject
    assert 'page "Contact us" for ASCPM' in email.body
    assert f"http://localhost/admin/forms/submissions/{contact_page.pk}/" in email.body
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

    assert response.status_code == 200
    assert FormSubmission.objects.count() == 1
    assert not mail.outbox


def test_notification_is_queued_only_when_the_submission_is_committed(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(client, contact_page)

    assert len(callbacks) == 1
    assert not mail.outbox


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


# --- Who sees submissions in the admin -----------------------------------------------------------------------------


def submissions_url(page, **params):
    url = reverse("wagtailforms:list_submissions", args=[page.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def test_clinic_moderator_sees_own_clinic_submissions(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(submissions_url(contact_page))

    assert response.status_code == 200
    for value in PATIENT_VALUES:
        assert value in response.content.decode()


def test_clinic_moderator_exports_own_clinic_submissions_as_csv(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(submissions_url(contact_page, export="csv"))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response_bytes(response).decode("utf-8-sig"))))
    assert rows[0] == ["Submission date", "Your name", "Your email", "Message"]
    assert rows[1][1:] == [NAME, EMAIL, MESSAGE]


def test_clinic_moderator_exports_own_clinic_submissions_as_xlsx(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(submissions_url(contact_page, export="xlsx"))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response_bytes(response))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Submission date", "Your name", "Your email", "Message"]
    assert rows[1][1:] == [NAME, EMAIL, MESSAGE]


@pytest.mark.parametrize(
    "clinic_name, role",
    [("b", "moderators"), ("a", "editors"), ("a", "medical reviewers")],
    ids=["other-clinic-moderator", "own-clinic-editor", "own-clinic-reviewer"],
)
@pytest.mark.parametrize("export", [None, "csv", "xlsx"], ids=["list", "csv", "xlsx"])
def test_only_the_clinics_moderators_see_its_submissions_and_exports(
    client, clinics, submission_a, contact_page, clinic_name, role, export
):
    clinic = clinics[0] if clinic_name == "a" else clinics[1]
    client.force_login(role_user(clinic, role))

    response = client.get(submissions_url(contact_page, **({"export": export} if export else {})))

    assert_refused(response)


def test_submissions_results_fragment_is_refused_to_another_clinics_moderator(
    client, clinic_b, submission_a, contact_page
):
    client.force_login(role_user(clinic_b, "moderators"))

    response = client.get(reverse("wagtailforms:list_submissions_results", args=[contact_page.pk]))

    assert_refused(response)


def test_anonymous_visitor_is_sent_to_the_login_page(client, submission_a, contact_page):
    assert_refused(client.get(submissions_url(contact_page, export="csv")))


def test_forms_available_to_a_user_are_only_their_moderated_clinics_forms(
    clinics, contact_page, contact_page_b, superuser
):
    clinic_a, clinic_b = clinics

    assert list(get_forms_for_user(role_user(clinic_a, "moderators"))) == [contact_page.page_ptr]
    assert list(get_forms_for_user(role_user(clinic_b, "moderators"))) == [contact_page_b.page_ptr]
    assert not get_forms_for_user(role_user(clinic_a, "editors")).exists()
    assert not get_forms_for_user(role_user(clinic_a, "medical reviewers")).exists()
    assert set(get_forms_for_user(superuser)) == {contact_page.page_ptr, contact_page_b.page_ptr}


def test_forms_index_lists_only_the_forms_of_clinics_the_user_moderates(client, clinics, contact_page, contact_page_b):
    clinic_a, clinic_b = clinics
    # Moderator of A who also edits B's pages: B's form page is editable, but its submissions are not theirs.
    user = UserFactory(
        username="a-moderator-b-editor", groups=[clinic_a.groups["moderators"], clinic_b.groups["editors"]]
    )
    client.force_login(user)

    response = client.get(reverse("wagtailforms:index"))

    assert response.status_code == 200
    assert "Contact us" in response.content.decode()
    assert "Write to Spinal Diagnostics" not in response.content.decode()


def test_moderator_without_page_permissions_can_open_the_forms_index(client, clinic_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(reverse("wagtailforms:index"))

    assert response.status_code == 200
    assert "Contact us" in response.content.decode()


def test_forms_menu_is_shown_to_moderators_and_not_to_editors(client, clinic_a, contact_page):
    forms_menu_item = f'"url": "{reverse("wagtailforms:index")}"'

    client.force_login(role_user(clinic_a, "moderators"))
    assert forms_menu_item in client.get(reverse("wagtailadmin_home")).content.decode()

    client.force_login(role_user(clinic_a, "editors"))
    assert forms_menu_item not in client.get(reverse("wagtailadmin_home")).content.decode()


def delete_url(page, submission):
    return reverse("wagtailforms:delete_submissions", args=[page.pk]) + f"?selected-submissions={submission.pk}"


def test_clinic_moderator_can_delete_own_clinic_submission(client, clinic_a, submission_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    assert client.get(delete_url(contact_page, submission_a)).status_code == 200
    response = client.post(delete_url(contact_page, submission_a))

    assert response.status_code == 302
    assert not FormSubmission.objects.filter(pk=submission_a.pk).exists()


def test_other_clinics_moderator_cannot_delete_a_submission(
    client, clinic_b, submission_a, contact_page, contact_page_b
):
    client.force_login(role_user(clinic_b, "moderators"))

    assert_refused(client.get(delete_url(contact_page, submission_a)))
    assert_refused(client.post(delete_url(contact_page, submission_a)))
    # Through their own form page, with A's submission id: the deletion is limited to that page's submissions.
    client.post(delete_url(contact_page_b, submission_a))

    assert FormSubmission.objects.filter(pk=submission_a.pk).exists()


# --- Antispam building blocks --------------------------------------------------------------------------------------


def test_honeypot_problem_only_for_a_filled_in_honeypot():
    assert antispam.honeypot_problem("") is None
    assert antispam.honeypot_problem(None) is None
    assert antispam.honeypot_problem("   ") is None
    assert antispam.honeypot_problem("http://spam.example") == antispam.HONEYPOT


def test_time_token_problem_accepts_a_token_between_min_seconds_and_max_age():
    issued = 1_800_000_000
    token = antispam.issue_time_token("contact-page:1", now=issued)

    def problem(now, purpose="contact-page:1", token=token):
        return antispam.time_token_problem(token, purpose, now=now, min_seconds=3, max_age=3600)

    assert problem(issued + 3) is None
    assert problem(issued + 3600) is None
    assert problem(issued + 2) == antispam.TOO_FAST
    assert problem(issued - 60) == antispam.TOO_FAST  # "issued in the future" cannot be forged without the key
    assert problem(issued + 3601) == antispam.EXPIRED_TOKEN
    assert problem(issued + 10, purpose="contact-page:2") == antispam.BAD_TOKEN
    assert problem(issued + 10, token=token.replace(":", ";", 1)) == antispam.BAD_TOKEN
    assert problem(issued + 10, token="") == antispam.MISSING_TOKEN
    assert problem(issued + 10, token="garbage") == antispam.BAD_TOKEN


def test_time_token_cannot_be_backdated_without_the_secret_key():
    token = antispam.issue_time_token("contact-page:1", now=1_800_000_000)
    purpose, timestamp, signature = token.rsplit(":", 2)
    backdated = f"{purpose}:{antispam.signing.b62_encode(1_700_000_000)}:{signature}"

    assert antispam.time_token_problem(backdated, "contact-page:1", now=1_800_000_100) == antispam.BAD_TOKEN


def test_client_ip_trusts_only_as_many_forwarded_addresses_as_configured_proxies():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}

    assert antispam.client_ip(meta, trusted_proxies=0) == "10.0.0.2"
    assert antispam.client_ip(meta, trusted_proxies=1) == "203.0.113.7"  # 6.6.6.6 was written by the client
    assert antispam.client_ip(meta, trusted_proxies=2) == "6.6.6.6"
    assert antispam.client_ip(meta, trusted_proxies=3) == "10.0.0.2"
    assert antispam.client_ip({"REMOTE_ADDR": "10.0.0.2"}, trusted_proxies=1) == "10.0.0.2"


def test_rate_limit_key_is_a_keyed_hash_of_the_ip():
    key = antispam.rate_limit_key("contact", "203.0.113.7", "secret-one")

    assert "203.0.113.7" not in key
    assert re.fullmatch(r"antispam:contact:[0-9a-f]{64}", key)
    assert key == antispam.rate_limit_key("contact", "203.0.113.7", "secret-one")
    assert key != antispam.rate_limit_key("contact", "203.0.113.8", "secret-one")
    assert key != antispam.rate_limit_key("contact", "203.0.113.7", "secret-two")
    assert key != antispam.rate_limit_key("messages", "203.0.113.7", "secret-one")


def test_take_rate_limit_slot_allows_count_per_window_then_refuses():
    assert antispam.take_rate_limit_slot(cache, "k1", seconds=60, limit=2)
    assert antispam.take_rate_limit_slot(cache, "k1", seconds=60, limit=2)
    assert not antispam.take_rate_limit_slot(cache, "k1", seconds=60, limit=2)
    assert antispam.take_rate_limit_slot(cache, "k2", seconds=60, limit=1)
    assert antispam.take_rate_limit_slot(cache, "k3", seconds=0, limit=1)
    assert antispam.take_rate_limit_slot(cache, "k3", seconds=0, limit=1)


def test_take_rate_limit_slot_opens_a_new_window_when_the_old_one_ends():
    assert antispam.take_rate_limit_slot(cache, "k", seconds=1)
    assert not antispam.take_rate_limit_slot(cache, "k", seconds=1)
    time.sleep(1.1)
    assert antispam.take_rate_limit_slot(cache, "k", seconds=1)


@pytest.mark.services
@pytest.mark.parametrize("limit", [1, 3])
def test_rate_limit_admits_exactly_the_limit_when_many_processes_share_redis(settings, limit):
    """Separate cache clients stand for separate app servers racing for the same address's slot."""
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"antispam:race-test:{uuid.uuid4().hex}"
    clients = [caches.create_connection("default") for _ in range(8)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda client: antispam.take_rate_limit_slot(client, key, seconds=30, limit=limit), clients * 4)
        )

    assert results.count(True) == limit


def test_spam_policy_reads_prefixed_settings_and_refuses_nonsense(settings):
    settings.CONTACT_TIME_TRAP_SECONDS = 5
    settings.CONTACT_RATE_LIMIT_SECONDS = 60
    settings.CONTACT_RATE_LIMIT_COUNT = 3

    assert antispam.SpamPolicy.from_settings("CONTACT") == antispam.SpamPolicy(
        min_seconds=5, max_age=86400, rate_limit_seconds=60, rate_limit_count=3
    )

    settings.CONTACT_RATE_LIMIT_SECONDS = -1
    with pytest.raises(antispam.ImproperlyConfigured):
        antispam.SpamPolicy.from_settings("CONTACT")


def test_spam_protected_form_mixin_works_on_any_django_form():
    """The patient-messages form will reuse the mixin on a plain Django form."""
    from django import forms

    class MessageForm(antispam.SpamProtectedFormMixin, forms.Form):
        body = forms.CharField()

    empty = MessageForm(spam_purpose="messages")
    token = empty.time_token.value()
    assert antispam.time_token_problem(token, "messages", now=time.time() + 5) is None
    assert [field.name for field in empty.patient_fields] == ["body"]

    too_fast = MessageForm({"body": "Hello", "form-token": token}, spam_purpose="messages")
    assert not too_fast.is_valid()
    assert too_fast.spam_problem == antispam.TOO_FAST

    ok = MessageForm(
        {"body": "Hello", "form-token": antispam.issue_time_token("messages", now=time.time() - 5)},
        spam_purpose="messages",
    )
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data == {"body": "Hello"}
