"""A clinic's pages and settings point only at the clinic's own images, documents and pages (chooser values, rich-text
links and embeds), whoever posts them and by whichever path they are stored. The generated dimension over every
field is in test_form_values.py; these tests pin each path down where it is made."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Collection, Page
from wagtail.test.utils.form_data import rich_text

from pages.models import ClinicSettings, ProcedurePage
from tests.factories import role_user
from tests.isolation.form_values import (
    ALL_RICH_TEXT_FEATURES,
    REFUSAL,
    clinic_image,
    edit_post,
    reference_html,
)
from tests.isolation.references_support import (
    IMAGE_REFUSAL,
    assert_nothing_of_b,
    edit_form,
    edit_url,
    preview_url,
    stored,
)
from tests.isolation.responses import marker_hits
from tests.isolation.world import B_PREFIX

# --- Foreign keys: the hero image ---------------------------------------------------------------------------------


def test_an_editor_cannot_preview_or_save_another_clinics_hero_image(client, clinic_a, items):
    page, b_image = items["page"], items["b_image"]
    client.force_login(role_user(clinic_a, "editors"))
    data = dict(edit_form(client, page), hero_image=str(b_image.pk))
    before = stored(page)

    preview = client.post(preview_url(page), data)
    assert preview.json() == {"is_valid": False, "is_available": False}
    shown = client.get(preview_url(page))
    assert_nothing_of_b(shown)

    response = client.post(edit_url(page), data)
    assert response.status_code == 200
    assert IMAGE_REFUSAL in response.content.decode()
    assert_nothing_of_b(response)
    assert stored(page) == before


def test_a_network_admin_cannot_publish_another_clinics_image_on_a_clinic_page(client, superuser, items):
    """The rule is about the page's clinic, not the user: network admins may choose any image, but not use it here."""
    page, b_image = items["page"], items["b_image"]
    client.force_login(superuser)
    data = dict(edit_form(client, page), hero_image=str(b_image.pk), **{"action-publish": "action-publish"})
    before = stored(page)

    response = client.post(edit_url(page), data)

    assert response.status_code == 200 and IMAGE_REFUSAL in response.content.decode()
    assert_nothing_of_b(response)
    assert stored(page) == before


def test_the_model_refuses_another_clinics_image_whoever_saves_it(items):
    """Code paths without a form (revisions, publishing, scripts) meet the same check in the model."""
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    page.hero_image = items["b_image"]

    with pytest.raises(ValidationError) as error:
        page.save_revision()
    assert error.value.message_dict == {"hero_image": [IMAGE_REFUSAL.replace("&#x27;", "'")]}
    with pytest.raises(ValidationError):
        page.save()  # a live page is fully validated on save
    assert B_PREFIX not in str(error.value)


# --- StreamField blocks and rich text ------------------------------------------------------------------------------


def test_an_image_block_with_another_clinics_image_is_refused(client, clinic_a, items):
    page = items["page"]
    client.force_login(role_user(clinic_a, "editors"))
    data = edit_form(client, page)
    data.update(
        {
            "body-count": "1",
            "body-0-type": "image",
            "body-0-value-image": str(items["b_image"].pk),
            "body-0-value-alt_text": "A picture",
            "body-0-value-caption": "",
            "body-0-deleted": "",
            "body-0-order": "0",
        }
    )

    response = client.post(edit_url(page), data)

    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert_nothing_of_b(response)
    assert not ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object().body


def test_a_rich_text_link_to_another_clinics_draft_is_neither_previewed_nor_saved(client, clinic_a, items):
    """The preview would render the draft's URL, so its slug: it is refused before anything renders."""
    page = items["page"]
    client.force_login(role_user(clinic_a, "editors"))
    link = rich_text(reference_html("page", items["b_draft"]), features=ALL_RICH_TEXT_FEATURES)
    data = dict(edit_form(client, page), what_it_is=link)

    assert client.post(preview_url(page), data).json()["is_valid"] is False
    preview = client.get(preview_url(page))
    assert "zebra-b-draft-page" not in preview.content.decode()
    assert_nothing_of_b(preview)
    response = client.post(edit_url(page), data)
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    # The editor's text stays; only the link to the other clinic's page is taken out.
    assert "our other page" in response.content.decode()
    assert_nothing_of_b(response)


def test_rich_text_document_links_and_embedded_images_of_another_clinic_are_refused(items):
    """The editor drops links and embeds it has no feature for, but rich text stored another way (a revision, a
    script) is checked all the same, whatever the field's features."""
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    for kind, item in (("document", items["b_document"]), ("image", items["b_image"])):
        page.risks = reference_html(kind, item)
        with pytest.raises(ValidationError) as error:
            page.save_revision()
        assert list(error.value.message_dict) == ["risks"], kind
        assert "not available to this clinic" in error.value.message_dict["risks"][0]


def test_a_document_link_posted_through_the_form_is_not_stored(client, clinic_a, items):
    page = items["page"]
    client.force_login(role_user(clinic_a, "editors"))
    html = reference_html("document", items["b_document"])
    data = dict(edit_form(client, page), risks=rich_text(html, features=ALL_RICH_TEXT_FEATURES))

    client.post(edit_url(page), data)

    saved = ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object().risks
    assert f'id="{items["b_document"].pk}"' not in saved


# --- Clinic settings ----------------------------------------------------------------------------------------------


def settings_url(clinic):
    return reverse("wagtailsettings:edit", args=["pages", "clinicsettings", clinic.site.pk])


def test_a_reviewer_cannot_set_another_clinics_logo(client, clinic_a, items):
    client.force_login(role_user(clinic_a, "medical reviewers"))
    response = client.get(settings_url(clinic_a))
    data = dict(edit_post(response, clinic_a.settings, "w-editor-form"), logo=str(items["b_image"].pk))

    response = client.post(settings_url(clinic_a), data)

    assert response.status_code == 200 and IMAGE_REFUSAL in response.content.decode()
    assert_nothing_of_b(response)
    assert ClinicSettings.objects.get(pk=clinic_a.settings.pk).logo_id is None

    data["logo"] = str(items["a_image"].pk)
    assert client.post(settings_url(clinic_a), data).status_code == 302
    assert ClinicSettings.objects.get(pk=clinic_a.settings.pk).logo_id == items["a_image"].pk

    # A logo stored before the rule is not shown in the form either (saving it then clears it).
    ClinicSettings.objects.filter(pk=clinic_a.settings.pk).update(logo=items["b_image"])
    assert_nothing_of_b(client.get(settings_url(clinic_a)))


# --- New pages ------------------------------------------------------------------------------------------------------


def create_url(parent):
    return reverse("wagtailadmin_pages:add", args=["pages", "procedurepage", parent.pk])


def create_data(client, clinic, hero_image):
    response = client.get(create_url(clinic.home_page))
    data = edit_post(response, ProcedurePage(), "page-edit-form")
    data.update(
        {
            "title": "New injection",
            "slug": "new-injection",
            "summary": "A new procedure.",
            "body_location": "Lower back",
            "reviewer": "",
            "last_reviewed": "2026-03-15",
            "hero_image": str(hero_image.pk),
            **{name: rich_text("<p>Text.</p>") for name in ("what_it_is", "how_it_works", "benefits", "risks")},
            "preparation": rich_text("<p>Text.</p>"),
            **{f"{name}-count": "0" for name in ("day_steps", "faq", "body")},
        }
    )
    return data


def test_a_page_created_with_another_clinics_image_is_refused(client, clinic_a, items):
    """While a page is created it has no place in the tree yet: its clinic is its parent's."""
    client.force_login(role_user(clinic_a, "editors"))
    data = create_data(client, clinic_a, items["b_image"])

    preview = reverse("wagtailadmin_pages:preview_on_add", args=["pages", "procedurepage", clinic_a.home_page.pk])
    assert client.post(preview, data).json()["is_valid"] is False
    response = client.post(create_url(clinic_a.home_page), data)

    assert response.status_code == 200 and IMAGE_REFUSAL in response.content.decode()
    assert_nothing_of_b(response)
    assert not ProcedurePage.objects.filter(slug="new-injection").exists()

    data["hero_image"] = str(items["a_image"].pk)
    assert client.post(create_url(clinic_a.home_page), data).status_code == 302
    assert ProcedurePage.objects.get(slug="new-injection").hero_image_id == items["a_image"].pk


# --- What a clinic owns ---------------------------------------------------------------------------------------------


def test_images_outside_every_clinic_and_pages_outside_its_tree_are_refused(clinic_a, items):
    """Images of the root collection belong to no clinic; a link goes to the clinic's own pages only (not the tree
    root, not a page that no longer exists)."""
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    page.hero_image = clinic_image(Collection.get_first_root_node(), "Root")
    with pytest.raises(ValidationError):
        page.full_clean()
    page.hero_image = None
    for target_id in (Page.get_first_root_node().pk, 999999):
        page.risks = f'<p><a linktype="page" id="{target_id}">x</a></p>'
        with pytest.raises(ValidationError):
            page.full_clean()


def test_own_clinic_references_still_work(client, clinic_a, items):
    page = ProcedurePage.objects.get(pk=items["page"].pk)
    page.hero_image = items["a_image"]
    page.risks = reference_html("page", items["a_draft"]) + reference_html("document", items["a_document"])
    page.preparation = reference_html("image", items["a_image"])
    page.body = [("image", {"image": items["a_image"], "alt_text": "A picture", "caption": ""})]
    # An image in a sub-collection of the clinic's collection is the clinic's too.
    child = clinic_image(clinic_a.collection.add_child(name="Waiting room"), "Sub")
    page.body.append(("image", {"image": child, "alt_text": "Our waiting room", "caption": ""}))
    page.save_revision().publish()

    html = client.get("/a-procedure/", HTTP_HOST=clinic_a.site.hostname).content.decode()
    assert "aardvark-a-image" in html  # the hero image's and the blocks' renditions
    assert f"/documents/{items['a_document'].pk}/" in html

    client.force_login(role_user(clinic_a, "editors"))
    data = edit_form(client, page)
    data["what_it_is"] = rich_text(reference_html("page", items["a_draft"]), features=ALL_RICH_TEXT_FEATURES)
    assert client.post(preview_url(page), data).json()["is_valid"] is True
    assert client.post(edit_url(page), data).status_code == 302
    latest = ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.hero_image_id == items["a_image"].pk
    assert f'id="{items["a_draft"].pk}"' in latest.what_it_is


# --- The choosers ------------------------------------------------------------------------------------------------


def test_the_choosers_offer_clinic_staff_only_their_clinics_images_and_documents(client, clinic_a, superuser, items):
    """Wagtail's image and document choosers list the collections the user may choose from: for clinic staff, their
    clinic's. Network admins are offered every clinic's and the model check stops a wrong choice."""
    client.force_login(role_user(clinic_a, "editors"))
    for name, own in (
        ("wagtailimages_chooser:choose", "Aardvark-A-Image"),
        ("wagtaildocs_chooser:choose", "Aardvark-A-Document"),
    ):
        html = client.get(reverse(name)).content.decode()
        assert own in html
        assert not marker_hits(html), name
    chosen = client.get(reverse("wagtailimages_chooser:chosen", args=[items["b_image"].pk]))
    assert chosen.status_code in {403, 404}
    assert_nothing_of_b(chosen)

    client.force_login(superuser)
    assert marker_hits(client.get(reverse("wagtailimages_chooser:choose")).content.decode())
