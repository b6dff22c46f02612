"""Procedure pages: what a procedure is, how it works, the day itself, benefits and risks."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.clinics.models import ClinicSettings
from pages.content import schema
from pages.content.blocks import ContentStreamBlock, FAQStreamBlock, StepStreamBlock
from pages.content.mixins import MedicalReviewMixin, PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.recovery import RecoveryGuidancePage
from pages.content.references import PageReferencesMixin
from pages.content.review_forms import ClinicalPageForm
from pages.content.visibility import ViewRestrictionsMixin, public
from pages.fields import line, optional_image, paragraphs, stream_of
from pages.patient_messages.page import PatientMessagesMixin


class ProcedurePage(
    ViewRestrictionsMixin, PageReferencesMixin, MedicalReviewMixin, PatientMessagesMixin, PatientTextMixin, Page
):
    """One procedure a clinic offers, e.g. facet joint injections, explained for patients."""

    # schema.org MedicalProcedureType values.
    PROCEDURE_TYPES = [
        ("PercutaneousProcedure", "Through the skin (needle or injection)"),
        ("NoninvasiveProcedure", "Non-invasive"),
        ("SurgicalProcedure", "Surgical"),
    ]

    summary = models.TextField(
        "summary",
        max_length=400,
        help_text="Two or three plain sentences shown at the top and in search results, e.g. 'A facet joint "
        "injection puts medicine into a small joint in your spine to ease back or neck pain.'",
    )
    hero_image = optional_image(
        "hero image",
        "Optional picture at the top of the page. It is decorative: the text must make sense without it.",
    )
    what_it_is = paragraphs(
        "what it is and what it treats",
        "What the procedure is and which pain or condition it helps.",
    )
    how_it_works = paragraphs(
        "how it works",
        "The medicines used (e.g. a numbing medicine and a steroid) and how the doctor guides the needle "
        "(e.g. live X-ray, called fluoroscopy).",
    )
    benefits = paragraphs(
        "benefits",
        "What patients can hope for, e.g. less pain and easier movement.",
    )
    relief_duration = line(
        "how long relief lasts",
        "e.g. 'Several weeks to several months; it is different for everyone.'",
    )
    preparation = paragraphs(
        "preparing for the procedure",
        "What to do before the day, e.g. medicines to pause, eating, bringing a driver.",
    )
    positioning = line(
        "how you will be positioned",
        "e.g. 'You lie face down, or sit up, depending on which joint is treated.'",
        max_length=250,
    )
    duration = line(
        "how long it takes",
        "e.g. 'The injection takes a few minutes. Plan to be with us for about an hour.'",
    )
    day_steps = stream_of(
        StepStreamBlock(),
        "on the day, step by step",
        "One step per item, in order, e.g. 'We clean the skin', 'We numb the area'.",
    )
    risks = paragraphs(
        "risks and side effects",
        "Common and rare side effects, honestly and plainly.",
    )
    faq = stream_of(
        FAQStreamBlock(),
        "questions and answers",
        "Questions patients often ask.",
    )
    body = stream_of(
        ContentStreamBlock(),
        "more information",
        "Anything else, built from headings, paragraphs, steps, callouts, images and a 'call us' box.",
    )
    procedure_type = models.CharField(
        "procedure type",
        max_length=40,
        choices=PROCEDURE_TYPES,
        default="PercutaneousProcedure",
        help_text="For search engines (schema.org). An injection is 'through the skin'.",
    )
    body_location = line(
        "body location",
        "Where on the body, for search engines, e.g. 'Facet joints of the neck or lower back'.",
        blank=False,
    )

    # Going live needs a recorded medical review (review_forms.py).
    base_form_class = ClinicalPageForm
    settings_panels = Page.settings_panels + PatientMessagesMixin.message_panels
    content_panels = Page.content_panels + [
        ReadingGradePanel(),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("what_it_is"),
        FieldPanel("how_it_works"),
        MultiFieldPanel([FieldPanel("benefits"), FieldPanel("relief_duration")], heading="Benefits"),
        FieldPanel("preparation"),
        MultiFieldPanel(
            [FieldPanel("positioning"), FieldPanel("duration"), FieldPanel("day_steps")],
            heading="On the day",
        ),
        FieldPanel("risks"),
        FieldPanel("faq"),
        FieldPanel("body"),
        *MedicalReviewMixin.review_panels,
    ]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel([FieldPanel("procedure_type"), FieldPanel("body_location")], heading="Search engines")
    ]

    patient_text_fields = (
        "summary",
        "what_it_is",
        "how_it_works",
        "benefits",
        "relief_duration",
        "preparation",
        "positioning",
        "duration",
        "day_steps",
        "risks",
        "faq",
        "body",
    )
    # Every patient-facing section is searchable, not only the first few.
    search_fields = Page.search_fields + [index.SearchField(name) for name in patient_text_fields]

    parent_page_types = ["pages.ClinicHomePage", "pages.TreatmentsIndexPage"]
    subpage_types = ["pages.RecoveryGuidancePage"]

    class Meta:
        verbose_name = "procedure page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A page without children (numchild, kept by the tree) needs no query for them.
        recovery_pages = list(public(self.get_children().live().type(RecoveryGuidancePage))) if self.numchild else []
        context["recovery_pages"] = recovery_pages
        clinic = ClinicSettings.for_request(request)
        recovery_urls = [page.get_full_url(request) for page in recovery_pages]
        url = self.get_full_url(request)
        context["schema"] = schema.medical_web_page(
            self,
            url,
            clinic,
            request.build_absolute_uri("/"),
            about=schema.medical_procedure(self, url, recovery_urls),
        )
        return context
