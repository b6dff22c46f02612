"""Markup of clinical pages that accessibility checkers read: no paragraph styled as a heading.

Mirrors Wagtail's userbar Axe rule `p-as-heading` ("Misusing paragraphs as headings"): a <p> whose whole text is
bold or larger than the text around it reads as a heading. The call-us box keeps the phone line a normal paragraph;
only the number link is emphasised.
"""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from pages.clinics.models import ClinicSettings

BOLD_ONLY_PARAGRAPH = re.compile(r"<p[^>]*>\s*<(strong|b)\b[^>]*>.*?</\1>\s*</p>", re.S)
CSS = Path(settings.BASE_DIR) / "clinic_site" / "static" / "css" / "site.css"


def get(client, clinic, path):
    return client.get(path, HTTP_HOST=clinic.site.hostname).content.decode()


def assert_no_paragraph_as_heading(html):
    assert "call-us__phone" in html
    assert not BOLD_ONLY_PARAGRAPH.search(html)


def test_procedure_and_recovery_pages_have_no_bold_only_paragraph(client, clinic_a, recovery_a):
    assert_no_paragraph_as_heading(get(client, clinic_a, "/facet-joint-injections/"))
    assert_no_paragraph_as_heading(get(client, clinic_a, "/facet-joint-injections/after/"))


def test_call_us_block_has_no_bold_only_paragraph(clinic_a):
    settings_a = ClinicSettings.for_site(clinic_a.site)
    html = render_to_string(
        "pages/blocks/call_us_block.html",
        {"value": {"heading": "Call us", "text": "Any question"}, "clinic": settings_a},
    )
    assert_no_paragraph_as_heading(html)
    assert '<a href="tel:' in html


def test_the_phone_paragraph_itself_is_not_styled_bold_or_larger():
    rule = re.search(r"^\.call-us__phone \{([^}]*)\}", CSS.read_text(), re.M).group(1)
    assert "font-weight" not in rule and "font-size" not in rule


def test_print_script_opens_collapsed_details_before_printing_and_restores_them_after():
    script = (Path(settings.BASE_DIR) / "clinic_site" / "static" / "js" / "print-button.js").read_text()
    before = script[script.index('addEventListener("beforeprint"') :]
    assert 'querySelectorAll("details:not([open])")' in before
    assert "details.open = true" in before
    after = script[script.index('addEventListener("afterprint"') :]
    assert "details.open = false" in after


def test_procedure_page_loads_the_print_script(client, clinic_a, recovery_a):
    assert "js/print-button.js" in get(client, clinic_a, "/facet-joint-injections/")
