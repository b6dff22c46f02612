"""Editor panels: read-only information shown in the page editor next to the fields."""

from django.core.exceptions import ImproperlyConfigured
from wagtail.admin.panels import Panel

from pages.clinics.models import ClinicSettings
from pages.clinics.scope import clinic_of
from pages.content.readability import DEFAULT_TARGET, MIN_WORDS


def clinic_reading_target(page):
    """(reading grade target, clinic display name) of the clinic whose tree holds `page`.

    Read-only: `ClinicSettings.for_site()` would create a missing settings row while an editor merely opens a page.
    The clinic is found from the tree path (clinic_of), so it works for pages that are not yet routable. Without
    one: the default target.
    """
    clinic = clinic_of(page)
    if clinic is None:
        return DEFAULT_TARGET, ""
    row = ClinicSettings.objects.filter(site_id=clinic.pk).values_list("reading_grade_target", "display_name").first()
    return row or (DEFAULT_TARGET, "")


class ReadingGradePanel(Panel):
    """The Flesch-Kincaid grade of the page's patient-facing text against its clinic's target. Shows, never edits.

    It measures the version the editor opened (the latest draft), so it is current after each save.
    """

    def __init__(self, heading="Reading grade", **kwargs):
        super().__init__(heading=heading, **kwargs)

    def on_model_bound(self):
        # Fail in `manage.py check` (which builds every edit handler), not when an editor opens a page.
        if not callable(getattr(self.model, "reading_grade", None)):
            raise ImproperlyConfigured(f"ReadingGradePanel needs a PatientTextMixin page model, not {self.model}.")

    class BoundPanel(Panel.BoundPanel):
        template_name = "pages/admin/reading_grade_panel.html"

        def clinic_page(self):
            """The page that places this one in a clinic: itself, or, while it is being created, its parent."""
            if self.instance is not None and self.instance.pk:
                return self.instance
            return getattr(self.form, "parent_page", None)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            target, clinic_name = clinic_reading_target(self.clinic_page())
            context.update(
                result=self.instance.reading_grade(target),
                clinic_name=clinic_name,
                min_words=MIN_WORDS,
            )
            return context
