"""`create_clinic`: what it builds, that it is idempotent, and that bad input changes nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission, Site, WorkflowPage
from wagtail.permissions import policy_registry

from pages.clinics.onboarding import ClinicInputError, create_or_update_clinic, hostname_problem
from pages.models import ClinicHomePage, ClinicSettings
from tests.factories import role_user
from tests.snapshot import database_snapshot


def run_create_clinic(*args):
    call_command("create_clinic", *args, stdout=_Sink(), stderr=_Sink())


class _Sink:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


@pytest.mark.django_db
def test_create_clinic_builds_site_home_collection_settings_groups_and_workflow():
    run_create_clinic("--name", "Spinal Diagnostics", "--hostname", "SpinalDiagnostics.Example.com", "--port", "8080")

    site = Site.objects.get(site_name="Spinal Diagnostics")
    assert (site.hostname, site.port) == ("spinaldiagnostics.example.com", 8080)
    home = site.root_page.specific
    assert isinstance(home, ClinicHomePage) and home.depth == 2 and home.live
    assert Collection.objects.filter(name="Spinal Diagnostics", depth=2).exists()
    assert ClinicSettings.objects.get(site=site).display_name == "Spinal Diagnostics"
    assert sorted(site.root_page.group_permissions.values_list("group__name", flat=True).distinct()) == [
        "Spinal Diagnostics editors",
        "Spinal Diagnostics medical reviewers",
    ]
    workflow = WorkflowPage.objects.get(page=home).workflow
    assert workflow.name == "Spinal Diagnostics medical review"
    [task] = [t.specific for t in workflow.tasks]
    assert list(task.groups.values_list("name", flat=True)) == ["Spinal Diagnostics medical reviewers"]


@pytest.mark.django_db
def test_create_clinic_sets_the_settings_it_is_given():
    run_create_clinic(
        "--name",
        "ASCPM",
        "--hostname",
        "ascpm.example.com",
        "--phone",
        "(217) 555-0144",
        "--address",
        "200 Harbor Plaza\\nSpringfield",
        "--notification-email",
        "desk@ascpm.example",
        "--brand-colour",
        "#0B6E69",
    )
    clinic = ClinicSettings.objects.get(site__site_name="ASCPM")
    assert clinic.phone == "(217) 555-0144"
    assert clinic.address_lines == ["200 Harbor Plaza", "Springfield"]
    assert clinic.notification_email == "desk@ascpm.example"
    assert clinic.brand_colour == "#0b6e69"


@pytest.mark.django_db
def test_running_create_clinic_again_changes_nothing(clinic_a):
    before = database_snapshot()
    run_create_clinic("--name", "ASCPM", "--hostname", "ascpm.test", "--phone", "(217) 555-0111")
    assert database_snapshot() == before


@pytest.mark.django_db
def test_running_create_clinic_again_updates_hostname_and_only_the_settings_given(clinic_a):
    run_create_clinic("--name", "ASCPM", "--hostname", "new-ascpm.test", "--phone", "(217) 555-0199")
    site = Site.objects.get(site_name="ASCPM")
    assert site.hostname == "new-ascpm.test"
    assert site.root_page_id == clinic_a.home_page.pk
    clinic = ClinicSettings.objects.get(site=site)
    assert clinic.phone == "(217) 555-0199"
    assert clinic.address == "1 Alpha Road\nAlphaville"  # not given, so kept
    assert Site.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hostname", "spinaldiagnostics.test"], "already belongs to the clinic 'Spinal Diagnostics'"),
        (["--hostname", "bad_host.test"], "not a valid hostname"),
        (["--hostname=-leading.test"], "not a valid hostname"),
        (["--hostname", "double..dot.test"], "not a valid hostname"),
        (["--hostname", "https://new.test/"], "looks like a URL"),
        (["--hostname", "new.test:8000"], "pass the port with --port"),
        (["--hostname", "a" * 64 + ".test"], "not a valid hostname"),
        (["--hostname", "new.test", "--port", "0"], "from 1 to 65535"),
        (["--hostname", "new.test", "--port", "70000"], "from 1 to 65535"),
        (["--hostname", "new.test", "--port", "eighty"], "from 1 to 65535"),
        (["--hostname", "new.test", "--brand-colour", "teal"], "Brand colour"),
        (["--hostname", "new.test", "--notification-email", "not-an-email"], "not a valid email"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(clinics, args, message):
    before = database_snapshot()
    with pytest.raises(CommandError, match=message):
        run_create_clinic("--name", "New Clinic", *args)
    assert database_snapshot() == before


@pytest.mark.django_db
def test_bad_input_on_the_command_line_exits_non_zero(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "create_clinic", "--name", "X", "--hostname", "bad_host"],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "clinic_site.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert "not a valid hostname" in result.stderr


def test_hostname_rules_accept_ordinary_names():
    for hostname in ("ascpm.localhost", "spinal-diagnostics.example.co.uk", "localhost", "a1.b2"):
        assert hostname_problem(hostname) is None, hostname


def test_clinic_names_that_would_overflow_group_names_are_refused(db):
    with pytest.raises(ClinicInputError, match="longer than"):
        create_or_update_clinic("x" * 200, "long.test")


# What the groups may do, asked through Wagtail's own permission checks rather than by reading rows.


def test_editors_edit_their_own_tree_only_and_cannot_publish(clinics):
    clinic_a, clinic_b = clinics
    editor = role_user(clinic_a, "editors")
    own = clinic_a.home_page.permissions_for_user(editor)
    other = clinic_b.home_page.permissions_for_user(editor)
    assert own.can_edit() and not own.can_publish()
    assert not other.can_edit()
    assert editor.has_perm("wagtailadmin.access_admin")


def test_medical_reviewers_publish_their_own_tree_and_change_their_own_settings_only(clinics):
    clinic_a, clinic_b = clinics
    reviewer = role_user(clinic_a, "medical reviewers")
    assert clinic_a.home_page.permissions_for_user(reviewer).can_publish()
    assert not clinic_b.home_page.permissions_for_user(reviewer).can_publish()
    policy = ClinicSettings.get_permission_policy()
    assert policy.user_has_permission_for_instance(reviewer, "change", clinic_a.settings)
    assert not policy.user_has_permission_for_instance(reviewer, "change", clinic_b.settings)


def test_moderators_can_log_in_but_cannot_edit_pages(clinics):
    clinic_a, clinic_b = clinics
    moderator = role_user(clinic_a, "moderators")
    assert moderator.has_perm("wagtailadmin.access_admin")
    for clinic in clinics:
        assert not clinic.home_page.permissions_for_user(moderator).can_edit()
    assert not GroupPagePermission.objects.filter(group=clinic_a.groups["moderators"]).exists()


def test_media_permissions_sit_on_the_clinic_collection_only(clinics):
    clinic_a, clinic_b = clinics
    editor = role_user(clinic_a, "editors")
    permission_policy = policy_registry.get_by_type(get_image_model())
    assert list(permission_policy.collections_user_has_permission_for(editor, "add")) == [clinic_a.collection]
    assert clinic_b.collection not in permission_policy.collections_user_has_permission_for(editor, "choose")


def test_each_clinic_has_three_groups_with_admin_access(clinics):
    access = Permission.objects.get(codename="access_admin")
    for clinic in clinics:
        assert sorted(clinic.groups) == ["editors", "medical reviewers", "moderators"]
        for group in clinic.groups.values():
            assert access in group.permissions.all()
