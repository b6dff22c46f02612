"""Shared by the patient-message tests: what a patient types, and how a test views a page and posts the form
through the real middleware and Wagtail's page router. The moderators' side (the admin's URLs, each clinic's
distinctive data, the audit log) has its own helpers in moderation_support.py.
"""

import html
import re
import time

from pages import antispam
from pages.patient_messages.forms import form_purpose

NAME = "Jane Patient"
EMAIL = "jane.patient@example.org"
TEXT = "The injection helped a lot.\nI was back at work the next day."
IP = "203.0.113.7"
PATIENT_VALUES = (NAME, EMAIL, "The injection helped a lot", "back at work")
PHONE_TEXT = "It went well. Please call me back on 555 123 4567 about my next one."
URGENT_TEXT = "Since the injection I have a fever and new numbness in my left leg."


def path_of(page):
    return page.get_url_parts()[2]


def host_of(page):
    return page.get_site().hostname


def view(client, page, query=""):
    return client.get(path_of(page) + query, HTTP_HOST=host_of(page))


def token_for(page, seconds_ago=10):
    """A genuine one-time token for `page`'s form, issued long enough ago to pass the time trap."""
    return antispam.issue_time_token(form_purpose(page.pk), now=time.time() - seconds_ago)


def message_data(page, **overrides):
    data = {"name": NAME, "email": EMAIL, "message": TEXT, "hp-website": "", "form-token": token_for(page)}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def send(client, page, data=None, ip=IP, **extra):
    return client.post(
        path_of(page) + "messages/", data or message_data(page), HTTP_HOST=host_of(page), REMOTE_ADDR=ip, **extra
    )


def rendered_token(response):
    match = re.search(r'name="form-token" value="([^"]+)"', response.content.decode())
    return match and match.group(1)


def assert_kept_input(response, name=NAME, email=EMAIL, text=TEXT):
    """The page came back with the form filled in as typed and a summary of what went wrong."""
    page_html = response.content.decode()
    assert 'class="form-error-summary"' in page_html
    for field, value in [("name", name), ("email", email)]:
        # Django leaves the value attribute out when there is nothing to show.
        assert (
            f'name="{field}" value="{html.escape(value)}"' if value else f'name="{field}" autocomplete'
        ) in page_html
    assert f'id="patient-message-message">\n{html.escape(text)}</textarea>' in page_html


def everything_in(email):
    return " ".join(
        [email.subject, email.body, email.from_email, *email.to, *email.cc, *email.bcc, *email.reply_to]
        + [str(value) for value in email.extra_headers.values()]
        + [content for content, _mimetype in getattr(email, "alternatives", [])]
    )
