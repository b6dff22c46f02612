"""News: a clinic's articles (what a WordPress site calls posts), listed newest first on one news index."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.content.blocks import ContentStreamBlock
from pages.content.mixins import PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.references import PageReferencesMixin
from pages.fields import intro_text, line, stream_of
from pages.patient_messages.page import PatientMessagesMixin


class NewsIndexPage(PageReferencesMixin, PatientTextMixin, Page):
    """The clinic's news: every live article below it, newest first, a page of them at a time."""

    introduction = intro_text("One or two plain sentences above the list, e.g. 'News and updates from the clinic.'")

    content_panels = Page.content_panels + [ReadingGradePanel(), FieldPanel("introduction")]

    patient_text_fields = ("introduction",)
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["pages.ClinicHomePage"]
    subpage_types = ["pages.ArticlePage"]
    articles_per_page = 20

    class Meta:
        verbose_name = "news index"
        verbose_name_plural = "news indexes"

    def articles(self):
        """Live, public articles below this index, newest first, without their bodies: one query per slice."""
        return (
            ArticlePage.objects.child_of(self)
            .live()
            .public()
            .defer_streamfields()
            .order_by("-date", "-pk")
            .only("pk", "title", "slug", "url_path", "path", "depth", "date", "introduction", "author_name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = Paginator(self.articles(), self.articles_per_page).get_page(request.GET.get("page"))
        return context


class ArticlePage(PageReferencesMixin, PatientMessagesMixin, PatientTextMixin, Page):
    """One news article, e.g. 'Our new evening opening hours', with its date, author and patients' messages."""

    date = models.DateTimeField(
        "date",
        default=timezone.now,
        help_text="Shown under the title and used to order the news, e.g. the day the article first appeared.",
    )
    author_name = line("author", "Who wrote it, as shown under the title, e.g. 'Dr Maria Lopez'.", max_length=120)
    introduction = intro_text("One or two plain sentences shown in the news list, e.g. 'We now open until 8pm.'")
    body = stream_of(
        ContentStreamBlock(),
        "body",
        "The article itself, built from headings, paragraphs, steps, callouts, images and a 'call us' box.",
    )

    content_panels = Page.content_panels + [
        ReadingGradePanel(),
        FieldPanel("date"),
        FieldPanel("author_name"),
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    settings_panels = Page.settings_panels + PatientMessagesMixin.message_panels

    patient_text_fields = ("introduction", "body")
    search_fields = Page.search_fields + [index.SearchField(name) for name in patient_text_fields]

    parent_page_types = ["pages.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "article"
