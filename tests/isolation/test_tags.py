"""Tags of other clinics' images and documents stay out of the admin (pages/isolation/tags.py): the image and
document listings' "Tag" filter, the image chooser's popular tags and the tag autocomplete offer the tags of the
user's own clinics' images and documents, most used first where Wagtail orders them so; network admins see all."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from tests.factories import ClinicFactory, UserFactory, role_user

STAFF = ("editors", "medical reviewers", "moderators")
STAFF_WITH_MEDIA = ("editors", "medical reviewers")
LISTINGS = ("wagtailimages:index", "wagtailimages:index_results", "wagtaildocs:index", "wagtaildocs:index_results")


def tagged_image(clinic, title, *tags):
    image = Image.objects.create(title=title, file=get_test_image_file(), collection=clinic.collection)
    image.tags.add(*tags)
    return image


def tagged_document(clinic, title, *tags):
    document = Document.objects.create(
        title=title, file=ContentFile(b"leaflet", name="leaflet.txt"), collection=clinic.collection
    )
    document.tags.add(*tags)
    return document


@pytest.fixture
def tagged(clinics):
    """Clinic A uses 'alpha-spine' twice and 'shared' once; clinic B uses 'shared' and 'beta-spine' three times."""
    clinic_a, clinic_b = clinics
    tagged_image(clinic_a, "Alpha scan", "alpha-spine", "shared")
    tagged_image(clinic_a, "Alpha x-ray", "alpha-spine")
    tagged_document(clinic_a, "Alpha leaflet", "alpha-leaflets")
    for number in range(3):
        tagged_image(clinic_b, f"Beta scan {number}", "shared", "beta-spine")
    tagged_document(clinic_b, "Beta leaflet", "beta-leaflets", "shared")
    return clinics


def tag_choices(response):
    tag_filter = response.context["filters"].filters.get("tag")
    return [name for name, _label in tag_filter.extra["choices"]] if tag_filter else []


@pytest.mark.parametrize("role", STAFF_WITH_MEDIA)
def test_listing_tag_filters_offer_own_tags_most_used_first(client, tagged, role):
    clinic_a, _ = tagged
    client.force_login(role_user(clinic_a, role))
    for name in LISTINGS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "beta-" not in response.content.decode(), name
        # Counted on the user's own items: clinic B's three 'shared' images do not lift it above 'alpha-spine'.
        expected = ["alpha-spine", "shared"] if name.startswith("wagtailimages") else ["alpha-leaflets"]
        assert tag_choices(response) == expected, name


def test_staff_filter_their_listings_by_their_own_tags(client, tagged):
    clinic_a, _ = tagged
    client.force_login(role_user(clinic_a, "editors"))

    images = client.get(reverse("wagtailimages:index"), {"tag": "shared"}).content.decode()
    assert "Alpha scan" in images and "Alpha x-ray" not in images and "Beta scan" not in images
    images = client.get(reverse("wagtailimages:index_results"), {"tag": "alpha-spine", "q": "x-ray"}).content.decode()
    assert "Alpha x-ray" in images and "Alpha scan" not in images
    documents = client.get(reverse("wagtaildocs:index"), {"tag": "alpha-leaflets"}).content.decode()
    assert "Alpha leaflet" in documents


def test_the_tag_filter_is_left_out_when_none_of_the_users_items_are_tagged(client, tagged):
    clinic_c = ClinicFactory(name="Gamma Clinic", hostname="gamma.test")
    tagged_image(clinic_c, "Gamma scan")
    client.force_login(role_user(clinic_c, "editors"))
    for name in LISTINGS:
        response = client.get(reverse(name))
        assert response.status_code == 200 and "tag" not in response.context["filters"].filters, name


def test_network_admins_filter_by_every_clinics_tags_as_in_wagtail(client, tagged, superuser):
    client.force_login(superuser)
    assert tag_choices(client.get(reverse("wagtailimages:index"))) == ["shared", "beta-spine", "alpha-spine"]
    documents = tag_choices(client.get(reverse("wagtaildocs:index")))
    assert sorted(documents) == ["alpha-leaflets", "beta-leaflets", "shared"]


def test_the_listings_queries_do_not_grow_with_the_number_of_clinics(client, tagged, django_assert_max_num_queries):
    clinic_a, _ = tagged
    client.force_login(role_user(clinic_a, "editors"))

    def queries(name):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    for name in LISTINGS:
        client.get(reverse(name))  # the first view of a listing makes its thumbnails
    before = {name: queries(name) for name in LISTINGS}
    for word in ("gamma", "delta"):
        clinic = ClinicFactory(name=f"{word.title()} Clinic", hostname=f"{word}.test")
        for number in range(3):
            tagged_image(clinic, f"{word} scan {number}", f"{word}-spine", f"{word}-{number}", "shared")
            tagged_document(clinic, f"{word} leaflet {number}", f"{word}-leaflets")
    client.get(reverse("wagtailadmin_home"))  # new clinics make every process look its hosts up again, once
    assert {name: queries(name) for name in LISTINGS} == before
    # Wagtail's own listing takes 21 queries here; the seal adds one (the user's popular tags).
    with django_assert_max_num_queries(22):
        client.get(reverse("wagtailimages:index"))


@pytest.mark.parametrize("role", STAFF)
def test_the_image_chooser_suggests_own_popular_tags(client, tagged, role):
    clinic_a, _ = tagged
    client.force_login(role_user(clinic_a, role))
    response = client.get(reverse("wagtailimages_chooser:choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    assert "beta-spine" not in html
    # Moderators hold no permission on the clinic's collection: they get no suggestions at all.
    expected = [] if role == "moderators" else ["alpha-spine", "shared"]
    assert [tag.name for tag in response.context["popular_tags"]] == expected
    if expected:
        assert 'href="/admin/images/?tag=alpha-spine"' in html


def test_network_admins_are_suggested_every_clinics_popular_tags(client, tagged, superuser):
    client.force_login(superuser)
    response = client.get(reverse("wagtailimages_chooser:choose"))
    assert [tag.name for tag in response.context["popular_tags"]] == ["shared", "beta-spine", "alpha-spine"]


def autocomplete(client, term, tag_model=None):
    url = reverse("wagtailadmin_tag_autocomplete")
    if tag_model:
        url = reverse("wagtailadmin_tag_model_autocomplete", args=tag_model.split("."))
    response = client.get(url, {"term": term})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("tag_model", [None, "taggit.tag"])
@pytest.mark.parametrize("role", STAFF_WITH_MEDIA)
def test_the_autocomplete_completes_own_image_and_document_tags(client, tagged, role, tag_model):
    clinic_a, _ = tagged
    client.force_login(role_user(clinic_a, role))
    assert autocomplete(client, "alpha", tag_model) == ["alpha-leaflets", "alpha-spine"]
    assert autocomplete(client, "SH", tag_model) == ["shared"]  # once, though on several items
    assert autocomplete(client, "beta", tag_model) == []
    assert autocomplete(client, "", tag_model) == []


def test_moderators_are_completed_no_tags(client, tagged):
    clinic_a, _ = tagged
    client.force_login(role_user(clinic_a, "moderators"))
    assert autocomplete(client, "alpha") == [] and autocomplete(client, "shared") == []


def test_staff_of_two_clinics_are_completed_both_clinics_tags(client, tagged):
    clinic_a, clinic_b = tagged
    user = role_user(clinic_a, "editors")
    user.groups.add(clinic_b.groups["editors"])
    client.force_login(user)
    assert autocomplete(client, "b") == ["beta-leaflets", "beta-spine"]
    response = client.get(reverse("wagtailimages:index"))
    assert tag_choices(response) == ["shared", "beta-spine", "alpha-spine"]


def test_network_admins_are_completed_every_tag(client, tagged, superuser):
    client.force_login(superuser)
    assert autocomplete(client, "beta") == ["beta-leaflets", "beta-spine"]
    assert autocomplete(client, "beta", "taggit.tag") == ["beta-leaflets", "beta-spine"]


def test_the_autocomplete_answers_ten_names_in_a_fixed_number_of_queries(
    client, clinics, django_assert_max_num_queries
):
    clinic_a, clinic_b = clinics
    tagged_image(clinic_a, "Alpha scan", *[f"alpha-{number:02}" for number in range(12)])
    tagged_image(clinic_b, "Beta scan", *[f"alpha-b-{number:02}" for number in range(12)])
    client.force_login(role_user(clinic_a, "editors"))
    with django_assert_max_num_queries(11):
        names = autocomplete(client, "alpha")
    assert names == [f"alpha-{number:02}" for number in range(10)]


def test_the_autocomplete_answers_404_for_anything_but_a_tag_model(client, clinics):
    clinic_a, _ = clinics
    client.force_login(role_user(clinic_a, "editors"))
    for app_name, model_name in (("wagtailimages", "image"), ("taggit", "nothing"), ("pages", "procedurepage")):
        url = reverse("wagtailadmin_tag_model_autocomplete", args=(app_name, model_name))
        response = client.get(url, {"term": "a"})
        assert response.status_code == 404
        assert "wagtailadmin/404.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/images/",
        "/admin/images/results/",
        "/admin/documents/",
        "/admin/documents/results/",
        "/admin/tag-autocomplete/?term=a",
        "/admin/tag-autocomplete/taggit/tag/?term=a",
    ],
)
def test_the_sealed_views_keep_wagtails_admin_checks(client, clinics, url):
    """They answer at Wagtail's paths from outside its URLconf, behind the same admin decorators."""
    clinic_a, _ = clinics
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))

    client.force_login(UserFactory(username="no-admin-access"))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))

    client.force_login(role_user(clinic_a, "editors"))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
