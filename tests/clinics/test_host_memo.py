"""The Host -> clinic lookup is remembered per process and forgotten, in every process, as soon as a Site changes."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from pages.clinics import hosts
from tests.factories import ClinicFactory


def site_queries(client, host):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", HTTP_HOST=host)
    return response, [query["sql"] for query in queries if "wagtailcore_site" in query["sql"]]


def test_a_clinics_site_is_looked_up_once_then_remembered(clinic_a, client):
    response, first = site_queries(client, "ascpm.test")
    assert response.status_code == 200 and first
    response, again = site_queries(client, "ascpm.test")
    assert response.status_code == 200
    assert again == []


def test_a_new_clinic_is_served_at_once(clinic_a, client):
    assert client.get("/", HTTP_HOST="new-clinic.test").status_code == 404
    ClinicFactory(name="New clinic", hostname="new-clinic.test")
    response = client.get("/", HTTP_HOST="new-clinic.test")
    assert response.status_code == 200
    assert "New clinic" in response.content.decode()


def test_a_changed_hostname_is_seen_at_once(clinic_a, client):
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 200
    clinic_a.site.hostname = "ascpm-renamed.test"
    clinic_a.site.save()
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 404
    assert client.get("/", HTTP_HOST="ascpm-renamed.test").status_code == 200


def test_a_deleted_clinic_is_no_longer_served(clinic_a, clinic_b, client):
    assert client.get("/", HTTP_HOST="spinaldiagnostics.test").status_code == 200
    clinic_b.site.delete()
    assert client.get("/", HTTP_HOST="spinaldiagnostics.test").status_code == 404


def test_another_processs_change_is_seen_through_the_shared_generation(clinic_a, client):
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 200
    # Another process renames the site: this process's signals never fire, only the shared token moves.
    Site.objects.filter(pk=clinic_a.site.pk).update(hostname="ascpm-moved.test")
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 200, "remembered until the token moves"
    cache.set(hosts.GENERATION_KEY, "bumped-by-another-process", timeout=None)
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 404
    assert client.get("/", HTTP_HOST="ascpm-moved.test").status_code == 200


def test_a_site_change_bumps_the_shared_generation(clinic_a):
    before = hosts.current_generation()
    clinic_a.site.site_name = "Renamed"
    clinic_a.site.save()
    assert cache.get(hosts.GENERATION_KEY) not in (None, before)


def test_an_evicted_generation_only_costs_a_fresh_lookup(clinic_a, client):
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 200
    Site.objects.filter(pk=clinic_a.site.pk).update(hostname="ascpm-evicted.test")
    cache.delete(hosts.GENERATION_KEY)
    assert client.get("/", HTTP_HOST="ascpm.test").status_code == 404
    assert client.get("/", HTTP_HOST="ascpm-evicted.test").status_code == 200


def test_each_request_gets_its_own_copy_of_the_site(clinic_a):
    first = hosts.clinic_site_for_host("ascpm.test", 80)
    first.root_page.title = "Changed by one request"
    second = hosts.clinic_site_for_host("ascpm.test", 80)
    assert second.pk == first.pk
    assert second.root_page.title != "Changed by one request"
