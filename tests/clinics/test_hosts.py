"""Each clinic is served on its own hostname with its own details; no other Host ever shows a clinic."""

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import ClinicFactory


def test_each_clinic_site_shows_its_own_name_and_contact_details(clinics, client):
    clinic_a, clinic_b = clinics
    for clinic, other in ((clinic_a, clinic_b), (clinic_b, clinic_a)):
        response = client.get("/", HTTP_HOST=clinic.site.hostname)
        assert response.status_code == 200
        html = response.content.decode()
        details = clinic.settings
        assert details.display_name in html
        assert details.phone in html
        assert all(line in html for line in details.address_lines)
        stylesheet = re.search(r'href="(/brand\.css\?v=[0-9a-f]+)"', html).group(1)
        colours = client.get(stylesheet, HTTP_HOST=clinic.site.hostname).content.decode()
        assert f"--brand: {details.brand_colour};" in colours
        assert other.settings.brand_colour not in colours
        assert other.settings.display_name not in html
        assert other.settings.phone not in html


def test_the_clinic_logo_appears_in_its_header(clinic_a, client):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    logo = Image.objects.create(title="ASCPM logo", file=get_test_image_file(), collection=clinic_a.collection)
    clinic_a.settings.logo = logo
    clinic_a.settings.save()
    html = client.get("/", HTTP_HOST="ascpm.test").content.decode()
    assert 'class="site-header__logo"' in html
    assert "/media/images/" in html or "images/test" in html


def test_hostnames_match_whatever_their_case(clinic_a, client):
    response = client.get("/", HTTP_HOST="ASCPM.Test")
    assert response.status_code == 200
    assert "ASCPM" in response.content.decode()


@pytest.mark.parametrize("host", ["unknown.example.org", "ascpm.test.evil.example", "127.0.0.2"])
def test_an_unknown_host_gets_a_neutral_404_and_no_clinic(clinics, client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 404
    html = response.content.decode()
    assert "No clinic at this address" in html
    for clinic in clinics:
        assert clinic.settings.display_name not in html
        assert clinic.settings.phone not in html


def test_an_unknown_host_is_refused_even_when_a_clinic_is_wagtails_default_site(clinics, client):
    clinic_a, _ = clinics
    clinic_a.site.is_default_site = True
    clinic_a.site.save()
    for path in ("/", "/admin/login/", "/some-page/"):
        response = client.get(path, HTTP_HOST="unknown.example.org")
        assert response.status_code == 404, path
        assert "ASCPM" not in response.content.decode()


def test_an_unknown_host_cannot_reach_the_admin(clinics, client):
    assert client.get("/admin/login/", HTTP_HOST="unknown.example.org").status_code == 404


def test_a_platform_host_serves_the_admin_but_no_public_pages(clinics, client, settings):
    settings.PLATFORM_HOSTS = ["admin.platform.test"]
    assert client.get("/admin/login/", HTTP_HOST="admin.platform.test").status_code == 200
    response = client.get("/", HTTP_HOST="admin.platform.test")
    assert response.status_code == 404
    assert "No clinic at this address" in response.content.decode()


def test_staff_can_use_the_admin_on_their_clinic_hostname(clinic_a, client):
    assert client.get("/admin/login/", HTTP_HOST="ascpm.test").status_code == 200


def test_a_missing_page_on_a_clinic_host_is_a_branded_404(clinic_a, client):
    response = client.get("/no-such-page/", HTTP_HOST="ascpm.test")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find that page" in html
    assert "(217) 555-0111" in html


@override_settings(ALLOWED_HOSTS=["ascpm.test"])
def test_an_explicit_allowed_hosts_list_still_applies(clinics, client):
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 200
    assert client.get("/", HTTP_HOST="spinaldiagnostics.test").status_code == 400


def test_the_health_check_answers_on_any_host_and_names_no_clinic(clinics, client):
    response = client.get(reverse("healthz"), HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
    assert b"ascpm" not in response.content.lower()


def test_two_clinics_on_one_hostname_with_different_ports_are_told_apart(db, client):
    ClinicFactory(name="Port One", hostname="shared.test", port=8001, phone="(217) 555-0101")
    # The same hostname for another clinic is refused by onboarding, so build the second Site directly.
    from wagtail.models import Site

    other = ClinicFactory(name="Port Two", hostname="other.test", port=8002, phone="(217) 555-0102")
    Site.objects.filter(pk=other.site.pk).update(hostname="shared.test")
    one = client.get("/", HTTP_HOST="shared.test:8001", SERVER_PORT="8001").content.decode()
    two = client.get("/", HTTP_HOST="shared.test:8002", SERVER_PORT="8002").content.decode()
    assert "Port One" in one and "Port Two" not in one
    assert "Port Two" in two and "Port One" not in two
