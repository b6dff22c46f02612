"""The library's page types: its root and the master procedure and recovery pages.

A master holds the same sections as the clinic page it is adopted into (the field definitions are taken from the
clinic page types, so the two cannot drift), but nothing a clinic owns: no images, no clinicians, no patient
messages. Its review is the library's own workflow (library/setup.py); who reviewed it is written as text.

The library is in no clinic's tree, so the clinics' reference rule (PageReferencesMixin) finds nothing there its
own: a master can point at no clinic's image, document or page, and network editors cannot carry one clinic's
items to the others through it.
"""

from django.db import models
from django.http import Http404
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from pages.content.procedures import ProcedurePage
from pages.content.recovery import RecoveryGuidancePage
from pages.content.references import PageReferencesMixin
from pages.fields import line

NOT_REVIEWED = "A library page goes live only once its medical reviewer is named (Medical review, on the Content tab)."


class NotServed:
    """A page no host serves: the library is read in the admin only, never on a clinic's site."""

    def serve(self, request, *args, **kwargs):
        raise Http404

    def get_sitemap_urls(self, request=None):
        return []


class LibraryIndexPage(NotServed, PageReferencesMixin, Page):
    """The root of the procedure library: under the Wagtail root, and no Site points at it."""

    introduction = models.TextField(
        "introduction",
        blank=True,
        help_text="For the network's editors, e.g. 'Master texts reviewed by the network's medical board.'",
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.MasterProcedurePage"]
    max_count = 1

    class Meta:
        verbose_name = "procedure library"


class MasterPage(NotServed, PageReferencesMixin, Page):
    """What every master has: its sections (added per type below) and its recorded review."""

    reviewed_by = line(
        "medical reviewer",
        "Name and credentials of the network clinician who checked this text, e.g. 'Dr Ana Ruiz, MD'.",
    )
    last_reviewed = models.DateField(
        "last reviewed", null=True, blank=True, help_text="Set when the library's medical review publishes the page."
    )

    clinic_model = None  # the clinic page type a master of this type is adopted as
    details = ()  # fields copied once, at adoption, and the clinic's own afterwards

    class Meta:
        abstract = True

    @classmethod
    def sections(cls):
        """The patient-facing sections a clinic compares and takes one by one, in reading order."""
        return cls.clinic_model.patient_text_fields

    def publish(self, revision, *args, **kwargs):
        from pages.content.mixins import MedicalReviewRefused

        if not revision.as_object().reviewed_by.strip():
            raise MedicalReviewRefused(NOT_REVIEWED)
        result = super().publish(revision, *args, **kwargs)
        type(self).objects.filter(pk=self.pk).update(last_reviewed=timezone.localdate())
        return result


def _add_fields(master_model, names):
    for name in names:
        master_model.add_to_class(name, master_model.clinic_model._meta.get_field(name).clone())


def _content_panels(master_model):
    return (
        Page.content_panels
        + [FieldPanel(name) for name in master_model.sections()]
        + [MultiFieldPanel([FieldPanel("reviewed_by"), FieldPanel("last_reviewed", read_only=True)], "Medical review")]
    )


class MasterProcedurePage(MasterPage):
    """A master procedure text, e.g. facet joint injections, that clinics adopt as their own procedure page."""

    clinic_model = ProcedurePage
    details = ("procedure_type", "body_location")
    parent_page_types = ["pages.LibraryIndexPage"]
    subpage_types = ["pages.MasterRecoveryPage"]

    class Meta:
        verbose_name = "library procedure page"


class MasterRecoveryPage(MasterPage):
    """A master recovery text, adopted with its procedure as the clinic's recovery guidance page."""

    clinic_model = RecoveryGuidancePage
    parent_page_types = ["pages.MasterProcedurePage"]
    subpage_types = []

    class Meta:
        verbose_name = "library recovery page"


MASTER_MODELS = (MasterProcedurePage, MasterRecoveryPage)
for _model in MASTER_MODELS:
    _add_fields(_model, _model.sections() + _model.details)
    _model.content_panels = _content_panels(_model)
    _model.promote_panels = Page.promote_panels + [FieldPanel(name) for name in _model.details]
    _model.search_fields = Page.search_fields + [index.SearchField(name) for name in _model.sections()]


def master_of(page):
    """`page` as a master (specific), or None."""
    page = page.specific_deferred if type(page) is Page else page
    return page if isinstance(page, MASTER_MODELS) else None
