"""Seals on Wagtail admin surfaces that are not per-site by themselves (the matrix in test_isolation_matrix.py
walks every admin URL; these tests pin each seal down where it is made)."""

import pytest
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


@pytest.mark.parametrize(
    "url",
    [
        "/admin/api/main/images/",
        "/admin/choose-page/1/",
        "/admin/bulk/wagtailcore/page/delete/?id=1",
        "/admin/images/",
        "/admin/tag-autocomplete/?term=a",
        "/admin/reports/site-history/",
        "/admin/reports/workflow/results/",
        "/admin/reports/page-types-usage/",
    ],
)
def test_signed_out_visitors_of_sealed_urls_are_sent_to_the_login_page(client, clinics, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
