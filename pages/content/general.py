"""General content pages (About us, Insurance, Directions, Privacy notice): the same blocks and reading grade."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.content.blocks import ContentStreamBlock
from pages.content.mixins import PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.references import PageReferencesMixin
from pages.fields import intro_text, stream_of
from pages.patient_messages.page import PatientMessagesMixin


class GeneralPage(PageReferencesMixin, PatientMessagesMixin, PatientTextMixin, Page):
    """Any page of a clinic's website that is not about one procedure, e.g. 'About us' or 'Directions'."""

    introduction = intro_text(
        "One or two plain sentences shown at the top and in search results, e.g. 'How to find us and where to park.'"
    )
    body = stream_of(
        ContentStreamBlock(),
        "body",
        "The page itself, built from headings, paragraphs, steps, callouts, questions, images and a 'call us' box.",
    )

    # Closed unless an editor opens it (or the page came with its comments from WordPress): an 'About us' page
    # does not usually ask for messages. Approved messages stay visible either way.
    accept_messages = models.BooleanField(
        "accept patient messages",
        default=False,
        help_text="Show approved messages and the 'Leave a message' form under this page.",
    )

    content_panels = Page.content_panels + [ReadingGradePanel(), FieldPanel("introduction"), FieldPanel("body")]
    settings_panels = Page.settings_panels + PatientMessagesMixin.message_panels

    patient_text_fields = ("introduction", "body")
    search_fields = Page.search_fields + [index.SearchField(name) for name in patient_text_fields]

    parent_page_types = ["pages.ClinicHomePage", "pages.GeneralPage"]
    subpage_types = ["pages.GeneralPage"]

    class Meta:
        verbose_name = "general page"
