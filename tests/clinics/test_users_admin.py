"""Users: the list's clinics and roles, filters by clinic and by role, a fixed number of queries; the form's roles
one row per clinic, saved to the clinics' groups, and granted only where the signed-in user may."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.clinics.user_forms import NOT_YOUR_CLINIC
from tests.factories import UserFactory, role_user

URL = reverse("wagtailusers_users:index")
User = get_user_model()


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


# --- The user form: roles one row per clinic ------------------------------------------------------------------------


def _team_group(name="Team leads", *codenames):
    group = Group.objects.create(name=name)
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    return group


def _user_manager(clinic):
    """Not a network admin: one clinic's editor who may also manage user accounts (Wagtail's user permissions)."""
    manager = role_user(clinic, "editors")
    manager.groups.add(_team_group("User managers", "access_admin", "add_user", "change_user"))
    return manager


def _edit_data(user, groups, **extra):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "Casey",
        "last_name": "Jones",
        "is_active": "on",
        "groups": [group.pk for group in groups],
    }
    return {**data, **extra}


def _checkbox(html, group):
    """The checkbox input of `group` in the rendered form (its `checked` state included)."""
    match = re.search(rf'<input type="checkbox" name="groups" value="{group.pk}"[^>]*>', html)
    assert match, f"no checkbox for {group.name}"
    return match.group(0)


def test_form_shows_one_row_of_roles_per_clinic(client, clinic_a, clinic_b, superuser):
    team = _team_group()
    client.force_login(superuser)

    html = client.get(reverse("wagtailusers_users:add")).content.decode()

    rows = re.findall(r'<legend class="clinic-roles__name">([^<]+)</legend>', html)
    assert rows[:2] == ["ASCPM", "Spinal Diagnostics"] and rows[-1] == "Other groups"
    ascpm = html[html.index(">ASCPM</legend>") : html.index(">Spinal Diagnostics</legend>")]
    assert [label.strip() for label in re.findall(r">\s*([a-z ]+?)\s*</label>", ascpm)] == [
        "editor",
        "medical reviewer",
        "moderator",
    ]
    assert f'value="{clinic_a.groups["medical reviewers"].pk}"' in ascpm
    # Not Wagtail's flat list of every clinic's groups by name.
    assert "ASCPM medical reviewers" not in html
    assert "Team leads" in html and f'value="{team.pk}"' in html


def test_saved_roles_are_the_clinics_groups_and_other_groups_stay(client, clinic_a, clinic_b, superuser):
    team = _team_group()
    user = UserFactory(username="casey", groups=[clinic_a.groups["editors"], team])
    client.force_login(superuser)
    url = reverse("wagtailusers_users:edit", args=[user.pk])

    html = client.get(url).content.decode()
    assert "checked" in _checkbox(html, team) and "checked" in _checkbox(html, clinic_a.groups["editors"])
    assert "checked" not in _checkbox(html, clinic_b.groups["moderators"])

    posted = [clinic_a.groups["medical reviewers"], clinic_b.groups["moderators"], team]
    response = client.post(url, _edit_data(user, posted))

    assert response.status_code == 302
    assert set(user.groups.all()) == set(posted)


def test_user_manager_of_one_clinic_is_offered_only_that_clinics_roles(client, clinic_a, clinic_b):
    user = UserFactory(username="casey", groups=[clinic_a.groups["editors"]])
    client.force_login(_user_manager(clinic_a))

    html = client.get(reverse("wagtailusers_users:edit", args=[user.pk])).content.decode()

    assert ">ASCPM</legend>" in html
    assert "Spinal Diagnostics" not in html and "Other groups" not in html
    assert f'value="{clinic_b.groups["editors"].pk}"' not in html
    assert 'name="is_superuser"' not in html


def test_user_manager_cannot_grant_a_role_in_another_clinic(client, clinic_a, clinic_b):
    user = UserFactory(username="casey", groups=[clinic_a.groups["editors"]])
    client.force_login(_user_manager(clinic_a))
    url = reverse("wagtailusers_users:edit", args=[user.pk])

    response = client.post(url, _edit_data(user, [clinic_a.groups["editors"], clinic_b.groups["editors"]]))

    assert response.status_code == 200
    assert NOT_YOUR_CLINIC in response.content.decode().replace("&#x27;", "'")
    assert set(user.groups.all()) == {clinic_a.groups["editors"]}
    # Nor by making them a network admin.
    client.post(url, _edit_data(user, [clinic_a.groups["editors"]], is_superuser="on"))
    user.refresh_from_db()
    assert not user.is_superuser


def test_user_manager_changes_own_clinics_roles_and_keeps_the_rest(client, clinic_a, clinic_b):
    team = _team_group()
    user = UserFactory(username="casey", groups=[clinic_a.groups["editors"], clinic_b.groups["moderators"], team])
    client.force_login(_user_manager(clinic_a))

    response = client.post(
        reverse("wagtailusers_users:edit", args=[user.pk]), _edit_data(user, [clinic_a.groups["medical reviewers"]])
    )

    assert response.status_code == 302
    assert set(user.groups.all()) == {clinic_a.groups["medical reviewers"], clinic_b.groups["moderators"], team}


def test_user_manager_creates_a_user_with_own_clinics_role_only(client, clinic_a, clinic_b):
    client.force_login(_user_manager(clinic_a))
    data = {
        **_edit_data(UserFactory.build(username="newbie"), [clinic_b.groups["editors"]]),
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
    }

    assert client.post(reverse("wagtailusers_users:add"), data).status_code == 200
    assert not User.objects.filter(username="newbie").exists()
    data["groups"] = [clinic_a.groups["moderators"].pk]
    assert client.post(reverse("wagtailusers_users:add"), data).status_code == 302
    assert set(User.objects.get(username="newbie").groups.all()) == {clinic_a.groups["moderators"]}


def test_user_manager_reaches_only_own_clinics_staff(client, clinic_a, clinic_b):
    ours = UserFactory(username="alpha-staff", groups=[clinic_a.groups["editors"], clinic_b.groups["moderators"]])
    theirs = UserFactory(username="zebra-staff", groups=[clinic_b.groups["editors"]])
    client.force_login(_user_manager(clinic_a))

    html = client.get(URL).content.decode()
    assert "alpha-staff" in html and "zebra-staff" not in html
    # The column and the filters name only the manager's clinics.
    assert "Spinal Diagnostics" not in html
    for view in ("edit", "delete", "history"):
        assert client.get(reverse(f"wagtailusers_users:{view}", args=[theirs.pk])).status_code == 404, view
    assert client.get(reverse("wagtailusers_users:edit", args=[ours.pk])).status_code == 200
