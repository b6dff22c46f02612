"""Copying or moving a page into another clinic, while it points at items that clinic does not own: refused.

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
    "This page was not {verb}: it, or a page below it, uses images, documents or links of its own clinic, which "
    "are not available to the clinic of the destination. Replace them with that clinic's own first."
)


def carries_foreign_items(page, destination, with_subpages):
    """Whether `page` (and, with `with_subpages`, its descendants) would point outside the destination's clinic."""
    clinic = clinic_of(destination)
    bounds = ClinicBounds.of_site(clinic.pk, clinic.root_path) if clinic is not None else ClinicBounds()
    pages = [page]
    if with_subpages:
        pages += list(page.get_descendants())
    return any(foreign_references(item.specific, bounds) for item in pages)


def refuse_copy_into_another_clinic(request, page):
    """Wagtail's `before_copy_page` hook: checked when the copy form is sent, with the destination it names."""
    if request.method != "POST":
        return None
    destination = Page.objects.filter(pk=request.POST.get("new_parent_page") or None).first()
    if destination is None:
        return None  # a missing destination is answered by the id seal (ids.py)
    if carries_foreign_items(page, destination, bool(request.POST.get("copy_subpages"))):
        messages.error(request, REFUSED.format(verb="copied"))
        return redirect(reverse("wagtailadmin_pages:copy", args=[page.pk]))
    return None


def refuse_move_into_another_clinic(request, page, destination):
    """Wagtail's `before_move_page` hook: a move always takes the page's subpages along."""
    if carries_foreign_items(page, destination, with_subpages=True):
        messages.error(request, REFUSED.format(verb="moved"))
        return redirect(reverse("wagtailadmin_pages:move", args=[page.pk]))
    return None
