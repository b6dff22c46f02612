"""The demo's procedure library: the facet joint injection page as a master that both demo clinics adopted.

ASCPM's page is the master's text as it was adopted; Spinal Diagnostics adapted its copy (its own words, doctors
and recovery page). Both are linked to the master's first published revision, so revising the master in the admin
shows each clinic the change.
"""

from pages.demo import content as demo_content
from pages.library.pages import MasterProcedurePage
from pages.library.records import LibraryAdoption
from pages.library.setup import ensure_library
from pages.models import ProcedurePage

MASTER_REVIEWER = "Dr Ana Ruiz, MD, network medical board"


def master_data():
    """The master's field values: ASCPM's facet joint injection page, without what a clinic owns."""
    names = {"slug", "title", *MasterProcedurePage.sections(), *MasterProcedurePage.details}
    data = {name: value for name, value in demo_content.ASCPM_PROCEDURE.items() if name in names}
    return {**data, "title": "Facet joint injections", "reviewed_by": MASTER_REVIEWER}


def ensure_demo_library(ensure_page, homes):
    """The library, its facet master, and each demo clinic's facet page recorded as adopted from it.

    `ensure_page` is the demo's create-or-update-and-publish; `homes` the clinics' (Site, home page) pairs.
    """
    master = ensure_page(ensure_library(), MasterProcedurePage, master_data())
    master.refresh_from_db()  # publishing went through a copy of the page, made from its revision
    for site, home in homes:
        page = ProcedurePage.objects.child_of(home).filter(slug=demo_content.PROCEDURE_PATH).first()
        if page is None:
            continue
        LibraryAdoption.objects.get_or_create(
            site=site, master=master, defaults={"page": page, "master_revision_id": master.live_revision_id}
        )
    return master
