"""The treatments index: every procedure the clinic publishes, with its summary, on one page."""

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.clinics.scope import clinic_of
from pages.content.mixins import PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.procedures import ProcedurePage
from pages.content.references import PageReferencesMixin
from pages.content.visibility import public
from pages.fields import intro_text


class TreatmentsIndexPage(PageReferencesMixin, PatientTextMixin, Page):
    """Lists the clinic's live procedure pages (wherever they sit in its tree), each with its summary."""

    introduction = intro_text("One or two plain sentences above the list, e.g. 'These are the treatments we offer.'")

    content_panels = Page.content_panels + [ReadingGradePanel(), FieldPanel("introduction")]

    patient_text_fields = ("introduction",)
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["pages.ClinicHomePage"]
    subpage_types = ["pages.ProcedurePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "treatments index"
        verbose_name_plural = "treatments indexes"

    def procedures(self):
        """The clinic's live, public procedure pages in tree order, without their large body fields: one query."""
        clinic = clinic_of(self)
        if clinic is None:
            return ProcedurePage.objects.none()
        return (
            public(ProcedurePage.objects.filter(path__startswith=clinic.root_path).live())
            .defer_streamfields()
            .order_by("path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["procedures"] = self.procedures()
        return context
