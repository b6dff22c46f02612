"""Seals on Wagtail admin surfaces that are not per-site by themselves (the matrix in test_isolation_matrix.py
walks every admin URL; these tests pin each seal down where it is made)."""

from django.urls import reverse

from tests.factories import ProcedurePageFactory, role_user


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
