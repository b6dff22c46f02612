"""The team page: the clinic's clinicians, from the one list the clinic keeps (pages/clinics/clinicians.py)."""

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.clinics.clinicians import Clinician
from pages.clinics.scope import clinic_of
from pages.content.mixins import PatientTextMixin
from pages.content.panels import ReadingGradePanel
from pages.content.references import PageReferencesMixin
from pages.fields import intro_text


class TeamPage(PageReferencesMixin, PatientTextMixin, Page):
    """'Our team': every clinician the clinic shows, with credentials, role, photo and short bio."""

    introduction = intro_text(
        "One or two plain sentences above the team, e.g. 'Meet the doctors and nurses who will care for you.'"
    )

    content_panels = Page.content_panels + [ReadingGradePanel(), FieldPanel("introduction")]

    patient_text_fields = ("introduction",)
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["pages.ClinicHomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "team page"

    def clinicians(self):
        """The page's own clinic's clinicians shown on the team page, with their photos and the photos' renditions:
        the same few queries however large the team (the template's `{% image %}` reads the prefetched renditions
        instead of asking the cache or the database once per photo)."""
        clinic = clinic_of(self)
        if clinic is None:
            return Clinician.objects.none()
        return (
            Clinician.objects.filter(site_id=clinic.pk, show_on_team_page=True)
            .select_related("photo")
            .prefetch_related("photo__renditions")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["clinicians"] = self.clinicians()
        return context
