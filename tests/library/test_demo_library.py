"""The demo: the facet joint injection page is a library master both demo clinics adopted, one of them adapted."""

import io

import pytest
from django.core.management import call_command

from pages.library import sections
from pages.library.adoption import Versions
from pages.library.pages import MasterProcedurePage
from pages.library.records import LibraryAdoption
from tests.library.support import NEW_HOW, revise

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def differing_sections(master, page):
    return [
        name
        for name in master.sections()
        if sections.comparable(master._meta.get_field(name), getattr(master, name))
        != sections.comparable(page._meta.get_field(name), getattr(page, name))
    ]


def test_both_demo_clinics_adopted_the_facet_master_and_one_adapted_it():
    seed()
    seed()  # safe to run again: still one master, one adoption per clinic
    master = MasterProcedurePage.objects.get()
    assert master.live and master.get_url() is None
    adoptions = {a.site.hostname: a for a in LibraryAdoption.objects.select_related("site", "page")}
    assert set(adoptions) == {"ascpm.localhost", "spinaldiagnostics.localhost"}
    ascpm = adoptions["ascpm.localhost"].page.specific
    spinal = adoptions["spinaldiagnostics.localhost"].page.specific
    assert differing_sections(master, ascpm) == []
    assert len(differing_sections(master, spinal)) >= 3
    for adoption in adoptions.values():
        assert adoption.master_revision_id == master.live_revision_id
        assert Versions(adoption).pending() == []
    # Revising the master shows both clinics the change.
    revise(master, how_it_works=NEW_HOW)
    for adoption in LibraryAdoption.objects.all():
        assert Versions(adoption).pending() == ["how_it_works"]
