"""The printed sheet says where it came from and when: clinic address, page address and date, on paper only."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

STATIC = Path(settings.BASE_DIR) / "clinic_site" / "static"


def print_footer(client, clinic, path):
    html = client.get(path, HTTP_HOST=clinic.site.hostname).content.decode()
    start = html.index('<div class="print-footer">')
    return html[start : html.index("</div>", start)]


def test_recovery_sheet_prints_the_clinic_address_the_page_address_and_the_date(client, clinic_a, recovery_a):
    footer = print_footer(client, clinic_a, "/facet-joint-injections/after/")
    assert "ASCPM, 1 Alpha Road, Alphaville" in footer
    assert "This page: http://ascpm.test/facet-joint-injections/after/" in footer
    today = timezone.localdate()
    # Rendered with the server's date, which the print script replaces with the day of printing.
    assert f'<time data-print-date datetime="{today:%Y-%m-%d}">{today.day} {today:%B %Y}</time>' in footer


def test_procedure_page_prints_the_same_footer_for_its_own_clinic(client, clinics, procedure_a, procedure_b):
    clinic_a, clinic_b = clinics
    footer_b = print_footer(client, clinic_b, "/facet-joint-injections/")
    assert "Spinal Diagnostics, 2 Beta Avenue, Betatown" in footer_b
    assert "This page: http://spinaldiagnostics.test/facet-joint-injections/" in footer_b
    assert "ASCPM" not in footer_b and "Alpha" not in footer_b


def test_the_print_script_sets_the_day_of_printing():
    # A cached page carries its render date, so the script sets the date when the browser prints.
    script = (STATIC / "js" / "print-button.js").read_text()
    before = script[script.index('addEventListener("beforeprint"') :]
    assert before.index("fillPrintDates(new Date())") < before.index("});")
    fill = script[script.index("function fillPrintDates") :]
    assert 'querySelectorAll("[data-print-date]")' in fill
    assert "time.dateTime = iso" in fill and "time.textContent = text" in fill
    # The script writes the date as the template does ("2 December 2026").
    assert '"en-GB", { day: "numeric", month: "long", year: "numeric" }' in fill


def test_the_footer_shows_on_paper_only():
    css = (STATIC / "css" / "site.css").read_text()
    screen = css[: css.index("@media print")]
    assert re.search(r"^\.print-footer \{ display: none; \}", screen, re.M)
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    assert re.search(r"\.print-footer \{ display: block;", print_rules)
