"""Adopting a library master into a clinic, and keeping the copy current one section at a time.

Every change to a clinic page is a new draft revision by the person who asked for it: it goes live only through the
clinic's own medical review, like any edit. Nothing here checks who may do it: the admin views do (views.py), and
pass only a master, clinic and adoption they have checked.
"""

from django.db import transaction
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from pages.clinics.clinicians import Clinician
from pages.content.treatments import TreatmentsIndexPage
from pages.library import sections
from pages.library.pages import MASTER_MODELS, MasterRecoveryPage
from pages.library.records import LibraryAdoption

ADOPTED = "pages.library_adopted"
SECTION_TAKEN = "pages.library_section_taken"
SECTION_KEPT = "pages.library_section_kept"

TAKE = "take"
KEEP = "keep"


class AdoptionRefused(Exception):  # noqa: N818 - the reason is shown to the editor as it is
    """The master cannot be adopted or the section settled; the message says why."""


def published_masters():
    """Every master page clinics may adopt from: the live ones, procedures first, in tree order."""
    return Page.objects.type(*MASTER_MODELS).live().order_by("path")


def master_now(master):
    """The master as it is published now (its live revision, as an object)."""
    return master.live_revision.as_object()


def adoption_parent(home):
    """Where a clinic's adopted procedure goes: its treatments index when it has one, else its home page."""
    index = TreatmentsIndexPage.objects.child_of(home).order_by("path").first()
    return index or home


def _free_slug(parent, slug):
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _clinic_reviewer(site_id):
    """The clinic's clinician with a staff account, first in team order, as the copy's proposed reviewer."""
    return Clinician.objects.filter(site_id=site_id, user__isnull=False).order_by("sort_order", "name").first()


def _copy(master, parent, site_id, user):
    published = master_now(master)
    clinic_model = type(published).clinic_model
    page = clinic_model(
        title=published.title,
        slug=_free_slug(parent, published.slug or slugify(published.title)),
        seo_title=published.seo_title,
        search_description=published.search_description,
        live=False,
        owner=user,
        reviewer=_clinic_reviewer(site_id),
    )
    for name in type(published).sections() + type(published).details:
        field = clinic_model._meta.get_field(name)
        setattr(page, name, sections.for_clinic(field, getattr(published, name)))
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    adoption = LibraryAdoption.objects.create(
        site_id=site_id, page=page, master=master, master_revision=master.live_revision, adopted_by=user
    )
    log(instance=page, action=ADOPTED, user=user, data={"master": master.pk, "revision": master.live_revision_id})
    for child in Page.objects.child_of(master).type(MasterRecoveryPage).live().specific():
        _copy(child, page, site_id, user)
    return adoption


def adopt(master, clinic, home, user):
    """Copy the live `master` (and its live recovery masters) into `clinic` as drafts; returns the adoption.

    Refused when the clinic already adopted it, or when the master is a recovery page (those come with their
    procedure).
    """
    if isinstance(master, MasterRecoveryPage):
        raise AdoptionRefused("Recovery pages are adopted with their procedure: adopt the procedure page.")
    if not master.live or master.live_revision_id is None:
        raise AdoptionRefused("This library page is not published yet.")
    if LibraryAdoption.objects.filter(site_id=clinic.pk, master=master).exists():
        raise AdoptionRefused("Your clinic has already adopted this library page.")
    with transaction.atomic():
        return _copy(master, adoption_parent(home), clinic.pk, user)


# --- Staying current -----------------------------------------------------------------------------------------------


class Versions:
    """The master's revisions one comparison reads, each loaded once."""

    def __init__(self, adoption):
        self.adoption = adoption
        self.master = adoption.master.specific
        self.live_id = self.master.live_revision_id
        self._objects = {}

    def at(self, revision_id):
        if revision_id not in self._objects:
            self._objects[revision_id] = Revision.objects.get(pk=revision_id).as_object()
        return self._objects[revision_id]

    def now(self):
        return self.at(self.live_id)

    def changed(self, name):
        """Whether the master's section `name` changed since the copy was last settled with it."""
        baseline = self.adoption.baseline(name)
        if self.live_id is None or baseline == self.live_id:
            return False
        field = type(self.master)._meta.get_field(name)
        then, now = self.at(baseline), self.now()
        return sections.comparable(field, getattr(then, name)) != sections.comparable(field, getattr(now, name))

    def pending(self):
        """The names of the sections waiting for the clinic's choice, in reading order."""
        return [name for name in type(self.master).sections() if self.changed(name)]


def is_waiting(adoption):
    return adoption.master.live_revision_id not in (None, adoption.master_revision_id)


def settle(adoption, versions=None):
    """Move the adoption to the master's live revision when no section waits any more; returns the pending names."""
    versions = versions or Versions(adoption)
    pending = versions.pending()
    if not pending and is_waiting(adoption):
        adoption.master_revision_id = versions.live_id
        adoption.section_revisions = {}
        adoption.save(update_fields=["master_revision", "section_revisions"])
    return pending


def decide(adoption, name, choice, user):
    """Take the master's new text for section `name` (as a new draft of the clinic page) or keep the clinic's own.

    Returns the sections still waiting.
    """
    versions = Versions(adoption)
    if name not in type(versions.master).sections():
        raise AdoptionRefused("There is no such section.")
    if choice not in (TAKE, KEEP):
        raise AdoptionRefused("Choose to take the new text or to keep your own.")
    if not versions.changed(name):
        raise AdoptionRefused("This section has no library change waiting.")
    with transaction.atomic():
        if choice == TAKE:
            page = adoption.page.specific.get_latest_revision_as_object()
            field = type(page)._meta.get_field(name)
            setattr(page, name, sections.for_clinic(field, getattr(versions.now(), name)))
            page.save_revision(user=user, log_action=True)
        adoption.section_revisions = {**adoption.section_revisions, name: versions.live_id}
        adoption.save(update_fields=["section_revisions"])
        log(
            instance=adoption.page.specific,
            action=SECTION_TAKEN if choice == TAKE else SECTION_KEPT,
            user=user,
            data={"section": name, "revision": versions.live_id},
        )
        return settle(adoption, versions)
