"""Shared by the reference-rule tests: clinic A's page and own items beside clinic B's, and what the tests read back."""

from django.urls import reverse

from pages.models import ProcedurePage
from tests.factories import ProcedurePageFactory
from tests.isolation.form_values import (
    clinic_document,
    clinic_image,
    edit_post,
)
from tests.isolation.responses import marker_hits, response_text
from tests.isolation.world import A_PREFIX, B_PREFIX

IMAGE_REFUSAL = "This image is not available to this clinic. Choose one of the clinic&#x27;s own images."


def build_items(clinic_a, clinic_b):
    """Clinic A's procedure page and own items; clinic B's image, document and draft page, named with the marker."""
    b_draft = ProcedurePageFactory(
        parent=clinic_b.home_page, title=f"{B_PREFIX}-DraftPage", slug="zebra-b-draft-page", live=False
    )
    return {
        "page": ProcedurePageFactory(parent=clinic_a.home_page, title=f"{A_PREFIX}-Procedure", slug="a-procedure"),
        "a_image": clinic_image(clinic_a.collection, A_PREFIX),
        "a_document": clinic_document(clinic_a.collection, A_PREFIX),
        "a_draft": ProcedurePageFactory(parent=clinic_a.home_page, title="Alpha draft", slug="a-draft", live=False),
        "b_image": clinic_image(clinic_b.collection, B_PREFIX),
        "b_document": clinic_document(clinic_b.collection, B_PREFIX),
        "b_draft": b_draft,
    }


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def preview_url(page):
    return reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])


def edit_form(client, page):
    return edit_post(client.get(edit_url(page)), page.specific, "page-edit-form")


def assert_nothing_of_b(response):
    assert not marker_hits(response_text(response)), marker_hits(response_text(response))


def stored(page):
    """What the database holds for `page`: (latest revision id, live revision id, hero image id, latest draft's)."""
    page = ProcedurePage.objects.get(pk=page.pk)
    latest = page.get_latest_revision_as_object()
    return page.latest_revision_id, page.live_revision_id, page.hero_image_id, latest.hero_image_id
