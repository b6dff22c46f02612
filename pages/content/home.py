"""The root page of a clinic's website."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from pages.contact.models import ContactPage
from pages.content.procedures import ProcedurePage
from pages.content.references import PageReferencesMixin
from pages.content.visibility import ViewRestrictionsMixin, public


class ClinicHomePage(ViewRestrictionsMixin, PageReferencesMixin, Page):
    """The root page of one clinic's website; every page the clinic publishes lives below it."""

    introduction = models.TextField(
        "introduction",
        blank=True,
        help_text="One or two sentences welcoming patients, e.g. 'We treat back and neck pain close to home.'",
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    # Clinic home pages sit directly under the tree root; one per Site. Child types grow with the content issues.
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "pages.ProcedurePage",
        "pages.ContactPage",
        "pages.GeneralPage",
        "pages.TreatmentsIndexPage",
        "pages.TeamPage",
        "pages.NewsIndexPage",
    ]

    class Meta:
        verbose_name = "clinic home page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One query each, without the large body fields.
        context["procedures"] = public(ProcedurePage.objects.child_of(self).live()).defer_streamfields()
        context["contact_pages"] = public(self.get_children().live().type(ContactPage))
        return context
