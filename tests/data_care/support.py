"""Shared by the data-care tests (`purge_messages` and `patient_data`): two patients' data, and helpers that run
the commands and read the audit log.
"""

import datetime
import io
import json

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

JANE = ("Jane Patient", "jane.patient@example.org", "The injection on my neck helped within two days.")
OTHER = ("Olu Other", "olu.other@example.com", "My lower back still hurts after the second injection.")
# Jane's contact-form texts; the other patient's is OTHER[2] too, so one search proves both kinds stay out.
JANE_QUESTION_A = "Can I bring my daughter to the appointment?"
JANE_QUESTION_B = "Do you have parking near the entrance?"


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def personal_values():
    return [*JANE, *OTHER, "Jane P.", "Jane.Patient@Example.ORG", "jane.patient", JANE_QUESTION_A, JANE_QUESTION_B]


def entries_of(model):
    return ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))


def assert_one_request(*querysets):
    entries = [entry for queryset in querysets for entry in queryset]
    # One request id links the entries; each has its own uuid, or Wagtail's History view, which keeps the latest
    # entry per (uuid, action) across all objects, would show the entry on one message only.
    assert len({entry.data["request_id"] for entry in entries}) == 1
    assert len({entry.uuid for entry in entries}) == len(entries)


def entry_text(entry):
    return json.dumps([entry.label, entry.action, entry.data, entry.object_id, str(entry)])
