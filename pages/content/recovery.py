"""Recovery guidance: what to expect after a procedure, as a timeline, with clear advice on when to call."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.clinics.models import ClinicSettings
from pages.content import schema
from pages.content.blocks import ContentStreamBlock, TimelineStreamBlock
from pages.content.mixins import MedicalReviewMixin, PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.references import PageReferencesMixin
from pages.content.review_forms import ClinicalPageForm
from pages.content.visibility import ViewRestrictionsMixin
from pages.fields import paragraphs, stream_of
from pages.patient_messages.page import PatientMessagesMixin


class RecoveryGuidancePage(
    ViewRestrictionsMixin, PageReferencesMixin, MedicalReviewMixin, PatientMessagesMixin, PatientTextMixin, Page
):
    """After-care for one procedure ("What to expect after ..."), printable as a one- or two-page sheet."""

    summary = models.TextField(
        "summary",
        max_length=400,
        help_text="Two or three plain sentences, e.g. 'Most people go home the same day and feel better within "
        "one or two days.'",
    )
    timeline = stream_of(
        TimelineStreamBlock(),
        "timeline",
        "One stage per item, in order: right after, the same day, the next day, after 1-2 days, the "
        "following weeks. Each says what to expect and what to do.",
        blank=False,
    )
    activity_advice = paragraphs(
        "activity and exercise",
        "When to rest, when to go back to normal activities, and which exercise or physical therapy helps.",
    )
    warning_signs = paragraphs(
        "when to call the clinic",
        "Signs that need a call, as a list, e.g. fever, new numbness or weakness, pain that keeps "
        "getting worse. The clinic's phone number is shown with it.",
    )
    body = stream_of(
        ContentStreamBlock(),
        "more information",
        "Anything else, built from headings, paragraphs, steps, callouts, images and a 'call us' box.",
    )

    # Going live needs a recorded medical review (review_forms.py).
    base_form_class = ClinicalPageForm
    settings_panels = Page.settings_panels + PatientMessagesMixin.message_panels
    content_panels = Page.content_panels + [
        ReadingGradePanel(),
        FieldPanel("summary"),
        FieldPanel("timeline"),
        FieldPanel("activity_advice"),
        FieldPanel("warning_signs"),
        FieldPanel("body"),
        *MedicalReviewMixin.review_panels,
    ]

    patient_text_fields = ("summary", "timeline", "activity_advice", "warning_signs", "body")
    # Every patient-facing section is searchable, not only the first few.
    search_fields = Page.search_fields + [index.SearchField(name) for name in patient_text_fields]

    parent_page_types = ["pages.ProcedurePage"]
    subpage_types = []

    class Meta:
        verbose_name = "recovery guidance page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        procedure = self.get_parent().specific
        context["procedure"] = procedure
        clinic = ClinicSettings.for_request(request)
        procedure_url = procedure.get_full_url(request)
        context["schema"] = schema.medical_web_page(
            self,
            self.get_full_url(request),
            clinic,
            request.build_absolute_uri("/"),
            about=schema.medical_procedure(procedure, procedure_url, [self.get_full_url(request)]),
        )
        return context
