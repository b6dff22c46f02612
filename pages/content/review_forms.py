"""The admin form of clinical pages: a draft saves without review dates, going live needs a recorded review.

Only the form knows which button was pressed (as for ClinicFormPageForm in references.py): Publish by someone who may
publish the page counts as their medical review and records it (review_workflow.apply_review); submitting for or
approving the medical review needs a clinician who can be named as the reviewer. The audit entry of a review recorded
here is written once the page has its new revision (pages/review/wagtail_hooks.py, before_publish_page).
"""

from django.utils import timezone

from pages.content.mixins import NO_REVIEWER, MedicalReviewRefused
from pages.content.references import ClinicPageForm
from pages.content.review_workflow import apply_review, live_due_date, reviewer_for

SUBMIT_NEEDS_REVIEWER = (
    "Choose the medical reviewer (Medical review, on the Content tab) before submitting this page for medical review."
)


class ClinicalPageForm(ClinicPageForm):
    """For pages with a medical review (ProcedurePage, RecoveryGuidancePage)."""

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        page = self.instance
        page.reviewer = cleaned_data.get("reviewer")
        if self.data.get("action-publish") and self.user_may_publish():
            try:
                apply_review(page, self.for_user, timezone.localdate(), previous_due=live_due_date(page))
            except MedicalReviewRefused as refused:
                self.add_error(None, str(refused))
                return cleaned_data
            # ModelForm copies cleaned_data onto the page after clean(): the recorded values must be there too.
            cleaned_data["reviewer"] = page.reviewer
            cleaned_data["next_review_due"] = page.next_review_due
            page._review_recorded_by = self.for_user
        elif self.data.get("action-submit") and page.reviewer is None:
            self.add_error("reviewer", SUBMIT_NEEDS_REVIEWER)
        elif self.approving() and reviewer_for(page, self.for_user) is None:
            self.add_error("reviewer", NO_REVIEWER)
        return cleaned_data

    def approving(self):
        return bool(self.data.get("action-workflow-action")) and self.data.get("workflow-action-name") == "approve"

    def user_may_publish(self):
        """As Wagtail's create and edit views decide whether "action-publish" publishes or only saves a draft."""
        if self.for_user is None:
            return False
        if self.instance.pk:
            return self.instance.permissions_for_user(self.for_user).can_publish()
        return (
            self.parent_page is not None and self.parent_page.permissions_for_user(self.for_user).can_publish_subpage()
        )
