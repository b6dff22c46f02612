"""The Clinicians admin: each clinic's editors see and write only their clinic's clinicians."""

from django.urls import reverse
from wagtail_factories import ImageFactory

from pages.clinics.references import NOT_AVAILABLE
from pages.models import Clinician
from tests.factories import role_user


def _clinician(clinic, name):
    return Clinician.objects.create(site=clinic.site, name=name, credentials="MD")


def test_editor_lists_only_own_clinics_clinicians(client, clinic_a, clinic_b):
    _clinician(clinic_a, "Dr Aardvark")
    _clinician(clinic_b, "Dr Zebra")
    client.force_login(role_user(clinic_a, "editors"))
    response = client.get(reverse("clinicians:index"))
    assert response.status_code == 200
    assert "Dr Aardvark" in response.content.decode()
    assert "Dr Zebra" not in response.content.decode()


def test_other_clinics_clinician_is_not_found(client, clinic_a, clinic_b):
    theirs = _clinician(clinic_b, "Dr Zebra")
    client.force_login(role_user(clinic_a, "medical reviewers"))
    for view in ("edit", "delete", "inspect", "history", "usage"):
        assert client.get(reverse(f"clinicians:{view}", args=[theirs.pk])).status_code == 404, view


def test_create_sets_the_users_clinic_and_refuses_other_clinics_staff(client, clinic_a, clinic_b):
    editor = role_user(clinic_a, "editors")
    other_staff = role_user(clinic_b, "editors")
    client.force_login(editor)
    data = {"site": clinic_b.site.pk, "name": "Dr New", "sort_order": "0", "user": other_staff.pk}
    response = client.post(reverse("clinicians:add"), data)
    assert response.status_code == 200
    assert not Clinician.objects.filter(name="Dr New").exists()
    data["user"] = ""
    client.post(reverse("clinicians:add"), data)
    assert Clinician.objects.get(name="Dr New").site_id == clinic_a.site.pk


def test_delete_confirmation_names_the_pages_they_review(client, clinic_a, procedure_a):
    client.force_login(role_user(clinic_a, "editors"))
    response = client.get(reverse("clinicians:delete", args=[procedure_a.reviewer_id]))
    assert procedure_a.title in response.content.decode()
    client.post(reverse("clinicians:delete", args=[procedure_a.reviewer_id]))
    procedure_a.refresh_from_db()
    assert procedure_a.reviewer_id is None


def test_page_refuses_another_clinics_clinician_as_reviewer(clinic_b, procedure_a):
    from django.core.exceptions import ValidationError

    procedure_a.reviewer = _clinician(clinic_b, "Dr Zebra")
    try:
        procedure_a.full_clean()
    except ValidationError as error:
        assert "reviewer" in error.message_dict
    else:
        raise AssertionError("another clinic's clinician was accepted as reviewer")


# --- The photo: Wagtail's image chooser, on the clinic's own images -------------------------------------------------


def _image(clinic, title):
    return ImageFactory(collection=clinic.collection, title=title)


def _edit_data(clinician, **changes):
    data = {"name": clinician.name, "credentials": clinician.credentials, "sort_order": "0", "photo_alt": "Smiling"}
    return {**data, **changes}


def test_photo_is_chosen_in_an_image_chooser_opened_on_the_clinics_images(client, clinic_a, clinic_b, superuser):
    ours = _clinician(clinic_a, "Dr Aardvark")
    _image(clinic_a, "Alpha portrait")
    _image(clinic_b, "Zebra portrait")
    client.force_login(superuser)

    html = client.get(reverse("clinicians:edit", args=[ours.pk])).content.decode()
    chooser_url = f"{reverse('wagtailimages_chooser:choose')}?clinic={clinic_a.site.pk}"
    assert "image-chooser" in html and f'data-chooser-url="{chooser_url}"' in html
    assert "Zebra portrait" not in html

    listing = client.get(chooser_url).content.decode()
    assert "Alpha portrait" in listing and "Zebra portrait" not in listing
    results = reverse("wagtailimages_chooser:choose_results")
    searched = client.get(results, {"clinic": clinic_a.site.pk, "q": "portrait"}).content.decode()
    assert "Alpha portrait" in searched and "Zebra portrait" not in searched
    # Without a clinic the chooser is Wagtail's own: a network admin sees every clinic's images.
    assert "Zebra portrait" in client.get(reverse("wagtailimages_chooser:choose")).content.decode()


def test_new_clinician_of_several_clinics_links_the_chooser_to_the_clinic_field(client, clinic_a, clinic_b):
    editor = role_user(clinic_a, "editors")
    editor.groups.add(clinic_b.groups["editors"])
    client.force_login(editor)
    html = client.get(reverse("clinicians:add")).content.decode()
    assert "image-chooser" in html and '"linkedFields": {"clinic": {"id": "id_site"}}' in html


def test_chooser_given_another_clinic_lists_nothing_more_than_wagtail_does(client, clinic_a, clinic_b):
    _image(clinic_b, "Zebra portrait")
    client.force_login(role_user(clinic_a, "editors"))
    url = reverse("wagtailimages_chooser:choose")
    assert "Zebra portrait" not in client.get(url, {"clinic": clinic_b.site.pk}).content.decode()
    assert "Zebra portrait" not in client.get(url, {"clinic": "not-a-clinic"}).content.decode()


def test_another_clinics_photo_is_refused_with_the_clinics_message(client, clinic_a, clinic_b):
    ours = _clinician(clinic_a, "Dr Aardvark")
    theirs = _image(clinic_b, "Zebra portrait")
    client.force_login(role_user(clinic_a, "medical reviewers"))

    response = client.post(reverse("clinicians:edit", args=[ours.pk]), _edit_data(ours, photo=theirs.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert NOT_AVAILABLE["image"] in html.replace("&#x27;", "'")
    assert "Zebra portrait" not in html
    ours.refresh_from_db()
    assert ours.photo_id is None


def test_own_clinics_photo_is_saved(client, clinic_a):
    ours = _clinician(clinic_a, "Dr Aardvark")
    photo = _image(clinic_a, "Alpha portrait")
    client.force_login(role_user(clinic_a, "editors"))

    response = client.post(reverse("clinicians:edit", args=[ours.pk]), _edit_data(ours, photo=photo.pk))

    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.photo_id == photo.pk
