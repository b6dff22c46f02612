"""General content pages (About us, Insurance, Directions, Privacy notice): the same blocks and reading grade."""

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.content.blocks import ContentStreamBlock
from pages.content.mixins import PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.references import PageReferencesMixin
from pages.fields import intro_text, stream_of


class GeneralPage(PageReferencesMixin, PatientTextMixin, Page):
    """Any page of a clinic's website that is not about one procedure, e.g. 'About us' or 'Directions'."""

    introduction = intro_text(
        "One or two plain sentences shown at the top and in search results, e.g. 'How to find us and where to park.'"
    )
    body = stream_of(
        ContentStreamBlock(),
        "body",
        "The page itself, built from headings, paragraphs, steps, callouts, questions, images and a 'call us' box.",
    )

    content_panels = Page.content_panels + [ReadingGradePanel(), FieldPanel("introduction"), FieldPanel("body")]

    patient_text_fields = ("introduction", "body")
    search_fields = Page.search_fields + [index.SearchField(name) for name in patient_text_fields]

    parent_page_types = ["pages.ClinicHomePage", "pages.GeneralPage"]
    subpage_types = ["pages.GeneralPage"]

    class Meta:
        verbose_name = "general page"
