"""Every public page carries a Content-Security-Policy that allows no inline script and no inline style (the brand
colours are a stylesheet of the clinic's own, so cached pages hold no nonce); JSON-LD still reaches search engines;
the admin has no policy; report-only is a switch."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from wagtail.documents.models import Document

from clinic_site.settings.content_policy import content_security_policies
from tests.contact.support import form_data
from tests.factories import ContactPageFactory, ProcedurePageFactory, RecoveryGuidancePageFactory
from tests.patient_messages.support import message_data
from tests.support import printed_by_settings

HOST = "ascpm.test"


def directives(header):
    """{'script-src': ["'self'"], ...} from a policy header."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy would block: event-handler and style attributes, javascript: links, and
    <script> elements that neither load a file nor hold data (JSON-LD), and any <style> element."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.json_ld = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.problems += [f"<{tag} {name}>" for name in attrs if name.startswith("on") or name == "style"]
        if (attrs.get("href") or "").strip().lower().startswith("javascript:"):
            self.problems.append(f"<{tag} href=javascript:>")
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self.json_ld += 1
        elif tag == "script" and not attrs.get("src"):
            self.problems.append("inline <script>")
        elif tag == "style":
            self.problems.append("inline <style>")


def inline_code(response):
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    return finder


@pytest.fixture
def site_pages(clinic_a):
    procedure = ProcedurePageFactory(parent=clinic_a.home_page, slug="facet-joint-injections")
    return {
        "home": clinic_a.home_page,
        "procedure": procedure,
        "recovery": RecoveryGuidancePageFactory(parent=procedure, slug="after"),
        "contact": ContactPageFactory(parent=clinic_a.home_page, slug="contact", to_address=""),
    }


@pytest.fixture
def public_responses(client, site_pages):
    """A response of every kind of public page: each page type, the forms after a POST, search, 404."""

    def get(path, **extra):
        return client.get(path, HTTP_HOST=HOST, **extra)

    procedure, contact = site_pages["procedure"], site_pages["contact"]
    return {
        **{name: get(page.url) for name, page in site_pages.items()},
        "contact form with errors": client.post(contact.url, {}, HTTP_HOST=HOST),
        "contact thanks": client.post(
            contact.url, form_data(contact), HTTP_HOST=HOST, REMOTE_ADDR="203.0.113.20", follow=True
        ),
        "message thanks": client.post(
            procedure.url + "messages/",
            message_data(procedure),
            HTTP_HOST=HOST,
            REMOTE_ADDR="203.0.113.21",
            follow=True,
        ),
        "search": get("/search/", data={"q": "injection"}),
        "not found": get("/no-such-page/"),
    }


def test_every_public_page_forbids_inline_script_and_other_hosts(public_responses):
    expected = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    for name, response in public_responses.items():
        assert response.status_code in {200, 404}, name
        policy = directives(response["Content-Security-Policy"])
        assert {key: policy.get(key) for key in expected} == expected, name
        assert policy["style-src"] == ["'self'"], name
        assert "unsafe" not in response["Content-Security-Policy"], name


def test_public_templates_hold_no_code_or_style_the_policy_would_block(public_responses):
    for name, response in public_responses.items():
        assert inline_code(response).problems == [], name


def test_the_error_and_unknown_host_pages_hold_no_inline_code_either(client, clinic_a):
    unknown_host = client.get("/", HTTP_HOST="nobody.test")
    assert unknown_host.status_code == 404
    assert "No clinic at this address" in unknown_host.content.decode()
    finder = InlineCodeFinder()
    finder.feed(unknown_host.content.decode() + render_to_string("500.html") + render_to_string("account_locked.html"))
    assert finder.problems == []


def test_the_brand_colours_are_the_clinics_own_fingerprinted_stylesheet(client, clinic_a, clinic_b):
    link = re.search(
        r'<link rel="stylesheet" href="(/brand\.css\?v=([0-9a-f]{12}))">',
        client.get("/", HTTP_HOST=HOST).content.decode(),
    )
    assert link
    css = client.get(link.group(1), HTTP_HOST=HOST)
    assert css.status_code == 200 and css["Content-Type"] == "text/css"
    settings_a = clinic_a.settings
    assert css.content.decode() == (
        f"body {{ --brand: {settings_a.brand_colour}; --brand-text: {settings_a.brand_text_colour}; "
        f"--brand-link: {settings_a.brand_link_colour}; }}\n"
    )
    assert "max-age=31536000" in css["Cache-Control"] and "immutable" in css["Cache-Control"]
    # Each clinic's host answers with its own colours; a new colour is a new address.
    other = client.get("/brand.css", HTTP_HOST=clinic_b.site.hostname).content.decode()
    assert clinic_b.settings.brand_colour in other and settings_a.brand_colour not in other
    settings_a.brand_colour = "#123456"
    settings_a.save()
    again = re.search(r'href="(/brand\.css\?v=[0-9a-f]{12})"', client.get("/", HTTP_HOST=HOST).content.decode())
    assert again.group(1) != link.group(1)
    assert "--brand: #123456;" in client.get(again.group(1), HTTP_HOST=HOST).content.decode()


def test_the_brand_stylesheet_is_not_served_on_a_host_that_is_no_clinic(client, clinic_a):
    assert client.get("/brand.css", HTTP_HOST="nobody.test").status_code == 404


def test_json_ld_stays_on_the_clinical_pages_under_the_policy(public_responses):
    """A <script type="application/ld+json"> is a data block: browsers never run it, so script-src does not
    apply (CSP Level 3 checks a script element only when it is prepared to run). It stays readable for search
    engines without any 'unsafe-inline'."""
    for name in ("procedure", "recovery"):
        response = public_responses[name]
        assert inline_code(response).json_ld == 1, name
        payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
        assert json.loads(payload.group(1))["@context"] == "https://schema.org"
        assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


def test_the_print_button_works_from_a_script_file(public_responses):
    page = public_responses["recovery"].content.decode()
    assert "data-print-button" in page
    assert re.search(r'<script src="/static/js/print-button\.js[^"]*" defer></script>', page)


def test_the_admin_has_no_policy(client, superuser):
    assert "Content-Security-Policy" not in client.get("/admin/login/")
    client.force_login(superuser)
    assert "Content-Security-Policy" not in client.get("/admin/")


def test_documents_keep_wagtails_stricter_policy(client, clinic_a):
    document = Document.objects.create(
        title="Leaflet", file=ContentFile(b"leaflet", name="leaflet.txt"), collection=clinic_a.collection
    )
    response = client.get(document.url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_report_only_mode_sends_the_same_policy_without_enforcing_it(client, clinic_a, settings):
    settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policies(
        report_only=True, report_uri="https://reports.example.org/csp"
    )
    response = client.get("/", HTTP_HOST=HOST)
    assert "Content-Security-Policy" not in response
    policy = directives(response["Content-Security-Policy-Report-Only"])
    assert policy["script-src"] == ["'self'"]
    assert policy["report-uri"] == ["https://reports.example.org/csp"]


def policies_under(settings_module, **env):
    return printed_by_settings(
        "e, r = s.CONTENT_SECURITY_POLICY, s.CONTENT_SECURITY_POLICY_REPORT_ONLY; "
        "print(bool(e), bool(r), (e or r)['DIRECTIVES'].get('report-uri'))",
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY="q7Zr-" + "x9Kp2" * 12,
        **env,
    )


def test_production_enforces_the_policy_unless_told_to_report_only():
    assert policies_under("clinic_site.settings.production") == ["True", "False", "None"]
    assert policies_under(
        "clinic_site.settings.production", CSP_REPORT_ONLY="true", CSP_REPORT_URI="https://reports.example.org/csp"
    ) == ["False", "True", "['https://reports.example.org/csp']"]


def test_development_reports_the_policy_unless_told_to_enforce_it():
    assert policies_under("clinic_site.settings.dev") == ["False", "True", "None"]
    assert policies_under("clinic_site.settings.dev", CSP_REPORT_ONLY="false") == ["True", "False", "None"]
