"""Bulk actions on pages, images and documents act on, and name, the user's own clinics' items only
(pages/isolation/bulk.py). The matrix (test_isolation_matrix.py) requests every bulk action with clinic B's ids;
these tests pin down what the seal does: foreign ids are dropped as if they did not exist, "select all" covers the
user's clinics, a foreign parent or move destination answers 404, and own work is unchanged."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from tests.factories import ClinicFactory, ProcedurePageFactory, RecoveryGuidancePageFactory, role_user

ROLES = ("editors", "medical reviewers", "moderators")
PAGE_ACTIONS = ("delete", "move", "publish", "unpublish")
MEDIA_ACTIONS = ("delete", "add_tags", "add_to_collection")


def bulk_url(model, action, query):
    return f"/admin/bulk/{model}/{action}/?{query}"


@pytest.fixture
def items(clinics):
    """One page, image and document per clinic; clinic B's names all carry "Zebra"."""
    clinic_a, clinic_b = clinics
    made = {}
    for clinic, word in ((clinic_a, "Alpha"), (clinic_b, "Zebra")):
        made[word] = {
            "page": ProcedurePageFactory(parent=clinic.home_page, title=f"{word} injections", slug=word.lower()),
            "image": Image.objects.create(
                title=f"{word} scan", file=get_test_image_file(), collection=clinic.collection
            ),
            "document": Document.objects.create(
                title=f"{word} leaflet", file=ContentFile(b"leaflet", name=f"{word}.txt"), collection=clinic.collection
            ),
        }
    return made["Alpha"], made["Zebra"]


def _selections(mine, theirs):
    """(clinic B's item alone, clinic B's item among the user's own, the own item's title) for every bulk action."""
    for model, key, actions in (
        ("wagtailcore/page", "page", PAGE_ACTIONS),
        ("wagtailimages/image", "image", MEDIA_ACTIONS),
        ("wagtaildocs/document", "document", MEDIA_ACTIONS),
    ):
        for action in actions:
            alone = bulk_url(model, action, f"id={theirs[key].pk}")
            mixed = bulk_url(model, action, f"id={mine[key].pk}&id={theirs[key].pk}")
            yield alone, mixed, mine[key].title


@pytest.mark.parametrize("role", ROLES)
def test_other_clinics_ids_are_dropped_as_if_they_did_not_exist(client, clinics, items, role):
    clinic_a, _ = clinics
    mine, theirs = items
    client.force_login(role_user(clinic_a, role))
    for alone, mixed, own_title in _selections(mine, theirs):
        for response in (client.get(alone), client.post(alone)):
            assert response.status_code == 404, alone
            assert "Zebra" not in response.content.decode(), alone
        response = client.get(mixed)
        html = response.content.decode()
        assert "Zebra" not in html, mixed
        if role == "moderators":  # they hold no page or collection permission: nothing of theirs to select
            assert response.status_code == 404, mixed
        else:  # listed to act on, or under "You don't have permission to ...": it is the user's own
            assert response.status_code == 200 and own_title in html, mixed
    # A clinic-B id answers exactly as an id that does not exist.
    missing = client.get(bulk_url("wagtailimages/image", "delete", f"id={mine['image'].pk}&id=999999"))
    foreign = client.get(bulk_url("wagtailimages/image", "delete", f"id={mine['image'].pk}&id={theirs['image'].pk}"))
    assert missing.status_code == foreign.status_code
    # Nothing of clinic B was changed by the POSTs.
    assert Image.objects.filter(pk=theirs["image"].pk).exists()
    assert Document.objects.filter(pk=theirs["document"].pk).exists()
    assert Page.objects.filter(pk=theirs["page"].pk, live=True).exists()


def test_a_mixed_selection_lists_and_acts_on_own_items_only(client, clinics, items):
    clinic_a, _ = clinics
    mine, theirs = items
    client.force_login(role_user(clinic_a, "medical reviewers"))
    url = bulk_url("wagtailimages/image", "add_tags", f"id={mine['image'].pk}&id={theirs['image'].pk}")

    confirmation = client.get(url).content.decode()
    assert "Alpha scan" in confirmation and "Zebra" not in confirmation
    client.post(url, {"tags": "spine"})
    assert list(Image.objects.get(pk=mine["image"].pk).tags.names()) == ["spine"]
    assert list(Image.objects.get(pk=theirs["image"].pk).tags.names()) == []

    url = bulk_url("wagtailcore/page", "unpublish", f"id={mine['page'].pk}&id={theirs['page'].pk}")
    assert "Zebra" not in client.get(url).content.decode()
    client.post(url)
    mine["page"].refresh_from_db()
    theirs["page"].refresh_from_db()
    assert not mine["page"].live and theirs["page"].live


@pytest.mark.parametrize("role", ROLES)
def test_select_all_covers_the_users_clinics_only(client, clinics, items, role):
    clinic_a, clinic_b = clinics
    client.force_login(role_user(clinic_a, role))
    root = clinic_a.home_page.get_parent()
    collection = clinic_a.collection.pk
    selections = [  # (model, query, an own item it selects)
        ("wagtailcore/page", "id=all", "Alpha injections"),
        ("wagtailcore/page", f"id=all&childOf={root.pk}", clinic_a.home_page.title),  # the root's child for the user
        ("wagtailcore/page", "id=all&q=injections", "Alpha injections"),
        ("wagtailimages/image", "id=all", "Alpha scan"),
        ("wagtailimages/image", "id=all&q=scan", "Alpha scan"),
        ("wagtailimages/image", f"id=all&childOf={collection}", "Alpha scan"),
        ("wagtaildocs/document", "id=all", "Alpha leaflet"),
        ("wagtaildocs/document", "id=all&q=leaflet", "Alpha leaflet"),
        ("wagtaildocs/document", f"id=all&childOf={collection}", "Alpha leaflet"),
    ]
    for model, query, own_title in selections:
        response = client.get(bulk_url(model, "delete", query))
        html = response.content.decode()
        assert "Zebra" not in html and clinic_b.site.site_name not in html, (model, query)
        if role == "moderators":
            assert response.status_code == 404, (model, query)
        else:
            assert response.status_code == 200 and own_title in html, (model, query)


@pytest.mark.parametrize("role", ROLES)
def test_select_all_under_another_clinics_parent_is_not_found(client, clinics, items, role):
    clinic_a, clinic_b = clinics
    _, theirs = items
    client.force_login(role_user(clinic_a, role))
    refused = [
        bulk_url("wagtailcore/page", "publish", f"id=all&childOf={clinic_b.home_page.pk}"),
        bulk_url("wagtailcore/page", "delete", f"id=all&childOf={theirs['page'].pk}&q=injections"),
        bulk_url("wagtailcore/page", "move", "id=all&childOf=999999"),
        bulk_url("wagtailcore/page", "move", "id=all&childOf=not-a-page"),
        bulk_url("wagtailimages/image", "add_to_collection", f"id=all&childOf={clinic_b.collection.pk}"),
        bulk_url("wagtaildocs/document", "delete", f"id=all&childOf={clinic_b.collection.pk}&q=leaflet"),
        bulk_url("wagtaildocs/document", "delete", "id=all&childOf=not-a-collection"),
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Zebra" not in response.content.decode(), url


def test_moving_own_pages_into_another_clinic_is_not_found_and_names_nothing(client, clinics, items):
    clinic_a, clinic_b = clinics
    mine, _ = items
    client.force_login(role_user(clinic_a, "medical reviewers"))
    url = bulk_url("wagtailcore/page", "move", f"id={mine['page'].pk}")

    response = client.post(url, {"chooser": clinic_b.home_page.pk})
    assert response.status_code == 404
    assert clinic_b.home_page.title not in response.content.decode()
    mine["page"].refresh_from_db()
    assert mine["page"].get_parent().pk == clinic_a.home_page.pk


def test_own_clinic_bulk_actions_keep_working(client, clinics, items):
    clinic_a, _ = clinics
    mine, _ = items
    draft = ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha draft", slug="alpha-draft", live=False)
    guidance = RecoveryGuidancePageFactory(parent=mine["page"], title="Alpha aftercare", slug="aftercare")

    # An editor bulk-adds tags to the clinic's images and documents.
    client.force_login(role_user(clinic_a, "editors"))
    url = bulk_url("wagtailimages/image", "add_tags", f"id={mine['image'].pk}")
    assert "Alpha scan" in client.get(url).content.decode()
    client.post(url, {"tags": "lumbar"})
    assert list(Image.objects.get(pk=mine["image"].pk).tags.names()) == ["lumbar"]
    client.post(bulk_url("wagtaildocs/document", "add_tags", "id=all"), {"tags": "leaflets"})
    assert list(Document.objects.get(pk=mine["document"].pk).tags.names()) == ["leaflets"]

    # A medical reviewer bulk-publishes and unpublishes the clinic's pages, and moves one within the clinic.
    client.force_login(role_user(clinic_a, "medical reviewers"))
    url = bulk_url("wagtailcore/page", "publish", f"id={draft.pk}")
    assert "Alpha draft" in client.get(url).content.decode()
    client.post(url)
    draft.refresh_from_db()
    assert draft.live
    client.post(bulk_url("wagtailcore/page", "unpublish", f"id=all&childOf={clinic_a.home_page.pk}&q=draft"))
    draft.refresh_from_db()
    assert not draft.live
    url = bulk_url("wagtailcore/page", "move", f"id={guidance.pk}")
    client.post(url, {"chooser": draft.pk})
    guidance.refresh_from_db()
    assert guidance.get_parent().pk == draft.pk

    # And bulk-deletes images of the clinic, selected from its collection.
    client.post(bulk_url("wagtailimages/image", "delete", f"id=all&childOf={clinic_a.collection.pk}"))
    assert not Image.objects.filter(pk=mine["image"].pk).exists()


def test_signed_out_visitors_are_sent_to_the_login_page(client, items):
    mine, _ = items
    for query in ("id=all", f"id={mine['page'].pk}"):
        response = client.get(bulk_url("wagtailcore/page", "delete", query))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], query


def test_network_admins_select_across_clinics(client, clinics, items, superuser):
    mine, theirs = items
    client.force_login(superuser)
    html = client.get(bulk_url("wagtailcore/page", "publish", "id=all")).content.decode()
    assert "Alpha injections" in html and "Zebra injections" in html
    ids = f"id={mine['image'].pk}&id={theirs['image'].pk}"
    html = client.get(bulk_url("wagtailimages/image", "delete", ids)).content.decode()
    assert "Alpha scan" in html and "Zebra scan" in html
    clinic_b = clinics[1]
    response = client.post(
        bulk_url("wagtailcore/page", "move", f"id={mine['page'].pk}"), {"chooser": clinic_b.home_page.pk}
    )
    assert response.status_code == 302
    mine["page"].refresh_from_db()
    assert mine["page"].get_parent().pk == clinic_b.home_page.pk


def test_the_seal_costs_the_same_queries_whatever_the_number_of_clinics(
    client, clinics, items, django_assert_max_num_queries
):
    clinic_a, _ = clinics
    client.force_login(role_user(clinic_a, "medical reviewers"))
    urls = [
        bulk_url("wagtailcore/page", "unpublish", "id=all"),
        bulk_url("wagtailcore/page", "unpublish", f"id=all&childOf={clinic_a.home_page.pk}&q=injections"),
        bulk_url("wagtailimages/image", "add_tags", "id=all"),
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found.append(len(queries))
        return found

    before = counts()
    for n in range(3):
        clinic = ClinicFactory(name=f"Extra clinic {n}", hostname=f"extra{n}.test")
        for m in range(3):
            ProcedurePageFactory(parent=clinic.home_page, title=f"Extra injections {m}", slug=f"extra-{m}")
            Image.objects.create(title=f"Extra scan {m}", file=get_test_image_file(), collection=clinic.collection)
    for url, expected in zip(urls, before, strict=True):
        with django_assert_max_num_queries(expected):
            assert client.get(url).status_code == 200, url
