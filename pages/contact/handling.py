"""Which contact-form submissions a user may read, and marking them new or handled, with the audit trail.

Every admin view of submissions starts from `submissions_for(user)`: the submissions of the form pages whose
clinic the user may read submissions of (Wagtail's `get_forms_for_user`, narrowed by the hook in admin.py). Another
clinic's submission is then simply not found, whatever the URL or the posted ids.
"""

import uuid

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.forms.utils import get_forms_for_user
from wagtail.log_actions import log

from pages.contact.models import ContactSubmissionState, SubmissionState

# The format of dates in the admin, as on patient messages' own pages ("2 Dec 2026, 19:34").
DATE_FORMAT = "j M Y, H:i"
LOG_ACTIONS = {
    SubmissionState.NEW: ("pages.form_submission.new", "Mark contact submission as new", "Marked as new"),
    SubmissionState.HANDLED: (
        "pages.form_submission.handled",
        "Mark contact submission as handled",
        "Marked as handled",
    ),
}


def admin_date(value):
    """A date and time as the admin shows them, in the install's time zone."""
    return format_date(timezone.localtime(value), DATE_FORMAT)


def register_log_actions(actions):
    """Wagtail `register_log_actions` hook: the two state changes, as history and the audit log name them."""
    for action, label, message in LOG_ACTIONS.values():
        actions.register_action(action, label, message)


def forms_for(user):
    """The form pages whose submissions `user` may read and handle (a Page queryset)."""
    return get_forms_for_user(user)


def submissions_for(user):
    """Every submission `user` may read and handle; empty for users who may read none."""
    return FormSubmission.objects.filter(page__in=forms_for(user).values("pk"))


def is_handled():
    """A filter condition on FormSubmission: marked handled. Everything else (no state row, or "new") is new."""
    return Q(contact_state__status=SubmissionState.HANDLED)


def new_submissions_count():
    """An annotation of form pages: how many of their submissions are new.

    FormSubmission's page foreign key has no related name: `formsubmission` is Django's default one.
    """
    not_handled = Q(formsubmission__isnull=False) & ~Q(formsubmission__contact_state__status=SubmissionState.HANDLED)
    return Count("formsubmission", filter=not_handled)


def filter_by_state(submissions, state):
    if state == SubmissionState.HANDLED:
        return submissions.filter(is_handled())
    if state == SubmissionState.NEW:
        return submissions.exclude(is_handled())
    return submissions


def state_of(submission):
    """The submission's state row, or None while nobody has marked it (it is new)."""
    try:
        return submission.contact_state
    except ContactSubmissionState.DoesNotExist:
        return None


def status_of(submission):
    state = state_of(submission)
    return state.status if state is not None else SubmissionState.NEW


def audit_label(submission, page_title):
    """The audit entry's label: the form and the date, never what the patient typed (FormSubmission's __str__)."""
    return f'Submission to "{page_title}", {admin_date(submission.submit_time)}'


def set_state(submissions, status, user, *, bulk=False):
    """Mark the submissions of `submissions` (already narrowed to the user's) `status`; returns those changed.

    Rows already in that state are left alone and not logged. The rows are locked and re-read, so two people
    marking the same submission log one change, not two.
    """
    if status not in SubmissionState.values:
        raise ValueError(f"Unknown submission state {status!r}")
    action = LOG_ACTIONS[status][0]
    now = timezone.now()
    changed = []
    with transaction.atomic():
        locked = list(submissions.select_for_update(of=("self",)).select_related("page").order_by("pk"))
        states = {
            row.pk: row
            for row in ContactSubmissionState.objects.filter(pk__in=[submission.pk for submission in locked])
        }
        for submission in locked:
            state = states.get(submission.pk)
            previous = state.status if state is not None else SubmissionState.NEW
            if previous == status:
                continue
            ContactSubmissionState.objects.update_or_create(
                submission=submission, defaults={"status": status, "changed_by": user, "changed_at": now}
            )
            # One uuid per entry: Wagtail's History keeps only the latest entry of each (uuid, action) pair.
            log(
                submission,
                action,
                user=user,
                uuid=uuid.uuid4(),
                title=audit_label(submission, submission.page.title),
                data={"from": previous, "to": status, "bulk": bulk},
            )
            changed.append(submission)
    return changed
