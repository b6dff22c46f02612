"""Documents and password forms answer on their own clinic's host only (pages/isolation/public.py).

Wagtail serves a document on every hostname that reaches the server; here clinic B's leaflet must be "not found" on
clinic A's host, on unknown hosts and, except for a signed-in network admin, on the platform's admin host.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from tests.factories import ProcedurePageFactory, role_user

PLATFORM_HOST = "testserver"  # in PLATFORM_HOSTS (settings/test.py)
UNKNOWN_HOST = "unknown.example.org"
MISSING = 987654321


def leaflet(collection, word):
    return Document.objects.create(
        title=f"{word} leaflet",
        file=ContentFile(f"{word} leaflet content".encode(), name=f"{word.lower()}-leaflet.txt"),
        collection=collection,
    )


def fetch(client, document, host, missing=False):
    """(status, body) of a document's download URL on `host`; with `missing`, of the same URL with an unknown id.
    The body leaves out the per-response Content-Security-Policy nonce, which differs between any two pages."""
    url = document.url.replace(f"/{document.pk}/", f"/{MISSING}/") if missing else document.url
    response = client.get(url, HTTP_HOST=host)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, re.sub(rb'nonce="[^"]*"', b'nonce=""', body)


@pytest.fixture
def leaflets(clinic_a, clinic_b):
    return leaflet(clinic_a.collection, "Alpha"), leaflet(clinic_b.collection, "Zebra")


def test_a_document_is_served_on_its_own_clinics_host_and_not_found_on_the_others(client, clinics, leaflets):
    for clinic, document, other in zip(clinics, leaflets, reversed(leaflets), strict=True):
        host = clinic.site.hostname
        status, body = fetch(client, document, host)
        assert status == 200 and body == document.file.open().read(), host
        # The other clinic's document reads exactly as one that does not exist.
        assert fetch(client, other, host) == fetch(client, other, host, missing=True)
        assert fetch(client, other, host)[0] == 404
        assert other.title.split()[0].encode() not in fetch(client, other, host)[1]


def test_a_document_in_a_collection_under_the_clinics_collection_is_its_clinics(client, clinics):
    clinic_a, clinic_b = clinics
    forms = clinic_b.collection.add_child(name="Consent forms")
    document = leaflet(forms, "Zebra")
    assert fetch(client, document, clinic_b.site.hostname)[0] == 200
    assert fetch(client, document, clinic_a.site.hostname)[0] == 404


def test_unknown_hosts_serve_no_document(client, leaflets):
    for document in leaflets:
        assert fetch(client, document, UNKNOWN_HOST)[0] == 404


def test_on_the_platform_host_documents_are_for_signed_in_network_admins_only(client, clinics, leaflets, superuser):
    clinic_a, clinic_b = clinics
    _alpha, zebra = leaflets
    assert fetch(client, zebra, PLATFORM_HOST) == fetch(client, zebra, PLATFORM_HOST, missing=True)
    assert fetch(client, zebra, PLATFORM_HOST)[0] == 404
    for clinic in clinics:
        for role in ("editors", "medical reviewers", "moderators"):
            client.force_login(role_user(clinic, role))
            assert fetch(client, zebra, PLATFORM_HOST)[0] == 404, (clinic.site.site_name, role)
    client.force_login(superuser)
    response = client.get(zebra.url, HTTP_HOST=PLATFORM_HOST)
    assert response.status_code == 200 and b"Zebra leaflet content" in b"".join(response.streaming_content)
    assert "private" in response["Cache-Control"]


def test_a_document_outside_every_clinics_collection_is_for_network_admins_on_the_platform_host(
    client, clinics, superuser
):
    document = leaflet(Collection.get_first_root_node(), "Shared")
    for clinic in clinics:
        assert fetch(client, document, clinic.site.hostname)[0] == 404
    client.force_login(superuser)
    assert fetch(client, document, clinics[0].site.hostname)[0] == 404
    assert fetch(client, document, PLATFORM_HOST)[0] == 200


def test_collection_privacy_still_applies_on_the_own_host(client, clinics):
    clinic_a, clinic_b = clinics
    private = clinic_b.collection.add_child(name="Private")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="open-sesame-42"
    )
    document = leaflet(private, "Zebra")
    own = client.get(document.url, HTTP_HOST=clinic_b.site.hostname)
    assert own.status_code == 200 and b"Zebra leaflet content" not in own.content
    assert b"password" in own.content.lower()
    form = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    assert client.get(form, HTTP_HOST=clinic_b.site.hostname).status_code == 200
    # On clinic A's host neither the document nor its password form exists.
    missing_form = reverse("wagtaildocs_authenticate_with_password", args=[MISSING])
    assert fetch(client, document, clinic_a.site.hostname)[0] == 404
    theirs = client.get(form, HTTP_HOST=clinic_a.site.hostname)
    assert theirs.status_code == client.get(missing_form, HTTP_HOST=clinic_a.site.hostname).status_code == 404
    passed = client.post(form, {"password": "open-sesame-42", "return_url": "/"}, HTTP_HOST=clinic_a.site.hostname)
    assert passed.status_code == 404


def test_a_private_pages_password_form_answers_on_its_clinics_host_only(client, clinics):
    clinic_a, clinic_b = clinics
    pages, restrictions = {}, {}
    for clinic, word in zip(clinics, ("alpha", "zebra"), strict=True):
        pages[word] = ProcedurePageFactory(parent=clinic.home_page, title=f"{word} private", slug=word)
        restrictions[word] = PageViewRestriction.objects.create(
            page=pages[word], restriction_type="password", password="open-sesame-42"
        )

    def form(restriction, page, host):
        url = reverse("wagtailcore_authenticate_with_password", args=[restriction, page])
        return client.get(url, HTTP_HOST=host).status_code

    b_host, a_host = clinic_b.site.hostname, clinic_a.site.hostname
    zebra = restrictions["zebra"].pk, pages["zebra"].pk
    alpha = restrictions["alpha"].pk, pages["alpha"].pk
    assert form(*zebra, b_host) == 200 and form(*alpha, a_host) == 200
    assert form(*zebra, a_host) == form(MISSING, MISSING, a_host) == 404
    # Mixing an own restriction with the other clinic's page (or the reverse) names the other clinic's page too.
    assert form(alpha[0], zebra[1], a_host) == form(zebra[0], alpha[1], a_host) == 404
    assert form(*zebra, PLATFORM_HOST) == form(*zebra, UNKNOWN_HOST) == 404


def test_images_have_no_serve_view_their_files_are_plain_media():
    """Image originals and renditions are files under MEDIA_URL, which Django does not route outside DEBUG: no view
    answers for another clinic's image on any host. (Whoever serves MEDIA_URL in production: README, Production.)"""
    with pytest.raises(NoReverseMatch):
        reverse("wagtailimages_serve", args=["signature", 1, "original"])
