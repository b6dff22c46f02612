"""The library is the one shared surface: read and adopted from by clinic staff, edited by its own network groups,
served on no host, and never a way to another clinic's adoption or copy."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from pages.library.adoption import adopt
from pages.library.records import LibraryAdoption
from tests.library.support import MASTER_HOW, MASTER_TITLE, NEW_HOW, compare_url, decide_url, revise

pytestmark = pytest.mark.django_db

PLATFORM_HOST = "testserver"
UNKNOWN_HOST = "unknown.example.org"


@pytest.fixture
def adoption_b(clinic_b, master, editor_b):
    return adopt(master.specific, clinic_b.site, clinic_b.home_page, editor_b)


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_no_host_serves_the_library(client, clinic_a, clinic_b, master):
    recovery = master.get_children().get()
    paths = ["/procedure-library/", "/procedure-library/facet-joint-injections/", "/facet-joint-injections/"]
    paths += [master.url_path, recovery.url_path, "/procedure-library/facet-joint-injections/after/"]
    for host in (clinic_a.site.hostname, clinic_b.site.hostname, PLATFORM_HOST, UNKNOWN_HOST):
        for path in paths:
            response = client.get(path, HTTP_HOST=host)
            assert response.status_code == 404, (host, path)
            assert MASTER_TITLE not in response.content.decode()
    assert master.specific.get_url() is None
    for host in (clinic_a.site.hostname, clinic_b.site.hostname):
        for path in ("/search/?q=library", "/sitemap.xml"):
            response = client.get(path, HTTP_HOST=host)
            assert response.status_code == 200 and MASTER_TITLE not in response.content.decode(), (host, path)


def test_the_library_is_in_no_clinic_and_no_site_points_at_it(library, master):
    from pages.clinics.scope import clinic_of

    assert clinic_of(master) is None and clinic_of(library) is None
    assert not library.sites_rooted_here.exists()


def test_clinic_staff_cannot_edit_the_library(client, clinic_a, master, editor_a, reviewer_a):
    for user in (editor_a, reviewer_a):
        client.force_login(user)
        for url in (edit_url(master), edit_url(master.get_parent()), reverse("wagtailadmin_explore", args=[master.pk])):
            assert client.get(url).status_code == 404, url
        assert client.post(edit_url(master), {"title": "Hijacked"}).status_code == 404
    master.refresh_from_db()
    assert master.title == MASTER_TITLE


def test_library_editors_write_masters_and_library_reviewers_approve_them(
    client, master, library_editor, library_reviewer, procedure_a
):
    client.force_login(library_editor)
    assert client.get(edit_url(master)).status_code == 200
    # Not a clinic's page: their group reaches the library only.
    assert client.get(edit_url(procedure_a)).status_code == 404
    draft = master.specific.get_latest_revision_as_object()
    draft.how_it_works = NEW_HOW
    draft.save_revision(user=library_editor)
    page = Page.objects.get(pk=master.pk).specific
    assert not page.permissions_for_user(library_editor).can_publish()
    workflow = page.get_workflow()
    assert workflow.name == "Procedure library medical review"
    workflow.start(page, library_editor)
    task_state = page.current_workflow_task_state
    assert task_state.task.specific.user_can_access_editor(page, library_reviewer)
    task_state.task.specific.on_action(task_state, library_reviewer, "approve")
    page.refresh_from_db()
    assert page.how_it_works == NEW_HOW and page.last_reviewed is not None


def test_a_clinic_sees_the_library_without_other_clinics_adoptions(
    client, clinic_a, master, editor_a, adoption_b, django_assert_max_num_queries
):
    client.force_login(editor_a)
    with django_assert_max_num_queries(32):
        index = client.get(reverse("pages_library_index"))
    text = index.content.decode()
    assert MASTER_TITLE in text and "Adopt for ASCPM" in text
    assert "Spinal Diagnostics" not in text and "Adopted by" not in text
    assert compare_url(adoption_b) not in text and edit_url(adoption_b.page) not in text
    master_page = client.get(reverse("pages_library_master", args=[master.pk])).content.decode()
    assert "guides a thin needle" in master_page
    assert "Spinal Diagnostics" not in master_page and edit_url(adoption_b.page) not in master_page


def test_another_clinics_adoption_answers_as_a_missing_one(client, clinic_a, master, editor_a, adoption_b):
    revise(master, how_it_works=NEW_HOW)
    own = adopt(master.specific, clinic_a.site, clinic_a.home_page, editor_a)
    client.force_login(editor_a)
    missing = reverse("pages_library_compare", args=[999999])
    assert client.get(compare_url(adoption_b)).status_code == client.get(missing).status_code == 404
    for choice in ("take", "keep"):
        response = client.post(decide_url(adoption_b), {"section": "how_it_works", "choice": choice})
        assert response.status_code == 404
    adoption_b.refresh_from_db()
    assert adoption_b.section_revisions == {}
    assert adoption_b.page.specific.get_latest_revision_as_object().how_it_works == MASTER_HOW
    # Their own adoption opens.
    assert client.get(compare_url(own)).status_code == 200


def test_a_clinic_page_or_adopted_copy_is_no_master(client, clinic_a, procedure_b, master, editor_a, adoption_b):
    client.force_login(editor_a)
    for page in (procedure_b, adoption_b.page, master.get_parent()):
        assert client.get(reverse("pages_library_master", args=[page.pk])).status_code == 404
        assert (
            client.post(reverse("pages_library_adopt", args=[page.pk]), {"clinic": clinic_a.site.pk}).status_code == 404
        )
    assert not LibraryAdoption.objects.filter(site=clinic_a.site).exists()


def test_the_library_index_costs_the_same_for_more_masters(client, library, master, editor_a, adoption_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.library.support import build_master

    client.force_login(editor_a)
    client.get(reverse("pages_library_index"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("pages_library_index"))
    for number in (2, 3):
        build_master(library, slug=f"facet-{number}")
    with CaptureQueriesContext(connection) as three:
        assert client.get(reverse("pages_library_index")).content.decode().count("Adopt for ASCPM") == 3
    assert len(three) == len(one)


def test_moderators_and_strangers_do_not_read_the_library(client, master, moderator_a):
    urls = [reverse("pages_library_index"), reverse("pages_library_master", args=[master.pk])]
    urls.append(reverse("pages_library_updates"))
    client.force_login(moderator_a)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the admin's sign-in
