"""The audit-log actions of patients' requests (export and erasure), for messages and contact-form submissions."""

import uuid

from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_action_registry

MESSAGE_EXPORT = "pages.message.export"
MESSAGE_ERASE = "pages.message.erase"
SUBMISSION_EXPORT = "pages.form_submission.export"
SUBMISSION_ERASE = "pages.form_submission.erase"
LOG_ACTIONS = {
    MESSAGE_EXPORT: ("Export patient data", "Exported on the patient's request"),
    MESSAGE_ERASE: ("Erase patient data", "Erased on the patient's request (name, email, text and reply)"),
    SUBMISSION_EXPORT: ("Export patient data", "Exported on the patient's request"),
    SUBMISSION_ERASE: ("Erase patient data", "Deleted on the patient's request"),
}


def register_log_actions(actions):
    """Wagtail `register_log_actions` hook: the audit-log actions of data-care requests.

    Wagtail refuses to save a log entry whose action is not registered, so the `patient_data` command checks
    this first (see `missing_log_actions`).
    """
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


def missing_log_actions():
    return [action for action in LOG_ACTIONS if not log_action_registry.action_exists(action)]


def audit(instance, action, request_id, data, **kwargs):
    """One audit entry about `instance`, tied to the request by its id in `data`.

    Each entry gets its own uuid: Wagtail's History view keeps only the latest entry of each (uuid, action) pair
    across all objects, so entries sharing the request's uuid would hide each other.
    """
    if isinstance(instance, FormSubmission):
        # FormSubmission.__str__ is its whole form_data: never let Wagtail use it as the entry's label.
        kwargs["title"] = f"Form submission #{instance.pk} on page #{instance.page_id}"
    log(instance, action, user=None, uuid=uuid.uuid4(), data={**data, "request_id": str(request_id)}, **kwargs)
