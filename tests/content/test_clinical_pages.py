"""Procedure and recovery pages as patients see them: content, review dates, call box, JSON-LD, query counts."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError

from pages.content.mixins import one_year_after
from tests.factories import (
    ClinicFactory,
    ContactPageFactory,
    ProcedurePageFactory,
    RecoveryGuidancePageFactory,
)

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def get(client, clinic, path):
    return client.get(path, HTTP_HOST=clinic.site.hostname)


def json_ld(response):
    [payload] = JSON_LD.findall(response.content.decode())
    return json.loads(payload)


def test_procedure_page_shows_every_section_and_the_review_dates(client, clinic_a, recovery_a):
    response = get(client, clinic_a, "/facet-joint-injections/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("What it is", "How it works", "Benefits", "Preparing", "On the day", "Risks and side effects"):
        assert f">{heading}</h2>" in html
    assert "Live X-ray guides the needle" in html
    assert "Several weeks to several months." in html
    assert 'Page last reviewed: <time datetime="2026-03-15">15 March 2026</time>.' in html
    assert 'Next review due: <time datetime="2027-03-15">15 March 2027</time>.' in html
    assert "Reviewed by Dr Test Reviewer, MD, pain medicine." in html
    assert 'href="/facet-joint-injections/after/"' in html  # the recovery page is linked


def test_recovery_page_shows_timeline_and_a_call_box_with_the_clinic_phone(client, clinic_a, recovery_a):
    html = get(client, clinic_a, "/facet-joint-injections/after/").content.decode()
    assert html.index("Right after") < html.index("The next day")
    assert "When to call us" in html
    assert 'Call ASCPM on <a href="tel:+12175550111">(217) 555-0111</a>' in html
    assert "call your local emergency number" in html
    assert "Print this page" in html


def test_a_clinic_page_is_not_reachable_on_another_clinics_host(client, clinics, recovery_a):
    _, clinic_b = clinics
    assert get(client, clinic_b, "/facet-joint-injections/").status_code == 404
    assert get(client, clinic_b, "/facet-joint-injections/after/").status_code == 404


def test_home_page_lists_the_clinics_procedures_and_contact_page(client, clinic_a, procedure_a):
    ContactPageFactory(parent=clinic_a.home_page, slug="contact")
    html = get(client, clinic_a, "/").content.decode()
    assert 'href="/facet-joint-injections/"' in html
    assert procedure_a.summary in html
    assert 'href="/contact/"' in html


def test_print_layout_drops_navigation_and_keeps_the_call_box():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "clinic_site/static/css/site.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert ".site-nav__bar" in print_rules and ".no-print" in print_rules
    assert ".call-us" in print_rules and "break-inside: avoid" in print_rules


# Medical review dates


def test_next_review_defaults_to_one_year_after_the_last_review(clinic_a):
    page = ProcedurePageFactory(parent=clinic_a.home_page, last_reviewed=datetime.date(2026, 3, 15))
    assert page.next_review_due == datetime.date(2027, 3, 15)


def test_a_review_on_29_february_is_due_on_28_february():
    assert one_year_after(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)


def test_the_next_review_must_come_after_the_last(clinic_a):
    page = ProcedurePageFactory.build(
        last_reviewed=datetime.date(2026, 3, 15), next_review_due=datetime.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "next_review_due" in error.value.message_dict


# JSON-LD


def test_procedure_json_ld_describes_page_procedure_reviewer_and_clinic(client, clinic_a, recovery_a):
    data = json_ld(get(client, clinic_a, "/facet-joint-injections/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-03-15"
    assert data["reviewedBy"] == {
        "@type": ["Person", "IndividualPhysician"],
        "name": "Dr Test Reviewer",
        "honorificSuffix": "MD, pain medicine",
    }
    assert data["medicalAudience"] == {"@type": "Patient"}
    assert data["url"] == "http://ascpm.test/facet-joint-injections/"
    procedure = data["about"]
    assert procedure["@type"] == "MedicalProcedure"
    assert procedure["procedureType"] == "https://schema.org/PercutaneousProcedure"
    assert procedure["bodyLocation"] == "Facet joints of the neck or lower back"
    assert "Live X-ray guides the needle" in procedure["howPerformed"]
    assert "<p>" not in procedure["howPerformed"]
    assert procedure["preparation"] == "Bring someone to drive you home."
    assert procedure["followup"] == "http://ascpm.test/facet-joint-injections/after/"
    clinic = data["publisher"]
    assert clinic["@type"] == "MedicalClinic"
    assert clinic["name"] == "ASCPM"
    assert clinic["telephone"] == "(217) 555-0111"
    assert clinic["address"] == {"@type": "PostalAddress", "streetAddress": "1 Alpha Road, Alphaville"}


def test_recovery_json_ld_is_about_its_procedure(client, clinic_a, recovery_a):
    data = json_ld(get(client, clinic_a, "/facet-joint-injections/after/"))
    assert data["@type"] == "MedicalWebPage"
    assert data["about"]["name"] == "Alpha facet joint injection"
    assert data["about"]["followup"] == "http://ascpm.test/facet-joint-injections/after/"


def test_editor_text_cannot_close_the_json_ld_script(client, clinic_a):
    hostile = 'Pain</script><script>alert("x")</script> & more'
    ProcedurePageFactory(parent=clinic_a.home_page, slug="p", summary=hostile, body_location=hostile)
    response = get(client, clinic_a, "/p/")
    html = response.content.decode()
    assert '<script>alert("x")' not in html
    data = json_ld(response)  # exactly one JSON-LD block, and it parses
    assert data["description"] == hostile
    assert data["about"]["bodyLocation"] == hostile


# Query counts do not grow with the number of clinics or pages.


# Measured 11-13: site (1), Wagtail's routing (2-6: a query per level, aliases, view restrictions), clinic
# settings (1), menu (1 + its view-restriction check), the page's listed children or parent (1-3), a clinical
# page's reviewer (1). The budget
# leaves no room for a query per clinic, page or block.
QUERY_BUDGET = {"/": 11, "/procedure/": 13, "/procedure/after/": 13}


def build_clinics(count):
    clinics = [ClinicFactory() for _ in range(count)]
    for clinic in clinics:
        procedure = ProcedurePageFactory(parent=clinic.home_page, slug="procedure")
        RecoveryGuidancePageFactory(parent=procedure, slug="after")
        ContactPageFactory(parent=clinic.home_page, slug="contact")
    return clinics


@pytest.mark.parametrize("clinic_count", [2, 20])
@pytest.mark.parametrize("path", ["/", "/procedure/", "/procedure/after/"])
def test_clinical_pages_render_in_a_fixed_number_of_queries(
    db, client, django_assert_max_num_queries, clinic_count, path
):
    clinics = build_clinics(clinic_count)
    host = clinics[-1].site.hostname
    client.get(path, HTTP_HOST=host)  # warm Wagtail's site-root cache, as any running server has
    with django_assert_max_num_queries(QUERY_BUDGET[path]):
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200


# Images in the body


def test_an_image_block_requires_alt_text(clinic_a):
    from wagtail.blocks import StructBlockValidationError
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from pages.content.blocks import ImageBlock

    image = Image.objects.create(title="Spine model", file=get_test_image_file(), collection=clinic_a.collection)
    block = ImageBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))
    assert "alt_text" in error.value.block_errors


def test_body_images_render_with_alt_text_and_layout_sized_renditions(client, clinic_a):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(
        title="Spine model", file=get_test_image_file(size=(1600, 900)), collection=clinic_a.collection
    )
    body = [("image", {"image": image, "alt_text": "A doctor points at a spine model", "caption": ""})]
    ProcedurePageFactory(parent=clinic_a.home_page, slug="with-image", body=body)
    html = get(client, clinic_a, "/with-image/").content.decode()
    img = re.search(r"<img [^>]*>", html[html.index('class="figure"') :]).group(0)
    assert 'alt="A doctor points at a spine model"' in img
    assert "srcset=" in img and "480w" in img and "1200w" in img
    assert 'sizes="(max-width: 62rem) 100vw, 60rem"' in img
