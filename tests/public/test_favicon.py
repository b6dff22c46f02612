"""/favicon.svg: each clinic's initials on its brand colour, the platform's on other hosts, cached by fingerprint."""

import re

import pytest

from pages.clinics import branding
from pages.clinics.models import ClinicSettings
from pages.public.favicon import favicon_href

ICON_LINK = re.compile(r'<link rel="icon" href="(/favicon\.svg\?v=([0-9a-f]{12}))" type="image/svg\+xml">')


def icon_link(client, host, path="/"):
    return ICON_LINK.search(client.get(path, HTTP_HOST=host).content.decode())


def test_each_clinic_gets_its_initials_on_its_brand_colour(client, clinic_a, clinic_b):
    svg_b = client.get("/favicon.svg", HTTP_HOST=clinic_b.site.hostname)
    assert svg_b.status_code == 200
    assert svg_b["Content-Type"] == "image/svg+xml"
    body_b = svg_b.content.decode()
    assert 'fill="#5b2a86"' in body_b and ">SD</text>" in body_b
    body_a = client.get("/favicon.svg", HTTP_HOST=clinic_a.site.hostname).content.decode()
    assert 'fill="#0b6e69"' in body_a and ">A</text>" in body_a
    assert "#5b2a86" not in body_a


def test_unknown_and_platform_hosts_get_the_platform_icon(client, clinic_a, clinic_b, settings):
    settings.PLATFORM_HOSTS = ["admin.test"]
    settings.WAGTAIL_SITE_NAME = "Clinic platform"
    platform_svg = branding.favicon_svg(branding.PLATFORM_COLOUR, "Clinic platform")
    for host in ("nobody.test", "admin.test"):
        response = client.get("/favicon.svg", HTTP_HOST=host)
        assert response.status_code == 200
        assert response.content.decode() == platform_svg
        assert ">CP</text>" in platform_svg
    # The "No clinic" page links that same icon, naming no clinic.
    match = icon_link(client, "nobody.test")
    assert match and client.get(match.group(1), HTTP_HOST="nobody.test").content.decode() == platform_svg


def test_pages_link_a_fingerprinted_icon_that_may_be_cached_for_a_year(client, clinic_a, procedure_a):
    host = clinic_a.site.hostname
    match = icon_link(client, host, "/facet-joint-injections/")
    assert match
    response = client.get(match.group(1), HTTP_HOST=host)
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["ETag"] == f'"{match.group(2)}"'
    # Without the current fingerprint (a page cached before a change), only an hour.
    stale = client.get("/favicon.svg?v=000000000000", HTTP_HOST=host)
    assert "max-age=3600" in stale["Cache-Control"] and "immutable" not in stale["Cache-Control"]
    # A browser that has it asks again with If-None-Match and gets 304, no body.
    again = client.get("/favicon.svg", HTTP_HOST=host, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_new_brand_colour_gives_a_new_icon_url(client, clinic_a):
    host = clinic_a.site.hostname
    before = icon_link(client, host).group(1)
    settings_a = ClinicSettings.for_site(clinic_a.site)
    settings_a.brand_colour = "#8a1538"
    settings_a.save()
    after = icon_link(client, host).group(1)
    assert after != before
    assert 'fill="#8a1538"' in client.get(after, HTTP_HOST=host).content.decode()


def test_the_icon_link_is_built_from_loaded_settings_without_a_query(clinic_a, django_assert_num_queries):
    settings_a = ClinicSettings.for_site(clinic_a.site)
    with django_assert_num_queries(0):
        href = favicon_href(settings_a)
    assert href == f"/favicon.svg?v={branding.favicon_version(branding.favicon_svg('#0b6e69', 'ASCPM'))}"


@pytest.mark.parametrize(
    ("name", "letters"), [("Spinal Diagnostics", "SD"), ("ASCPM", "A"), ("St. Ann's Pain Clinic", "SA"), ("", "")]
)
def test_initials(name, letters):
    assert branding.initials(name) == letters


@pytest.mark.parametrize("brand", ["#ffcc00", "#1d4f91", "#ffffff"])
def test_the_initials_stay_readable_on_any_brand_colour(brand):
    svg = branding.favicon_svg(brand, "Spinal Diagnostics")
    text_fill = re.search(r'<text [^>]*fill="(#[0-9a-f]{6})"', svg).group(1)
    assert branding.contrast_ratio(brand, text_fill) >= 4.5
