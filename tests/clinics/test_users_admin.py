"""The Users list: each user's clinics and roles, filters by clinic and by role, a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory, role_user

URL = reverse("wagtailusers_users:index")


def test_column_shows_clinics_and_roles(client, clinic_a, clinic_b, superuser):
    user = role_user(clinic_a, "editors")
    user.groups.add(clinic_a.groups["moderators"], clinic_b.groups["medical reviewers"])
    client.force_login(superuser)
    html = client.get(URL).content.decode()
    assert "Clinics and roles" in html
    assert "ASCPM: editors, moderators; Spinal Diagnostics: medical reviewers" in html


def test_filter_by_clinic_and_role(client, clinic_a, clinic_b, superuser):
    role_user(clinic_a, "editors")
    role_user(clinic_b, "moderators")
    client.force_login(superuser)
    html = client.get(URL, {"clinic": clinic_a.site.pk}).content.decode()
    assert "ascpm-editors" in html and "spinaldiagnostics-moderators" not in html
    html = client.get(URL, {"role": "moderators"}).content.decode()
    assert "spinaldiagnostics-moderators" in html and "ascpm-editors" not in html


def test_clinic_staff_still_refused(client, clinic_a):
    client.force_login(role_user(clinic_a, "medical reviewers"))
    assert client.get(URL).status_code in (302, 403)


def test_queries_fixed_with_many_users(client, clinic_a, clinic_b, superuser):
    client.force_login(superuser)
    role_user(clinic_a, "editors")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(10):
        UserFactory(username=f"staff-{n}", groups=[clinic_a.groups["editors"], clinic_b.groups["moderators"]])
    with CaptureQueriesContext(connection) as many:
        assert "staff-9" in client.get(URL).content.decode()
    assert len(many) == len(few)
