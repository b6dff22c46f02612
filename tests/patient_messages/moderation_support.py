"""Shared by the moderators' admin tests: the admin's URLs, clinic A's and clinic B's distinctive patient data, and
helpers that read responses and the audit log.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from pages.models import PatientMessage

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


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def label(message):
    """How the admin and the audit log name a message: "Alice A. on <page>, 2 Dec" (the year when not this one)."""
    first, *others = message.author_name.split()
    who = f"{first} {others[-1][0]}." if others else first
    day = timezone.localdate(message.submitted_at)
    year = "" if day.year == timezone.localdate().year else f" {day.year}"
    return f"{who} on {message.page.title}, {day.day} {MONTHS[day.month - 1]}{year}"


def id_label(message):
    """The model's own name for a message (`str`), which names no patient."""
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
