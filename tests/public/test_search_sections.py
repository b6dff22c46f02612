"""Every patient-facing section of a clinical page is found by search, not only its summary and first sections.

Each section gets a distinctive word no other section holds; searching for it must find the page. Runs on SQLite
and on PostgreSQL: whole, distinctive words only (see test_search_sitemap.py).
"""

import pytest
from django.urls import reverse

from pages.models import ProcedurePage, RecoveryGuidancePage
from tests.factories import ProcedurePageFactory, RecoveryGuidancePageFactory

# One made-up word per section, in the plain HTML or text each field holds.
PROCEDURE_SECTIONS = {
    "what_it_is": "<p>Zorvalith joints are small.</p>",
    "how_it_works": "<p>We use quembrite guidance.</p>",
    "benefits": "<p>Less pain and more plinthor.</p>",
    "relief_duration": "Several weeks of trevadine relief.",
    "preparation": "<p>Bring your moxifrell list.</p>",
    "positioning": "You lie on the vandrosk table.",
    "duration": "It takes a glimberan minute.",
    "risks": "<p>You may get a bruise or some skelvorn.</p>",
}
RECOVERY_SECTIONS = {
    "activity_advice": "<p>Rest, then walk with fendrapol care.</p>",
    "warning_signs": "<p>Call us about any ostrevine fever.</p>",
}


def found(client, clinic, word):
    response = client.get(reverse("search"), {"q": word}, HTTP_HOST=clinic.site.hostname)
    return [result.pk for result in response.context["search_results"]]


@pytest.mark.django_db
def test_every_procedure_section_is_searchable(client, clinic_a):
    page = ProcedurePageFactory(parent=clinic_a.home_page, **PROCEDURE_SECTIONS)
    for field, text in PROCEDURE_SECTIONS.items():
        word = next(word for word in text.replace("<p>", " ").replace("</p>", " ").split() if len(word) > 7)
        assert found(client, clinic_a, word.strip(".")) == [page.pk], field


@pytest.mark.django_db
def test_every_recovery_section_is_searchable(client, clinic_a):
    procedure = ProcedurePageFactory(parent=clinic_a.home_page)
    page = RecoveryGuidancePageFactory(parent=procedure, **RECOVERY_SECTIONS)
    for field, text in RECOVERY_SECTIONS.items():
        word = next(word for word in text.replace("<p>", " ").replace("</p>", " ").split() if len(word) > 7)
        assert found(client, clinic_a, word.strip(".")) == [page.pk], field


def test_the_search_index_holds_each_field_of_the_patient_text():
    # A section added to a page type's patient text is searchable the day it is added.
    for model in (ProcedurePage, RecoveryGuidancePage):
        indexed = {field.field_name for field in model.search_fields}
        assert set(model.patient_text_fields) <= indexed, model
