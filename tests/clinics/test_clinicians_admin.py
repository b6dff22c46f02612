"""The Clinicians admin: each clinic's editors see and write only their clinic's clinicians."""

from django.urls import reverse

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
