"""Every clinic page's footer links the clinic's privacy notice, when it has a live one, at no extra query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.clinics.models import ClinicSettings
from pages.models import GeneralPage

PRIVACY_LINK = '<a href="/privacy/">Privacy notice</a>'


def privacy_page(clinic, live=True, linked=True):
    page = GeneralPage(title="Privacy notice", slug="privacy", live=live)
    clinic.home_page.add_child(instance=page)
    if linked:
        link_privacy_page(clinic, page)
    return page


def link_privacy_page(clinic, page):
    settings = ClinicSettings.for_site(clinic.site)
    settings.privacy_page = page
    settings.save()


def html_of(client, clinic, path):
    response = client.get(path, HTTP_HOST=clinic.site.hostname)
    assert response.status_code == 200
    return response.content.decode()


def test_every_clinic_page_links_the_privacy_notice_in_its_footer(client, clinic_a, recovery_a):
    privacy_page(clinic_a)
    for path in ("/", "/facet-joint-injections/", "/facet-joint-injections/after/", "/privacy/", "/search/?q=pain"):
        html = html_of(client, clinic_a, path)
        footer = html[html.index('<footer class="site-footer"') :]
        assert PRIVACY_LINK in footer, path


def test_no_link_without_a_privacy_page_or_to_a_draft_one(client, clinic_a, clinic_b):
    privacy_page(clinic_b, live=False)
    assert "Privacy notice" not in html_of(client, clinic_a, "/")
    assert "Privacy notice" not in html_of(client, clinic_b, "/")


def test_each_clinic_links_its_own_privacy_notice(client, clinic_a, clinic_b):
    privacy_page(clinic_a)
    data_protection = GeneralPage(title="Data protection", slug="data-protection")
    clinic_b.home_page.add_child(instance=data_protection)
    link_privacy_page(clinic_b, data_protection)
    assert '<a href="/data-protection/">Privacy notice</a>' in html_of(client, clinic_b, "/")
    assert "/privacy/" not in html_of(client, clinic_b, "/")


def test_the_link_costs_no_query(client, clinic_a):
    def queries_for_home():
        html_of(client, clinic_a, "/")  # warm Wagtail's site-root cache, as any running server has
        with CaptureQueriesContext(connection) as queries:
            html_of(client, clinic_a, "/")
        return len(queries)

    # The page exists in both counts, so only the link differs (the home page lists its children).
    page = privacy_page(clinic_a, linked=False)
    without_link = queries_for_home()
    link_privacy_page(clinic_a, page)
    assert PRIVACY_LINK in html_of(client, clinic_a, "/")
    assert queries_for_home() == without_link
