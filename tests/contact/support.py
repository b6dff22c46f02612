"""Shared by the contact-page tests: what a patient types and how a test posts it through the real page."""

import re
import time

from django.urls import reverse

from pages import antispam

NAME = "Jane Patient"
EMAIL = "jane.patient@example.org"
MESSAGE = "My lower back has hurt since Tuesday."
PATIENT_VALUES = (NAME, EMAIL, MESSAGE)


def page_path(page):
    return page.get_url_parts()[2]


def host_of(page):
    return page.get_site().hostname


def old_enough_token(page, seconds_ago=10):
    """A genuine token for `page`'s form, issued long enough ago to pass the time trap."""
    return antispam.issue_time_token(page.form_purpose(), now=time.time() - seconds_ago)


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


def follow(client, page, response):
    """The page a stored submission redirects to (POST/redirect/GET)."""
    assert response.status_code == 303, response.status_code
    return client.get(response["Location"], HTTP_HOST=host_of(page))


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


# One field of the contact page's form as the admin's form builder posts it.
NAME_FIELD = {
    "label": "Your name",
    "field_type": "singleline",
    "required": "on",
    "choices": "",
    "default_value": "",
    "help_text": "",
}
