"""Procedure pages: what a procedure is, how it works, the day itself, benefits and risks."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from pages.clinics.models import ClinicSettings
from pages.content import schema
from pages.content.blocks import PARAGRAPH_FEATURES, ContentStreamBlock, FAQStreamBlock, StepStreamBlock
from pages.content.mixins import MedicalReviewMixin, PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.recovery import RecoveryGuidancePage
from pages.content.references import PageReferencesMixin
from pages.patient_messages.page import PatientMessagesMixin


class ProcedurePage(PageReferencesMixin, MedicalReviewMixin, PatientMessagesMixin, PatientTextMixin, Page):
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
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="hero image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional picture at the top of the page. It is decorative: the text must make sense without it.",
    )
    what_it_is = RichTextField(
        "what it is and what it treats",
        features=PARAGRAPH_FEATURES,
        help_text="What the procedure is and which pain or condition it helps.",
    )
    how_it_works = RichTextField(
        "how it works",
        features=PARAGRAPH_FEATURES,
        help_text="The medicines used (e.g. a numbing medicine and a steroid) and how the doctor guides the needle "
        "(e.g. live X-ray, called fluoroscopy).",
    )
    benefits = RichTextField(
        "benefits",
        features=PARAGRAPH_FEATURES,
        help_text="What patients can hope for, e.g. less pain and easier movement.",
    )
    relief_duration = models.CharField(
        "how long relief lasts",
        max_length=200,
        blank=True,
        help_text="e.g. 'Several weeks to several months; it is different for everyone.'",
    )
    preparation = RichTextField(
        "preparing for the procedure",
        features=PARAGRAPH_FEATURES,
        help_text="What to do before the day, e.g. medicines to pause, eating, bringing a driver.",
    )
    positioning = models.CharField(
        "how you will be positioned",
        max_length=250,
        blank=True,
        help_text="e.g. 'You lie face down, or sit up, depending on which joint is treated.'",
    )
    duration = models.CharField(
        "how long it takes",
        max_length=200,
        blank=True,
        help_text="e.g. 'The injection takes a few minutes. Plan to be with us for about an hour.'",
    )
    day_steps = StreamField(
        StepStreamBlock(),
        verbose_name="on the day, step by step",
        blank=True,
        help_text="One step per item, in order, e.g. 'We clean the skin', 'We numb the area'.",
    )
    risks = RichTextField(
        "risks and side effects",
        features=PARAGRAPH_FEATURES,
        help_text="Common and rare side effects, honestly and plainly.",
    )
    faq = StreamField(
        FAQStreamBlock(),
        verbose_name="questions and answers",
        blank=True,
        help_text="Questions patients often ask.",
    )
    body = StreamField(
        ContentStreamBlock(),
        verbose_name="more information",
        blank=True,
        help_text="Anything else, built from headings, paragraphs, steps, callouts, images and a 'call us' box.",
    )
    procedure_type = models.CharField(
        "procedure type",
        max_length=40,
        choices=PROCEDURE_TYPES,
        default="PercutaneousProcedure",
        help_text="For search engines (schema.org). An injection is 'through the skin'.",
    )
    body_location = models.CharField(
        "body location",
        max_length=200,
        help_text="Where on the body, for search engines, e.g. 'Facet joints of the neck or lower back'.",
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("what_it_is"),
        index.SearchField("how_it_works"),
        index.SearchField("body"),
    ]

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

    parent_page_types = ["pages.ClinicHomePage"]
    subpage_types = ["pages.RecoveryGuidancePage"]

    class Meta:
        verbose_name = "procedure page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        recovery_pages = list(self.get_children().live().public().type(RecoveryGuidancePage))
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
