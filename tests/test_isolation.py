"""Seals on Wagtail admin surfaces that are not per-site by themselves (the matrix in test_isolation_matrix.py
walks every admin URL; these tests pin each seal down where it is made)."""

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from tests.factories import ClinicFactory, ProcedurePageFactory, UserFactory, role_user


def test_the_page_chooser_lists_and_searches_only_the_users_clinics(client, clinics):
    clinic_a, clinic_b = clinics
    ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha injections", slug="alpha")
    ProcedurePageFactory(parent=clinic_b.home_page, title="Beta injections", slug="beta")
    client.force_login(role_user(clinic_a, "editors"))

    root = client.get(reverse("wagtailadmin_choose_page")).content.decode()
    assert clinic_a.home_page.title in root and clinic_b.home_page.title not in root
    found = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "injections"}).content.decode()
    assert "Alpha injections" in found and "Beta injections" not in found


def test_network_admins_choose_from_every_clinic(client, clinics, superuser):
    client.force_login(superuser)
    root = client.get(reverse("wagtailadmin_choose_page")).content.decode()
    assert all(clinic.home_page.title in root for clinic in clinics)


def test_admin_api_images_and_documents_and_the_task_chooser_are_for_network_admins_only(client, clinics, superuser):
    clinic_a, _ = clinics
    urls = ["/admin/api/main/images/", "/admin/api/main/documents/", "/admin/workflows/task_chooser/"]
    for role in ("editors", "medical reviewers", "moderators"):
        client.force_login(role_user(clinic_a, role))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
    client.force_login(superuser)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_forms_index_offers_no_filters_naming_other_clinics(client, clinics, contact_page, contact_page_b):
    clinic_a, clinic_b = clinics
    client.force_login(role_user(clinic_a, "moderators"))
    html = client.get(reverse("wagtailforms:index")).content.decode()
    assert contact_page.title in html
    assert clinic_b.site.site_name not in html


def test_page_urls_that_show_any_page_they_are_given_refuse_other_clinics_pages(client, clinics):
    clinic_a, clinic_b = clinics
    page_a = ProcedurePageFactory(parent=clinic_a.home_page, slug="a")
    page_b = ProcedurePageFactory(parent=clinic_b.home_page, slug="b", title="Zebra page")
    client.force_login(role_user(clinic_a, "editors"))
    refused = [
        reverse("wagtailadmin_choose_page_child", args=[clinic_b.home_page.pk]),
        reverse("wagtailadmin_choose_page_chosen_multiple") + f"?id={page_b.pk}",
        reverse("wagtailadmin_choose_page_chosen_multiple") + f"?id={page_a.pk}&id={page_b.pk}",
        reverse("wagtailadmin_pages:move_confirm", args=[page_a.pk, clinic_b.home_page.pk]),
        reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[page_b.pk]),
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Zebra" not in response.content.decode()
    assert client.get(reverse("wagtailadmin_choose_page_child", args=[clinic_a.home_page.pk])).status_code == 200
    ok = client.get(reverse("wagtailadmin_choose_page_chosen_multiple") + f"?id={page_a.pk}")
    assert ok.status_code == 200


def test_staff_of_two_clinics_see_exactly_both_and_nothing_of_a_third(client, clinics):
    """A user may hold roles in several clinics: the admin then shows the union of those clinics, no more."""
    clinic_a, clinic_b = clinics
    clinic_c = ClinicFactory(name="Cedar Spine", hostname="cedar.test")
    for clinic, word in ((clinic_a, "Alpha"), (clinic_b, "Beta"), (clinic_c, "Cedar")):
        ProcedurePageFactory(parent=clinic.home_page, title=f"{word} injections", slug=word.lower())
        Image.objects.create(title=f"{word} scan", file=get_test_image_file(), collection=clinic.collection)
        Document.objects.create(
            title=f"{word} leaflet", file=ContentFile(b"leaflet", name=f"{word}.txt"), collection=clinic.collection
        )
    user = UserFactory(username="shared-editor", groups=[clinic_a.groups["editors"], clinic_c.groups["editors"]])
    client.force_login(user)

    views = {
        "page search": reverse("wagtailadmin_pages:search") + "?q=injections",
        "page chooser search": reverse("wagtailadmin_choose_page_search") + "?q=injections",
        "images": reverse("wagtailimages:index"),
        "image chooser": reverse("wagtailimages_chooser:choose"),
        "documents": reverse("wagtaildocs:index"),
        "document chooser": reverse("wagtaildocs_chooser:choose"),
    }
    for name, url in views.items():
        html = client.get(url).content.decode()
        kind = {"page": "injections", "imag": "scan", "docu": "leaflet"}[name[:4]]
        assert f"Alpha {kind}" in html and f"Cedar {kind}" in html, name
        assert f"Beta {kind}" not in html, name


def test_bulk_action_confirmations_name_own_clinic_items_only(client, clinics):
    clinic_a, clinic_b = clinics
    mine = ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha injections", slug="alpha")
    theirs = ProcedurePageFactory(parent=clinic_b.home_page, title="Beta injections", slug="beta")
    my_image = Image.objects.create(title="Alpha scan", file=get_test_image_file(), collection=clinic_a.collection)
    their_image = Image.objects.create(title="Beta scan", file=get_test_image_file(), collection=clinic_b.collection)
    client.force_login(role_user(clinic_a, "medical reviewers"))

    def bulk(model, action, query):
        return client.get(f"/admin/bulk/{model}/{action}/?{query}")

    # Own items: Wagtail's confirmation, unchanged.
    own = bulk("wagtailcore/page", "unpublish", f"id={mine.pk}")
    assert own.status_code == 200 and "Alpha injections" in own.content.decode()
    own_images = bulk("wagtailimages/image", "add_tags", f"id={my_image.pk}")
    assert own_images.status_code == 200 and "Alpha scan" in own_images.content.decode()
    # "Select all" without or from the tree root covers the user's clinic only.
    for query in ("id=all", f"id=all&childOf={clinic_a.home_page.get_parent().pk}", "id=all&q=injections"):
        html = bulk("wagtailcore/page", "publish", query).content.decode()
        assert clinic_a.home_page.title in html or "Alpha injections" in html, query
        assert "Beta injections" not in html and clinic_b.home_page.title not in html, query
    # Another clinic's item, alone or among own ones, or its page as the parent of "select all": as if absent.
    refused = [
        bulk("wagtailcore/page", "delete", f"id={theirs.pk}"),
        bulk("wagtailcore/page", "move", f"id={mine.pk}&id={theirs.pk}"),
        bulk("wagtailcore/page", "publish", f"id=all&childOf={clinic_b.home_page.pk}"),
        bulk("wagtailimages/image", "delete", f"id={their_image.pk}"),
        bulk("wagtailimages/image", "add_to_collection", f"id=all&childOf={clinic_b.collection.pk}"),
    ]
    assert [response.status_code for response in refused] == [404] * len(refused)
    assert client.post(f"/admin/bulk/wagtailimages/image/delete/?id={their_image.pk}").status_code == 404
    assert Image.objects.filter(pk=their_image.pk).exists()


def test_tag_filters_suggestions_and_autocomplete_offer_own_clinic_tags_only(client, clinics, superuser):
    clinic_a, clinic_b = clinics
    for clinic, word in ((clinic_a, "alpha"), (clinic_b, "beta")):
        image = Image.objects.create(title=f"{word} scan", file=get_test_image_file(), collection=clinic.collection)
        image.tags.add(f"{word}-spine")
        document = Document.objects.create(
            title=f"{word} leaflet", file=ContentFile(b"leaflet", name=f"{word}.txt"), collection=clinic.collection
        )
        document.tags.add(f"{word}-leaflets")
    views = [
        reverse("wagtailimages:index"),
        reverse("wagtailimages:index_results"),
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtaildocs:index"),
        reverse("wagtailadmin_tag_autocomplete") + "?term=a",
        reverse("wagtailadmin_tag_autocomplete") + "?term=b",
        "/admin/tag-autocomplete/taggit/tag/?term=b",
    ]

    def shown(url):
        return client.get(url).content.decode()

    client.force_login(role_user(clinic_a, "editors"))
    pages = [shown(url) for url in views]
    assert "alpha-spine" in pages[0] and "alpha-spine" in pages[2] and "alpha-leaflets" in pages[3]
    assert client.get(views[4]).json() == ["alpha-leaflets", "alpha-spine"]
    assert not any("beta-" in html for html in pages)
    # Filtering by the own tag still works.
    assert "alpha scan" in shown(reverse("wagtailimages:index") + "?tag=alpha-spine")

    client.force_login(superuser)
    assert client.get(views[5]).json() == ["beta-leaflets", "beta-spine"]
    assert "beta-spine" in shown(views[0]) and "alpha-spine" in shown(views[0])


def test_listing_and_report_filters_name_own_clinic_sites_people_and_workflows_only(client, clinics, superuser):
    clinic_a, clinic_b = clinics
    editor_a, editor_b = role_user(clinic_a, "editors"), role_user(clinic_b, "editors")
    ProcedurePageFactory(parent=clinic_a.home_page, slug="alpha", owner=editor_a)
    ProcedurePageFactory(parent=clinic_b.home_page, slug="beta", owner=editor_b)
    client.force_login(role_user(clinic_a, "medical reviewers"))

    def shown(name, *args):
        return client.get(reverse(name, args=args)).content.decode()

    explorer = shown("wagtailadmin_explore", clinic_a.home_page.pk)
    assert editor_a.username in explorer and clinic_a.site.site_name in explorer
    assert editor_b.username not in explorer and clinic_b.site.site_name not in explorer
    usage = shown("wagtailadmin_pages:type_use", "pages", "procedurepage")
    assert editor_a.username in usage and editor_b.username not in usage
    workflows = shown("wagtailadmin_reports:workflow_tasks")
    assert "ASCPM medical review" in workflows and "Spinal Diagnostics medical review" not in workflows
    history = shown("wagtailadmin_reports:site_history")
    assert clinic_b.site.site_name not in history and editor_b.username not in history

    client.force_login(superuser)
    explorer = shown("wagtailadmin_explore", clinic_a.home_page.pk)
    assert editor_b.username in explorer and clinic_b.site.site_name in explorer


def test_the_page_types_usage_report_is_for_network_admins(client, clinics, superuser):
    clinic_a, _ = clinics
    url = reverse("wagtailadmin_reports:page_types_usage")
    for role in ("editors", "medical reviewers", "moderators"):
        client.force_login(role_user(clinic_a, role))
        assert client.get(url).status_code == 403, role
        assert url not in client.get(reverse("wagtailadmin_home")).content.decode(), role
    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_the_privacy_form_offers_own_clinic_groups_only(client, clinics):
    clinic_a, clinic_b = clinics
    page = ProcedurePageFactory(parent=clinic_a.home_page, slug="alpha")
    client.force_login(role_user(clinic_a, "medical reviewers"))
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])

    form = client.get(url).json()["html"]
    assert clinic_a.groups["moderators"].name in form and clinic_b.site.site_name not in form
    other_group = clinic_b.groups["editors"]
    refused = client.post(url, {"restriction_type": "groups", "groups": [other_group.pk]})
    assert refused.json()["step"] != "set_privacy_done"
    assert not page.get_view_restrictions().exists()
    accepted = client.post(url, {"restriction_type": "groups", "groups": [clinic_a.groups["moderators"].pk]})
    assert accepted.json()["step"] == "set_privacy_done"
    assert list(page.get_view_restrictions().get().groups.all()) == [clinic_a.groups["moderators"]]


def test_awaiting_review_panel_lists_own_clinic_pages_with_queries_fixed_whatever_the_clinics(
    client, clinics, django_assert_max_num_queries
):
    clinic_a, clinic_b = clinics
    for clinic, title in ((clinic_a, "Alpha injections"), (clinic_b, "Beta injections")):
        page = ProcedurePageFactory(parent=clinic.home_page, title=title, slug=title.split()[0].lower())
        editor = role_user(clinic, "editors")
        page.save_revision(user=editor)
        clinic.home_page.get_workflow().start(page, editor)
    client.force_login(role_user(clinic_a, "medical reviewers"))
    home = reverse("wagtailadmin_home")

    html = client.get(home).content.decode()
    assert "Alpha injections" in html and "Beta injections" not in html
    with CaptureQueriesContext(connection) as two_clinics:
        client.get(home)
    baseline = len(two_clinics.captured_queries)
    for number in range(8):
        ClinicFactory(name=f"Extra {number}", hostname=f"extra{number}.test")
    client.get(home)  # new sites empty Wagtail's cached site list; it is read again once
    with django_assert_max_num_queries(baseline):
        html = client.get(home).content.decode()
    assert "Alpha injections" in html
