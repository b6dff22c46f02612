"""Behaviour shared by clinical pages (procedures and recovery guidance): medical review and reading grade."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField

from pages.content.readability import as_sentence, html_to_text, reading_grade, stream_text

REVIEW_INTERVAL_YEARS = 1
NO_REVIEWER = (
    "Choose the medical reviewer (Medical review, on the Content tab) before this page is approved or published: "
    "a clinical page must say which clinician reviewed it."
)
NOT_REVIEWED = "A clinical page goes live only once a medical reviewer has approved it."


class MedicalReviewRefused(PermissionDenied):
    """A clinical page cannot go live: it has no recorded review, or nobody could be named as its reviewer."""


def one_year_after(date):
    try:
        return date.replace(year=date.year + REVIEW_INTERVAL_YEARS)
    except ValueError:  # 29 February
        return date.replace(year=date.year + REVIEW_INTERVAL_YEARS, day=28)


class MedicalReviewMixin(models.Model):
    """Who checked a clinical page, when, and when it must be checked again (shown to patients, NHS.UK style)."""

    reviewer = models.ForeignKey(
        "pages.Clinician",
        verbose_name="medical reviewer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The clinic's clinician who checks this page. Add clinicians under Clinicians.",
    )
    last_reviewed = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="Set when a medical reviewer approves the page in the clinic's medical review.",
    )
    next_review_due = models.DateField(
        "next review due",
        null=True,
        blank=True,
        help_text="Leave empty for one year after the last review.",
    )

    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("reviewer"),
                # Written by the approval alone (review_workflow.py): nobody can back-date a review.
                FieldPanel("last_reviewed", read_only=True),
                FieldPanel(
                    "next_review_due",
                    help_text="Leave empty for one year after the review. Another date still to come, e.g. six "
                    "months for a new procedure, is kept when a medical reviewer approves the page.",
                ),
            ],
            heading="Medical review",
        )
    ]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = one_year_after(self.last_reviewed)
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        # Fill the default before validation, so an empty "next review due" is not reported as missing.
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = one_year_after(self.last_reviewed)
        super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.last_reviewed and self.next_review_due and self.next_review_due <= self.last_reviewed:
            raise ValidationError({"next_review_due": "The next review must come after the last review."})

    def publish(self, revision, *args, **kwargs):
        # The last line behind every way of publishing (editor, bulk action, schedule, revision restore): a clinical
        # page goes live only with a recorded review. The admin forms and hooks refuse earlier, with a message.
        if not revision.as_object().review_is_recorded():
            raise MedicalReviewRefused(NOT_REVIEWED)
        return super().publish(revision, *args, **kwargs)

    def review_is_recorded(self):
        """Whether this version names its review: a date and a clinician (only an approval writes them)."""
        return bool(self.last_reviewed and self.reviewer_id)

    def review_is_overdue(self, today=None):
        today = today or timezone.localdate()
        return bool(self.next_review_due and self.next_review_due < today)


class PatientTextMixin:
    """Collects the patient-facing words of a page for its reading grade.

    `patient_text_fields` names the page's text, rich text and StreamField fields in reading order.
    """

    patient_text_fields = ()

    def patient_text(self):
        parts = [as_sentence(self.title)]
        for name in self.patient_text_fields:
            field = self._meta.get_field(name)
            value = getattr(self, name)
            if isinstance(field, StreamField):
                parts += [as_sentence(text) for text in stream_text(field.stream_block, value)]
            elif isinstance(field, RichTextField):
                parts.append(html_to_text(value or ""))
            elif value:
                parts.append(as_sentence(str(value)))
        return " ".join(part for part in parts if part)

    def reading_grade(self, target):
        return reading_grade(self.patient_text(), target)
