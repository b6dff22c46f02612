"""Page privacy: "signed in" admits the page's own clinic's staff and network admins, not every account.

Wagtail's "Private, accessible to any logged-in users" served a clinic's private page to any other clinic's staff
signed in on its host. Pages are requested through the real middleware and Wagtail's page router, on the page's own
clinic's host, with restrictions stored as Wagtail stores them (as existing ones are).
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import PageViewRestriction

from pages.isolation.privacy import LOGIN_RESTRICTION_LABEL
from pages.models import PatientMessage
from tests.factories import ProcedurePageFactory, UserFactory, role_user
from tests.patient_messages.support import message_data

ROLES = ("editors", "medical reviewers", "moderators")
TITLE = "Members-only procedure"
LOGIN_URL = "/_util/login/"


@pytest.fixture
def private_page(clinic_a):
    page = ProcedurePageFactory(parent=clinic_a.home_page, title=TITLE, slug="members-only")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


def visit(clinic_client, clinic, user, path="/members-only/"):
    client = clinic_client(clinic)
    if user is not None:
        client.force_login(user)
    return client.get(path)


def assert_sent_to_sign_in(response, path="/members-only/"):
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={path}"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ROLES)
def test_another_clinics_staff_signed_in_on_the_host_are_sent_to_sign_in(
    clinic_client, clinic_a, clinic_b, private_page, role
):
    response = visit(clinic_client, clinic_a, role_user(clinic_b, role))

    assert_sent_to_sign_in(response)
    assert TITLE not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_own_clinics_staff_see_it(clinic_client, clinic_a, private_page, role):
    response = visit(clinic_client, clinic_a, role_user(clinic_a, role))

    assert response.status_code == 200
    assert TITLE in response.content.decode()


def test_network_admins_and_staff_of_both_clinics_see_it(clinic_client, clinic_a, clinic_b, private_page, superuser):
    both = UserFactory(username="works-for-both", groups=[clinic_a.groups["editors"], clinic_b.groups["moderators"]])

    assert visit(clinic_client, clinic_a, superuser).status_code == 200
    assert visit(clinic_client, clinic_a, both).status_code == 200


def test_visitors_and_accounts_without_a_clinic_are_sent_to_sign_in(clinic_client, clinic_a, private_page):
    assert_sent_to_sign_in(visit(clinic_client, clinic_a, None))
    assert_sent_to_sign_in(visit(clinic_client, clinic_a, UserFactory(username="no-clinic")))


def test_a_restriction_on_the_home_page_covers_its_pages_and_their_message_routes(
    clinic_client, clinic_a, clinic_b, django_capture_on_commit_callbacks
):
    PageViewRestriction.objects.create(page=clinic_a.home_page, restriction_type=PageViewRestriction.LOGIN)
    page = ProcedurePageFactory(parent=clinic_a.home_page, title=TITLE, slug="members-only")
    outsider, insider = role_user(clinic_b, "moderators"), role_user(clinic_a, "moderators")

    assert_sent_to_sign_in(visit(clinic_client, clinic_a, outsider, "/"), "/")
    assert_sent_to_sign_in(visit(clinic_client, clinic_a, outsider), "/members-only/")
    thanks = "/members-only/messages/thanks/"
    assert_sent_to_sign_in(visit(clinic_client, clinic_a, outsider, thanks), thanks)
    posted = clinic_client(clinic_a).post("/members-only/messages/", message_data(page), REMOTE_ADDR="203.0.113.7")
    assert_sent_to_sign_in(posted, "/members-only/messages/")
    assert not PatientMessage.objects.exists()

    assert visit(clinic_client, clinic_a, insider).status_code == 200


def test_a_shared_password_still_admits_whoever_knows_it(clinic_client, clinic_a, clinic_b):
    page = ProcedurePageFactory(parent=clinic_a.home_page, title=TITLE, slug="members-only")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="shared-secret"
    )
    client = clinic_client(clinic_a)
    client.force_login(role_user(clinic_b, "moderators"))

    asked = client.get("/members-only/")
    assert asked.status_code == 200
    assert 'name="password"' in asked.content.decode() and TITLE not in asked.content.decode()
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    client.post(url, {"password": "shared-secret", "return_url": "/members-only/"})
    assert TITLE in client.get("/members-only/").content.decode()


def test_a_groups_restriction_still_admits_exactly_its_groups(clinic_client, clinic_a, clinic_b, superuser):
    page = ProcedurePageFactory(parent=clinic_a.home_page, title=TITLE, slug="members-only")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([clinic_a.groups["moderators"]])

    assert visit(clinic_client, clinic_a, role_user(clinic_a, "moderators")).status_code == 200
    assert visit(clinic_client, clinic_a, superuser).status_code == 200
    assert_sent_to_sign_in(visit(clinic_client, clinic_a, role_user(clinic_a, "editors")))
    assert_sent_to_sign_in(visit(clinic_client, clinic_a, role_user(clinic_b, "moderators")))


def test_the_privacy_dialog_names_the_option_for_the_clinics_staff_and_stores_wagtails_value(client, clinic_a):
    page = ProcedurePageFactory(parent=clinic_a.home_page, slug="alpha")
    client.force_login(role_user(clinic_a, "medical reviewers"))
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])

    dialog = client.get(url).json()["html"]
    assert LOGIN_RESTRICTION_LABEL in dialog
    assert "any logged-in users" not in dialog
    done = client.post(url, {"restriction_type": PageViewRestriction.LOGIN})
    assert done.json()["step"] == "set_privacy_done"
    assert page.get_view_restrictions().get().restriction_type == PageViewRestriction.LOGIN


@pytest.mark.django_db
def test_the_relabelled_option_needs_no_migration():
    # The label changes in the dialog only; Wagtail's model (and ours) keep their choices.
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
