"""Patients' requests: export or erase everything held about one email address.

Used by the `patient_data` command. Everything a patient sent with one email address is either a PatientMessage
(author_email) or a contact-form FormSubmission (the value of one of the form's email fields). Audit entries and
log lines record that a request was handled, never what was held: no name, email address or text goes into either.
"""

import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.contrib.forms.models import FormSubmission

from pages.contact.models import ContactFormField
from pages.data_care.audit import MESSAGE_ERASE, MESSAGE_EXPORT, SUBMISSION_ERASE, SUBMISSION_EXPORT, audit
from pages.data_care.retention import clinic_names
from pages.patient_messages import moderation
from pages.patient_messages.models import PatientMessage, Status

logger = logging.getLogger(__name__)

EMAIL_HASH_SALT = "pages.data_care.email"


def normalise_email(address):
    """The address without surrounding spaces, or ValueError with a message for the operator."""
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValueError(f"{address!r} is not a valid email address.") from exc
    return address


def email_hash(address):
    """A short keyed hash of the address for log lines: lets operators match the lines of one request without
    the address itself. Keyed with SECRET_KEY, so it cannot be reversed by hashing a list of known addresses."""
    return salted_hmac(EMAIL_HASH_SALT, address.lower(), algorithm="sha256").hexdigest()[:16]


def messages_of(address):
    return PatientMessage.objects.filter(author_email__iexact=address)


def email_field_names():
    """{page id: [clean names of that contact page's email fields]}."""
    names = {}
    for page_id, clean_name in ContactFormField.objects.filter(field_type="email").values_list("page_id", "clean_name"):
        names.setdefault(page_id, []).append(clean_name)
    return names


def submissions_of(address):
    """Contact-form submissions whose email field holds `address` (in any case), in one query.

    Each page names its own fields, so the value is looked up under each page's email fields' clean names.
    """
    pages_by_field = {}
    for page_id, clean_names in email_field_names().items():
        for clean_name in clean_names:
            pages_by_field.setdefault(clean_name, []).append(page_id)
    if not pages_by_field:
        return FormSubmission.objects.none()
    aliases = {}
    condition = Q(pk__in=[])
    for index, (clean_name, page_ids) in enumerate(sorted(pages_by_field.items())):
        # A key transform, not a `form_data__<name>` lookup: a clean name is editor-made and must not be parsed
        # as lookup syntax.
        alias = f"email_value_{index}"
        aliases[alias] = KeyTextTransform(clean_name, "form_data")
        condition |= Q(page_id__in=page_ids, **{f"{alias}__iexact": address})
    return FormSubmission.objects.alias(**aliases).filter(condition)


def _iso(value):
    return value.isoformat() if value else None


def _message_record(message, clinics):
    return {
        "clinic": clinics[message.site_id],
        "page_title": message.page.title,
        "page_url": message.page.get_full_url(),
        "submitted": _iso(message.submitted_at),
        "status": message.status,
        "name": message.author_name,
        "email": message.author_email,
        "text": message.body,
        "reply": message.reply,
        "replied": _iso(message.replied_at),
        # The patient's request to be emailed when the clinic replies: still waiting, and when it was sent.
        "reply_notice_requested": message.reply_notice,
        "reply_notice_sent": _iso(message.reply_notice_sent_at),
        # The clinic's follow-up of an urgent message is about the patient too: a copy of their data includes it.
        "follow_up": message.followup_state or None,
        "follow_up_note": message.followup_note,
        "follow_up_recorded": _iso(message.followup_at),
    }


def _submission_record(submission, site, clinics, labels):
    page_labels = labels.get(submission.page_id, {})
    # Fields in the form's order under their labels; values under names no longer on the form keep their name.
    fields = {page_labels[name]: submission.form_data[name] for name in page_labels if name in submission.form_data}
    fields.update({name: value for name, value in submission.form_data.items() if name not in page_labels})
    return {
        "clinic": clinics.get(site.pk) if site else None,
        "page_title": submission.page.title,
        "page_url": submission.page.get_full_url(),
        "submitted": _iso(submission.submit_time),
        "fields": fields,
    }


def _site_of_pages(pages):
    sites = {}
    for page in pages:
        if page.pk not in sites:
            sites[page.pk] = page.get_site()
    return sites


@dataclass(frozen=True)
class RequestResult:
    """What a request found: counts only, so it can be printed and logged."""

    request_id: uuid.UUID
    messages: int
    submissions: int
    # Erase only: approved messages that were on a public page until now.
    taken_offline: int = 0


def export_patient_data(address, deliver, *, now=None):
    """Collect everything held about `address` as JSON-ready data and pass it to `deliver` (which writes it out).

    The audit entries saying it was exported are written in the same transaction as `deliver` runs in: if
    delivering fails, no entry claims an export that did not happen.
    """
    address = normalise_email(address)
    now = now or timezone.now()
    request_id = uuid.uuid4()
    with transaction.atomic():
        data, result = _collect_andaudit(address, request_id, now)
        deliver(data)
    _log_request("export", address, result)
    return result


def _collect_andaudit(address, request_id, now):
    messages = list(messages_of(address).select_related("page", "site").order_by("submitted_at", "pk"))
    submissions = list(submissions_of(address).select_related("page").order_by("submit_time", "pk"))
    sites_by_page = _site_of_pages(submission.page for submission in submissions)
    all_sites = {message.site for message in messages} | {site for site in sites_by_page.values() if site}
    clinics = clinic_names(all_sites)
    labels = {}
    for page_id, clean_name, label in ContactFormField.objects.filter(
        page_id__in={submission.page_id for submission in submissions}
    ).values_list("page_id", "clean_name", "label"):
        labels.setdefault(page_id, {})[clean_name] = label
    data = {
        "request": {"email": address, "exported_at": _iso(now)},
        "messages": [_message_record(message, clinics) for message in messages],
        "form_submissions": [
            _submission_record(submission, sites_by_page.get(submission.page_id), clinics, labels)
            for submission in submissions
        ],
    }
    for message in messages:
        audit(message, MESSAGE_EXPORT, request_id, {"request": "export"})
    for submission in submissions:
        audit(submission, SUBMISSION_EXPORT, request_id, {"request": "export", "page_id": submission.page_id})
    return data, RequestResult(request_id=request_id, messages=len(messages), submissions=len(submissions))


def erase_patient_data(address, *, dry_run=False, now=None):
    """Erase everything held about `address`, in one transaction; with `dry_run`, only count it.

    Messages keep their row (clinic, page, dates, status, flags) so moderation history and statistics stay
    whole, but lose the name, email, text, IP hash and the clinic's reply, are marked redacted and erased, and
    leave the public site. Contact-form submissions are deleted: a submission is nothing but what the patient
    typed, so a blanked one would be an empty row in the moderators' list. Each message and submission gets an
    audit entry with its id and the request's id, and no personal data.
    """
    address = normalise_email(address)
    now = now or timezone.now()
    request_id = uuid.uuid4()
    with transaction.atomic():
        # Locked (on PostgreSQL) so a moderator cannot approve a message between the erasure and its audit entry.
        messages = list(messages_of(address).select_for_update().only("pk", "page", "site", "status").order_by("pk"))
        submissions = list(submissions_of(address).select_for_update().only("pk", "page").order_by("pk"))
        result = RequestResult(
            request_id=request_id,
            messages=len(messages),
            submissions=len(submissions),
            taken_offline=sum(message.status == Status.APPROVED for message in messages),
        )
        if not dry_run:
            _erase_messages(messages, request_id, now)
            _erase_submissions(submissions, request_id)
    _log_request("erase (dry run, nothing changed)" if dry_run else "erase", address, result)
    return result


def _erase_messages(messages, request_id, now):
    for message in messages:
        audit(
            message,
            MESSAGE_ERASE,
            request_id,
            {
                "request": "erase",
                "fields": [*moderation.ERASED_MESSAGE_FIELDS, *moderation.ERASED_MESSAGE_REQUESTS],
                "status_before": message.status,
                "status_after": moderation.status_after_erase(message.status),
            },
        )
    moderation.erase(messages, now)


def _erase_submissions(submissions, request_id):
    for submission in submissions:
        audit(
            submission, SUBMISSION_ERASE, request_id, {"request": "erase", "page_id": submission.page_id}, deleted=True
        )
    FormSubmission.objects.filter(pk__in=[submission.pk for submission in submissions]).delete()


def _log_request(kind, address, result):
    # Counts, the request id (also in every audit entry's data) and a keyed hash of the address: never the address.
    offline = f" ({result.taken_offline} taken off the public site)" if kind.startswith("erase") else ""
    logger.info(
        "Patient data %s: email hash %s, request %s, %d message(s)%s, %d contact-form submission(s).",
        kind,
        email_hash(address),
        result.request_id,
        result.messages,
        offline,
        result.submissions,
    )
