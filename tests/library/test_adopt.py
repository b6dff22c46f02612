"""Adopting a library master: a draft copy in the clinic's tree, linked to the master revision, with the clinic's own
reviewer and none of the master's images."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from pages.library import sections
from pages.library.records import LibraryAdoption
from pages.models import ProcedurePage, RecoveryGuidancePage
from tests.library.support import MASTER_HOW, MASTER_TITLE, adopt_url, build_master

pytestmark = pytest.mark.django_db


def test_an_editor_adopts_a_master_as_a_draft_in_their_clinic(client, clinic_a, master, editor_a, reviewer_a):
    client.force_login(editor_a)
    response = client.post(adopt_url(master), {"clinic": clinic_a.site.pk})
    adoption = LibraryAdoption.objects.get(master=master)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[adoption.page_id])
    page = adoption.page.specific
    assert isinstance(page, ProcedurePage)
    assert page.get_parent().pk == clinic_a.home_page.pk
    assert not page.live and page.has_unpublished_changes
    assert page.title == MASTER_TITLE and page.how_it_works == MASTER_HOW
    assert adoption.site_id == clinic_a.site.pk
    assert adoption.master_revision_id == master.live_revision_id
    assert adoption.adopted_by == editor_a
    # The clinic's reviewer, never the master's; review dates are the clinic's review's to write.
    assert page.reviewer.site_id == clinic_a.site.pk and page.last_reviewed is None
    # The recovery master comes along, as the clinic's recovery page under the copy.
    recovery = page.get_children().type(RecoveryGuidancePage).get().specific
    assert not recovery.live
    assert LibraryAdoption.objects.filter(page=recovery).exists()


def test_a_master_refuses_any_clinics_image(clinic_a, library):
    image = get_image_model().objects.create(
        title="Alpha room", file=get_test_image_file(), collection=clinic_a.collection
    )
    with pytest.raises(ValidationError, match="not available"):
        build_master(library, image=image)


def test_a_copy_drops_image_blocks_and_unlinks_pages(clinic_a):
    image = get_image_model().objects.create(title="Room", file=get_test_image_file())
    body_field = ProcedurePage._meta.get_field("body")
    body = body_field.to_python(
        [
            {
                "type": "paragraph",
                "value": '<p>See <a linktype="page" id="1">this page</a> or <a href="https://x.org">x</a>.</p>',
            },
            {"type": "image", "value": {"image": image.pk, "alt_text": "Room", "caption": ""}},
        ]
    )
    copied = sections.for_clinic(body_field, body)
    assert [block.block_type for block in copied] == ["paragraph"]
    html = copied[0].value.source
    assert 'linktype="page"' not in html and "this page" in html and "https://x.org" in html
    how = ProcedurePage._meta.get_field("how_it_works")
    assert sections.for_clinic(how, '<p><a linktype="document" id="3">leaflet</a></p>') == "<p><a>leaflet</a></p>"


def test_a_clinic_adopts_a_master_once(client, clinic_a, master, editor_a):
    client.force_login(editor_a)
    client.post(adopt_url(master), {"clinic": clinic_a.site.pk})
    response = client.post(adopt_url(master), {"clinic": clinic_a.site.pk}, follow=True)
    assert LibraryAdoption.objects.filter(master=master).count() == 1
    assert "already adopted" in response.content.decode()


def test_adopting_into_another_clinic_is_not_found(client, clinic_a, clinic_b, master, editor_a):
    client.force_login(editor_a)
    for clinic_id in (clinic_b.site.pk, "999999", "", "x"):
        assert client.post(adopt_url(master), {"clinic": clinic_id}).status_code == 404
    assert not LibraryAdoption.objects.exists()
    assert not ProcedurePage.objects.exists()


def test_a_draft_or_unknown_master_cannot_be_adopted(client, clinic_a, library, master, editor_a):
    draft = master.specific.get_latest_revision_as_object()
    master.specific.unpublish()
    client.force_login(editor_a)
    assert client.post(adopt_url(draft), {"clinic": clinic_a.site.pk}).status_code == 404
    assert client.post(reverse("pages_library_adopt", args=[999999]), {"clinic": clinic_a.site.pk}).status_code == 404
    # The library root and a clinic page are no masters either.
    for page in (library, clinic_a.home_page):
        assert client.post(adopt_url(page), {"clinic": clinic_a.site.pk}).status_code == 404


def test_moderators_cannot_adopt(client, clinic_a, master, moderator_a):
    client.force_login(moderator_a)
    assert client.post(adopt_url(master), {"clinic": clinic_a.site.pk}).status_code == 404
    assert client.get(reverse("pages_library_index")).status_code == 404


def test_the_adopted_copy_goes_through_the_clinics_review(client, clinic_a, master, editor_a, reviewer_a):
    client.force_login(editor_a)
    client.post(adopt_url(master), {"clinic": clinic_a.site.pk})
    page = LibraryAdoption.objects.get(master=master).page.specific
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name.startswith("ASCPM")
    workflow.start(page, editor_a)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer_a, "approve")
    page.refresh_from_db()
    assert page.live
    assert page.specific.last_reviewed is not None and page.specific.reviewer.user == reviewer_a
