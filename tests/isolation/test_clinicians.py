"""Clinic A's clinician and page forms, posted with clinic B's photo, staff account and clinician: each is refused.

The matrix's POST body (payloads.py) carries clinic B's image as a clinician's photo, one of clinic B's reviewers as
its staff account and clinic B's clinician as a page's medical reviewer. The matrix posts it to every admin URL; here
it goes where a clinic-A user may rightly save, their own clinic's forms (a new clinician, their own clinician, their
own procedure page), and each answer must be a refusal naming the field, with nothing of clinic B shown or stored.

A control switches the clinic's reference rule off: the rows the matrix compares (rows.py) then show clinic B's photo
taken, so "nothing changed" in the matrix is a real result for clinicians too.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from pages.clinics.references import NOT_AVAILABLE, ClinicReferencesMixin
from pages.models import Clinician
from tests.isolation.checks import Checker
from tests.isolation.form_values import edit_post
from tests.isolation.patterns import admin_patterns
from tests.isolation.payloads import post_payload
from tests.isolation.world import HIJACK

# Who keeps a clinic's clinicians and edits its pages (roles.py): editors and medical reviewers.
CLINICIAN_ROLES = ("editors", "medical reviewers")


def _payload(world, name):
    pattern = next(pattern for pattern in admin_patterns() if pattern.name == name)
    return post_payload(world, pattern)


def _clinician_url(world, name):
    return reverse(name, args=[world.a.clinician.pk]) if name == "clinicians:edit" else reverse(name)


def _saved(checker, url):
    """Whether the last request saved: the checker follows the admin's redirect after a save, away from `url`."""
    return checker.last_hop[0] != url


def _form_errors(response):
    form = (response.context or {}).get("form")
    return form.errors if form is not None else {}


@pytest.mark.parametrize("name", ["clinicians:add", "clinicians:edit"])
@pytest.mark.parametrize("role", CLINICIAN_ROLES)
def test_clinician_form_refuses_clinic_b_photo_and_staff_account(client, db, world, role, name):
    client.force_login(world.a.users[role])
    checker = Checker(client, world, role)
    before = {f.attname: getattr(world.a.clinician, f.attname) for f in Clinician._meta.concrete_fields}

    url = _clinician_url(world, name)
    response = checker.request("POST", url, f"clinic A's {name}", data=_payload(world, name))

    assert not checker.problems, checker.problems
    assert response.status_code == 200 and not _saved(checker, url), f"{name} saved or answered {response.status_code}"
    errors = _form_errors(response)
    assert errors.get("photo") == [NOT_AVAILABLE["image"]], errors
    assert "user" in errors, errors
    assert not Clinician.objects.filter(name=HIJACK).exists()
    clinician = Clinician.objects.get(pk=world.a.clinician.pk)
    assert {f.attname: getattr(clinician, f.attname) for f in Clinician._meta.concrete_fields} == before


@pytest.mark.parametrize("role", CLINICIAN_ROLES)
def test_clinic_a_page_refuses_clinic_b_clinician_as_reviewer(client, db, world, role):
    page = world.a.procedure
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client.force_login(world.a.users[role])
    data = edit_post(client.get(url), page, "page-edit-form")

    # Control: the form as posted back is saved (a page's save redirects to its edit view again).
    with transaction.atomic():
        control = client.post(url, data)
        transaction.set_rollback(True)
    cache.clear()
    assert control.status_code == 302, f"the page's own form is refused: {_form_errors(control)}"

    checker = Checker(client, world, role)
    refused = checker.request(
        "POST", url, "clinic A's page, clinic B's reviewer", data={**data, "reviewer": str(world.b.clinician.pk)}
    )

    assert not checker.problems, checker.problems
    assert refused.status_code == 200 and "reviewer" in _form_errors(refused), _form_errors(refused)


def test_control_without_the_rule_the_rows_show_clinic_b_photo_taken(client, db, world, monkeypatch):
    monkeypatch.setattr(ClinicReferencesMixin, "foreign_references", lambda self: [])
    client.force_login(world.a.users["editors"])
    checker = Checker(client, world, "editors")
    # The staff account has its own check (the model's clean): leave it out to see the photo alone saved.
    data = {**_payload(world, "clinicians:add"), "user": ""}

    response = checker.request("POST", reverse("clinicians:add"), "control", data=data)

    assert _saved(checker, reverse("clinicians:add")), _form_errors(response)
    assert any("clinicians elsewhere with the clinic's photo or staff" in problem for problem in checker.problems), (
        checker.problems
    )
