"""Copying or moving a page into another clinic, while it points at items that clinic does not own: refused.

One exception: a copy does not take its medical reviewer into another clinic. The reviewer is one of the old
clinic's clinicians, so the copy (and each subpage copied with it) starts with none, for its new clinic to choose.

Wagtail's copy and move save pages without model validation (`save(clean=False)`), so the clinic's reference rule
(pages/clinics/references.py) would never see a page carried into another clinic's tree with its old clinic's
images, documents and links. Wagtail calls `before_copy_page` and `before_move_page` first; here they apply the rule
against the destination's clinic, to the page and to every subpage that goes with it.
"""

from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin import messages
from wagtail.models import Page

from pages.clinics.references import ClinicBounds, foreign_references
from pages.clinics.scope import clinic_of

REFUSED = (
    "This page was not {verb}: it, or a page below it, uses images, documents, links or a medical reviewer of its "
    "own clinic, which are not available to the clinic of the destination. Replace them with that clinic's own first."
)
# What a copy leaves behind instead of refusing: the reviewer is cleared on the copy (clear_foreign_reviewers).
CLEARED_ON_COPY = {"clinician"}


def destination_bounds(destination):
    clinic = clinic_of(destination)
    return ClinicBounds.of_site(clinic.pk, clinic.root_path) if clinic is not None else ClinicBounds()


def carries_foreign_items(page, destination, with_subpages, ignored_kinds=()):
    """Whether `page` (and, with `with_subpages`, its descendants) would point outside the destination's clinic."""
    bounds = destination_bounds(destination)
    pages = [page]
    if with_subpages:
        pages += list(page.get_descendants())
    return any(ref.kind not in ignored_kinds for item in pages for ref in foreign_references(item.specific, bounds))


def clear_foreign_reviewers(request, page, new_page):
    """Wagtail's `after_copy_page` hook: a copy in another clinic keeps no reviewer of the old clinic's."""
    bounds = destination_bounds(new_page)
    for item in [new_page, *new_page.get_descendants()]:
        item = item.specific
        if any(ref.kind in CLEARED_ON_COPY for ref in foreign_references(item, bounds)):
            type(item).objects.filter(pk=item.pk).update(reviewer=None)
            revision = item.get_latest_revision()
            if revision is not None and revision.content.get("reviewer") is not None:
                revision.content["reviewer"] = None
                revision.save(update_fields=["content"])


def refuse_copy_into_another_clinic(request, page):
    """Wagtail's `before_copy_page` hook: checked when the copy form is sent, with the destination it names."""
    if request.method != "POST":
        return None
    destination = Page.objects.filter(pk=request.POST.get("new_parent_page") or None).first()
    if destination is None:
        return None  # a missing destination is answered by the id seal (ids.py)
    if carries_foreign_items(page, destination, bool(request.POST.get("copy_subpages")), ignored_kinds=CLEARED_ON_COPY):
        messages.error(request, REFUSED.format(verb="copied"))
        return redirect(reverse("wagtailadmin_pages:copy", args=[page.pk]))
    return None


def refuse_move_into_another_clinic(request, page, destination):
    """Wagtail's `before_move_page` hook: a move always takes the page's subpages along."""
    if carries_foreign_items(page, destination, with_subpages=True):
        messages.error(request, REFUSED.format(verb="moved"))
        return redirect(reverse("wagtailadmin_pages:move", args=[page.pk]))
    return None
