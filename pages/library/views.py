"""The library's admin views: browse and read masters, adopt one, compare an adopted copy and settle its sections.

Every id in a URL or a form (master, clinic, adoption, section) is checked against the user's clinics in access.py
or adoption.py; anything outside them answers 404, as a missing one does.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from pages.library import sections
from pages.library.access import (
    adopting_clinics,
    may_read_library,
    own_adoption,
    own_adoptions,
    readable_master,
)
from pages.library.adoption import KEEP, TAKE, AdoptionRefused, Versions, adopt, decide, published_masters
from pages.library.notifications import COMPARE_URL_NAME
from pages.library.pages import MasterProcedurePage, MasterRecoveryPage

INDEX_URL_NAME = "pages_library_index"
MASTER_URL_NAME = "pages_library_master"
ADOPT_URL_NAME = "pages_library_adopt"
DECIDE_URL_NAME = "pages_library_decide"


@dataclass
class Section:
    name: str
    label: str
    then: list
    now: list
    ours: list
    waiting: bool


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _text(page, name):
    return sections.as_text(type(page)._meta.get_field(name), getattr(page, name))


def library_index(request):
    """Every published library procedure, with the clinic's own adoptions of it (never another clinic's)."""
    if not may_read_library(request.user):
        raise Http404
    masters = list(published_masters().type(MasterProcedurePage).specific().defer_streamfields())
    clinics = adopting_clinics(request.user)
    adopted = {}
    for adoption in own_adoptions(request.user).filter(master__in=masters).select_related("site"):
        adopted.setdefault(adoption.master_id, []).append(adoption)
    rows = [
        {
            "master": master,
            "adoptions": adopted.get(master.pk, []),
            "can_adopt_in": [
                clinic for clinic, _home in clinics if clinic.pk not in {a.site_id for a in adopted.get(master.pk, [])}
            ],
        }
        for master in masters
    ]
    return TemplateResponse(
        request,
        "pages/admin/library/index.html",
        {"rows": rows, "page_title": "Procedure library", "header_icon": "doc-full-inverse"},
    )


def library_master(request, master_id):
    """One published master, read-only: its published text, section by section, and its recovery pages."""
    master = readable_master(request.user, master_id)
    published = master.live_revision.as_object() if master.live_revision_id else master
    model = type(published)
    children = []
    if isinstance(master, MasterProcedurePage):
        for child in Page.objects.child_of(master).type(MasterRecoveryPage).live().specific():
            children.append(child)
    context = {
        "master": published,
        "sections": [(_label(model, name), _text(published, name)) for name in model.sections()],
        "children": children,
        # The library's own editors get to the editor from here; clinic staff read only.
        "can_edit": master.permissions_for_user(request.user).can_edit(),
        "clinics": [clinic for clinic, _home in adopting_clinics(request.user)]
        if isinstance(master, MasterProcedurePage)
        else [],
        "page_title": published.title,
        "header_icon": "doc-full-inverse",
    }
    return TemplateResponse(request, "pages/admin/library/master.html", context)


@require_POST
def library_adopt(request, master_id):
    """Adopt master `master_id` into the posted clinic (one the user may add pages to) as a draft copy."""
    master = readable_master(request.user, master_id)
    clinics = {str(clinic.pk): (clinic, home) for clinic, home in adopting_clinics(request.user)}
    chosen = clinics.get(request.POST.get("clinic", ""))
    if chosen is None:
        raise Http404
    clinic, home = chosen
    try:
        adoption = adopt(master, clinic, home, request.user)
    except AdoptionRefused as refused:
        messages.error(request, str(refused))
        return redirect(MASTER_URL_NAME, master_id=master.pk)
    messages.success(
        request,
        f"Adopted as a draft for {clinic.name}. Adapt it to your clinic (your doctors, your day, your images), then "
        "submit it for your clinic's medical review.",
    )
    return redirect("wagtailadmin_pages:edit", adoption.page_id)


def library_compare(request, adoption_id):
    """Master-then against master-now, section by section, next to the clinic's own text, for one adoption."""
    adoption = own_adoption(request.user, adoption_id)
    versions = Versions(adoption)
    if versions.live_id is None:
        raise Http404
    ours = adoption.page.specific.get_latest_revision_as_object()
    model = type(versions.master)
    rows = []
    for name in model.sections():
        then = versions.at(adoption.baseline(name))
        rows.append(
            Section(
                name=name,
                label=_label(model, name),
                then=_text(then, name),
                now=_text(versions.now(), name),
                ours=_text(ours, name),
                waiting=versions.changed(name),
            )
        )
    context = {
        "adoption": adoption,
        "page": ours,
        "rows": rows,
        "waiting": any(row.waiting for row in rows),
        "take": TAKE,
        "keep": KEEP,
        "page_title": f"Library changes: {ours.title}",
        "header_icon": "doc-full-inverse",
    }
    return TemplateResponse(request, "pages/admin/library/compare.html", context)


@require_POST
def library_decide(request, adoption_id):
    """Take the new library text of one section into a new draft, or keep the clinic's own."""
    adoption = own_adoption(request.user, adoption_id)
    name, choice = request.POST.get("section", ""), request.POST.get("choice", "")
    try:
        pending = decide(adoption, name, choice, request.user)
    except AdoptionRefused as refused:
        messages.error(request, str(refused))
        return redirect(COMPARE_URL_NAME, adoption_id=adoption.pk)
    label = _label(type(adoption.master.specific), name)
    if choice == TAKE:
        done = f"'{label}' now has the library's new text, in a new draft. Submit it for your clinic's medical review."
    else:
        done = f"'{label}' keeps your own text."
    messages.success(request, done if pending else f"{done} No other library change is waiting.")
    return redirect(COMPARE_URL_NAME, adoption_id=adoption.pk)


class LibraryMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_library(request.user)
