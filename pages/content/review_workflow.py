"""A medical review, recorded: the date, the reviewer and an audit entry, written when a clinical page is approved.

`finish_review_workflow` is Wagtail's WAGTAIL_FINISH_WORKFLOW_ACTION: when the clinic's review workflow approves a
clinical page, the approved content gets today's review date and the approving clinician as its reviewer, as a new
revision by the approver, and only then goes live. Editors cannot type a review date: only an approval (or a publish
by someone entitled to approve) writes one, and the page's history says who.

Wagtail imports this module while its own models load (the setting is read in a class body), so models are imported
inside the functions.
"""

import datetime

from django.utils import timezone
from wagtail.log_actions import LogFormatter

REVIEW_RECORDED = "pages.medical_review_recorded"


def recorded_due_date(today, requested_due, previous_due):
    """The next review date a review on `today` records.

    One year after `today`, unless the editor asked for another date for this review: one still in the future and
    not the date the page already carried (which belongs to the previous review).
    """
    from pages.content.mixins import one_year_after

    if requested_due and requested_due > today and requested_due != previous_due:
        return requested_due
    return one_year_after(today)


def reviewer_for(page, user):
    """The clinician a review by `user` names: their own clinician record in the page's clinic, else the page's choice.

    Returns None when there is neither.
    """
    from pages.clinics.clinicians import Clinician
    from pages.clinics.scope import clinic_of

    place = page if page.path else getattr(page, "creation_parent", None)
    clinic = clinic_of(place) if place is not None else None
    if clinic is not None and user is not None and user.pk:
        own = Clinician.objects.filter(site_id=clinic.pk, user=user).first()
        if own is not None:
            return own
    return page.reviewer


def apply_review(page, user, today=None, previous_due=None):
    """Set the review fields of `page` (not saved) for a review by `user` today; raise MedicalReviewRefused when
    nobody can be named as the reviewer."""
    from pages.content.mixins import NO_REVIEWER, MedicalReviewRefused

    today = today or timezone.localdate()
    reviewer = reviewer_for(page, user)
    if reviewer is None:
        raise MedicalReviewRefused(NO_REVIEWER)
    page.reviewer = reviewer
    page.next_review_due = recorded_due_date(today, page.next_review_due, previous_due)
    page.last_reviewed = today
    return page


def log_review(page, user, revision=None):
    from wagtail.log_actions import log

    log(
        instance=page,
        action=REVIEW_RECORDED,
        user=user,
        revision=revision,
        data={
            "last_reviewed": page.last_reviewed.isoformat(),
            "next_review_due": page.next_review_due.isoformat(),
            "reviewer": {"id": page.reviewer.pk, "name": page.reviewer.name},
        },
    )


def is_clinical(page):
    from pages.content.mixins import MedicalReviewMixin

    return isinstance(page, MedicalReviewMixin)


def has_recorded_review(page):
    """Whether the version of `page` that publishing would put live (its latest revision) names a review."""
    revision = page.get_latest_revision()
    content = revision.as_object() if revision is not None else page.specific
    return content.review_is_recorded()


def live_due_date(page):
    """The next review date of the page's live version (its database row), None for a page never published."""
    if not page.pk or not page.live:
        return None
    return type(page).objects.filter(pk=page.pk).values_list("next_review_due", flat=True).first()


def finish_review_workflow(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish the approved object; a clinical page first records its review."""
    revision = workflow_state.content_object.get_latest_revision()
    content = revision.as_object()
    if is_clinical(content):
        apply_review(content, user, previous_due=live_due_date(content))
        revision = content.save_revision(user=user, log_action=False, clean=False)
        log_review(content, user, revision)
    revision.publish(user=user)


class ReviewRecordedFormatter(LogFormatter):
    label = "Medical review recorded"

    def format_message(self, log_entry):
        data = log_entry.data or {}
        try:
            date = datetime.date.fromisoformat(data.get("last_reviewed", ""))
        except ValueError:
            return self.label
        name = (data.get("reviewer") or {}).get("name", "")
        return f"Medical review recorded: {date.day} {date:%b %Y}" + (f" by {name}" if name else "")


def register_log_actions(actions):
    """Wagtail `register_log_actions` hook: the recorded medical review."""
    actions.register_action(REVIEW_RECORDED)(ReviewRecordedFormatter)
