"""The reference rule on content stored before it existed (revisions, live pages), and on copies and moves into another
clinic, which Wagtail saves without model validation (pages/isolation/moves.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from pages.models import ProcedurePage
from tests.factories import ProcedurePageFactory, role_user
from tests.isolation.form_values import (
    edit_post,
    reference_html,
)
from tests.isolation.references_support import (
    IMAGE_REFUSAL,
    assert_nothing_of_b,
    edit_url,
)
from tests.isolation.responses import response_text

# --- Revisions stored before the rule ------------------------------------------------------------------------------


def poisoned_revision(page, b_image, user):
    """A revision holding clinic B's image, written without validation, as the admin did before the rule."""
    page = ProcedurePage.objects.get(pk=page.pk)
    page.hero_image = b_image
    return page.save_revision(user=user, clean=False)


def test_a_revision_holding_another_clinics_image_cannot_be_approved_or_published(client, clinic_a, items):
    page, b_image = items["page"], items["b_image"]
    editor, reviewer = role_user(clinic_a, "editors"), role_user(clinic_a, "medical reviewers")
    revision = poisoned_revision(page, b_image, editor)
    workflow_state = page.get_workflow().start(ProcedurePage.objects.get(pk=page.pk), editor)
    task_state = workflow_state.current_task_state
    live_before = ProcedurePage.objects.get(pk=page.pk).live_revision_id

    client.force_login(reviewer)
    client.raise_request_exception = False
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": ""})

    # Refused in the model as the approval publishes; the whole approval is rolled back and the reviewer told why.
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert_nothing_of_b(response)
    assert "not available to the clinic" in response_text(client.get(response["Location"]))
    page = ProcedurePage.objects.get(pk=page.pk)
    assert page.live_revision_id == live_before and page.hero_image_id is None
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_IN_PROGRESS
    with pytest.raises(ValidationError):
        revision.publish(user=reviewer)
    assert ProcedurePage.objects.get(pk=page.pk).hero_image_id is None


def test_a_revision_holding_another_clinics_image_is_never_previewed(client, clinic_a, items):
    page, b_image = items["page"], items["b_image"]
    revision = poisoned_revision(page, b_image, role_user(clinic_a, "editors"))
    client.force_login(role_user(clinic_a, "medical reviewers"))
    client.raise_request_exception = False

    for url in (
        reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert_nothing_of_b(response)


def test_restoring_a_revision_holding_another_clinics_image_is_refused(client, clinic_a, items):
    page, b_image = items["page"], items["b_image"]
    editor = role_user(clinic_a, "editors")
    revision = poisoned_revision(page, b_image, editor)
    poisoned_revision(page, None, editor)  # a later, clean draft
    client.force_login(editor)
    revert = client.get(reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, revision.pk]))
    # The editor opened on the old revision shows it without the other clinic's image.
    assert revert.status_code == 200
    assert_nothing_of_b(revert)
    data = dict(edit_post(revert, revision.as_object(), "page-edit-form"), revision=str(revision.pk))
    data["hero_image"] = str(b_image.pk)  # as the old revision held it

    response = client.post(edit_url(page), data)

    assert response.status_code == 200 and IMAGE_REFUSAL in response.content.decode()
    assert_nothing_of_b(response)
    assert ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object().hero_image_id is None


def test_the_editor_opened_on_content_stored_before_the_rule_does_not_show_the_other_clinics_items(
    client, clinic_a, items
):
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    page.hero_image = items["b_image"]
    page.risks = reference_html("page", items["b_draft"])
    page.body = [("image", {"image": items["b_image"], "alt_text": "A picture", "caption": ""})]
    page.save_revision(clean=False)
    client.force_login(role_user(clinic_a, "editors"))

    response = client.get(edit_url(page))

    assert response.status_code == 200
    assert_nothing_of_b(response)
    assert "our other page" in response.content.decode()  # the link's text stays, without its target


def test_a_live_page_holding_another_clinics_image_can_still_be_locked_and_unpublished(client, clinic_a, items):
    """Bookkeeping saves write no reference: a page stored before the rule stays manageable, only not publishable."""
    page = items["page"]
    ProcedurePage.objects.filter(pk=page.pk).update(hero_image=items["b_image"])
    client.force_login(role_user(clinic_a, "medical reviewers"))

    assert client.post(reverse("wagtailadmin_pages:lock", args=[page.pk])).status_code == 302
    assert Page.objects.get(pk=page.pk).locked
    assert client.post(reverse("wagtailadmin_pages:unlock", args=[page.pk])).status_code == 302
    ProcedurePage.objects.get(pk=page.pk).unpublish()
    assert not Page.objects.get(pk=page.pk).live


@pytest.mark.parametrize("with_subpages", [False, True])
def test_a_page_is_not_copied_into_another_clinic_with_its_clinics_image(
    client, clinic_a, clinic_b, items, superuser, with_subpages
):
    """Wagtail's copy saves without validation: the destination's clinic is checked first, for network admins too."""
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    carrier = page
    if with_subpages:
        # The image is on a subpage that the copy would take along.
        carrier = ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha parent", slug="alpha-parent")
        page.move(carrier, pos="last-child")
        page = ProcedurePage.objects.get(pk=page.pk)
    page.hero_image = items["a_image"]
    page.save_revision().publish()
    count_before = Page.objects.count()
    client.force_login(superuser)
    data = {"new_title": "Copied", "new_slug": "copied", "new_parent_page": str(clinic_b.home_page.pk)}
    if with_subpages:
        data["copy_subpages"] = "on"
    response = client.post(reverse("wagtailadmin_pages:copy", args=[carrier.pk]), data)

    assert response.status_code == 302
    assert Page.objects.count() == count_before
    assert "not available to the clinic of the destination" in response_text(client.get(response["Location"]))


def test_a_page_is_not_moved_into_another_clinic_with_its_clinics_image(client, clinic_a, clinic_b, items, superuser):
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    page.hero_image = items["a_image"]
    page.save_revision().publish()
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, clinic_b.home_page.pk])
    response = client.post(url)

    assert response.status_code == 302
    assert Page.objects.get(pk=page.pk).get_parent().pk == clinic_a.home_page.pk


def test_pages_without_another_clinics_items_are_still_copied_within_their_clinic(client, clinic_a, items, superuser):
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    page.hero_image = items["a_image"]
    page.save_revision().publish()
    client.force_login(superuser)
    data = {"new_title": "Copied", "new_slug": "copied", "new_parent_page": str(clinic_a.home_page.pk)}
    response = client.post(reverse("wagtailadmin_pages:copy", args=[page.pk]), data)

    assert response.status_code == 302
    assert ProcedurePage.objects.get(slug="copied").hero_image_id == items["a_image"].pk


def test_a_copy_into_another_clinic_leaves_its_reviewer_behind_and_a_move_is_refused(
    client, clinic_a, clinic_b, procedure_a, superuser
):
    reviewer = procedure_a.reviewer
    assert reviewer is not None and reviewer.site_id == clinic_a.site.pk
    client.force_login(superuser)
    data = {"new_title": "Copied", "new_slug": "copied", "new_parent_page": str(clinic_b.home_page.pk)}

    response = client.post(reverse("wagtailadmin_pages:copy", args=[procedure_a.pk]), data)

    assert response.status_code == 302
    copy = ProcedurePage.objects.get(slug="copied")
    assert copy.get_parent().pk == clinic_b.home_page.pk
    assert copy.reviewer_id is None
    assert copy.get_latest_revision_as_object().reviewer_id is None
    assert ProcedurePage.objects.get(pk=procedure_a.pk).reviewer_id == reviewer.pk  # the original keeps its reviewer

    url = reverse("wagtailadmin_pages:move_confirm", args=[procedure_a.pk, clinic_b.home_page.pk])
    assert client.post(url).status_code == 302
    assert Page.objects.get(pk=procedure_a.pk).get_parent().pk == clinic_a.home_page.pk
