"""Every change that shows on a public page purges the full-page cache: change, then the next anonymous visit shows
the change. Each test warms the cache first, so a purge that stopped working would serve the old page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction
from wagtail_factories import ImageFactory

from pages.clinics.models import ClinicSettings
from pages.data_care.requests import erase_patient_data
from pages.models import PatientMessage
from pages.page_cache import purge
from pages.patient_messages import moderation
from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory, ProcedurePageFactory
from tests.page_cache.support import cache_status, host_of, path_of, visit, visit_twice

pytestmark = pytest.mark.usefixtures("page_cache")

PUBLIC_TEXT = "The injection helped a lot and I was back at work."


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the purges do), as the end of a real request would."""

    def run(change, *args, **kwargs):
        purge.discard_pending()  # the fixtures' own purges: their setup is never committed
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def html(response):
    return response.content.decode()


# --- Pages: the whole clinic site -------------------------------------------------------------------------------


def test_publishing_a_page_purges_it_and_the_rest_of_its_site(client, commit, procedure_a, clinic_a):
    sibling = ProcedurePageFactory(parent=clinic_a.home_page, title="Sibling page", slug="sibling", show_in_menus=True)
    visit_twice(client, procedure_a)
    visit_twice(client, clinic_a.home_page)

    procedure_a.title = "A brand new title"
    commit(procedure_a.save_revision().publish)

    assert "A brand new title" in html(visit(client, procedure_a))
    home_after = visit(client, clinic_a.home_page)
    assert cache_status(home_after) == "miss"
    sibling.title = "Renamed sibling"
    commit(sibling.save_revision().publish)
    assert "Renamed sibling" in html(visit(client, procedure_a))  # the menu on every page


def test_unpublishing_a_page_takes_it_off_at_once(client, commit, procedure_a):
    visit_twice(client, procedure_a)

    commit(procedure_a.unpublish)

    assert visit(client, procedure_a).status_code == 404


def test_moving_a_page_purges_its_old_and_new_address(client, commit, procedure_a, clinic_a):
    parent = ProcedurePageFactory(parent=clinic_a.home_page, title="New parent", slug="new-parent")
    old_path = path_of(procedure_a)
    visit_twice(client, procedure_a)

    commit(procedure_a.move, parent, pos="last-child")

    # The old address now redirects (Wagtail's automatic redirect), instead of serving the cached page.
    assert client.get(old_path, HTTP_HOST=host_of(procedure_a)).status_code == 301
    procedure_a.refresh_from_db()
    assert visit(client, procedure_a).status_code == 200


def test_deleting_a_page_takes_it_off_at_once(client, commit, procedure_a):
    path, host = path_of(procedure_a), host_of(procedure_a)
    visit_twice(client, procedure_a)

    commit(procedure_a.delete)

    assert client.get(path, HTTP_HOST=host).status_code == 404


def test_a_new_password_restriction_hides_the_cached_page(client, commit, procedure_a):
    visit_twice(client, procedure_a)

    commit(
        PageViewRestriction.objects.create,
        page=procedure_a,
        restriction_type=PageViewRestriction.PASSWORD,
        password="secret-1",
    )

    response = visit(client, procedure_a)
    assert "Leave a message" not in html(response)
    assert "public" not in response["Cache-Control"]


def test_a_purge_on_one_clinic_leaves_the_other_clinics_pages_cached(client, commit, procedure_a, procedure_b):
    visit_twice(client, procedure_b)

    procedure_a.title = "Changed at clinic A"
    commit(procedure_a.save_revision().publish)

    assert cache_status(visit(client, procedure_b)) == "hit"


# --- Clinic settings and images ---------------------------------------------------------------------------------


def test_saving_the_clinic_settings_purges_the_whole_site(client, commit, procedure_a, clinic_a):
    visit_twice(client, procedure_a)
    visit_twice(client, clinic_a.home_page)
    settings_row = ClinicSettings.objects.get(site=clinic_a.site)

    settings_row.phone = "(217) 555-0999"
    commit(settings_row.save)

    assert "(217) 555-0999" in html(visit(client, procedure_a))
    assert "(217) 555-0999" in html(visit(client, clinic_a.home_page))


def test_changing_an_image_purges_the_pages_that_may_show_it(client, commit, procedure_a, clinic_a):
    logo = ImageFactory(collection=clinic_a.collection, title="Logo")
    settings_row = ClinicSettings.objects.get(site=clinic_a.site)
    settings_row.logo = logo
    commit(settings_row.save)
    before = html(visit_twice(client, procedure_a))
    assert "site-header__logo" in before

    logo = get_image_model().objects.get(pk=logo.pk)
    logo.file = SimpleUploadedFile("new-logo.png", ImageFactory.build().file.read())

    def replace_the_file():
        # As Wagtail's image form does when a new file is uploaded: save, then drop the old renditions.
        logo.save()
        logo.renditions.all().delete()

    commit(replace_the_file)

    after = visit(client, procedure_a)
    assert cache_status(after) == "miss"
    assert re.search(r'src="/media/images/new-logo\.height-80\.[a-z]+"', html(after))
    assert html(after) != before


def test_an_image_of_one_clinic_purges_that_clinic_only(client, commit, procedure_a, procedure_b, clinic_a):
    image = ImageFactory(collection=clinic_a.collection, title="Clinic A photo")
    purge.discard_pending()
    visit_twice(client, procedure_a)
    visit_twice(client, procedure_b)

    image.title = "Clinic A photo, renamed"
    commit(image.save)

    assert cache_status(visit(client, procedure_a)) == "miss"
    assert cache_status(visit(client, procedure_b)) == "hit"


def test_an_image_moved_to_another_clinic_purges_both(client, commit, procedure_a, procedure_b, clinic_a, clinic_b):
    image = ImageFactory(collection=clinic_a.collection, title="Moving photo")
    purge.discard_pending()
    visit_twice(client, procedure_a)
    visit_twice(client, procedure_b)

    image = get_image_model().objects.get(pk=image.pk)
    image.collection = clinic_b.collection
    commit(image.save)

    assert cache_status(visit(client, procedure_a)) == "miss"  # its pages may still show it
    assert cache_status(visit(client, procedure_b)) == "miss"


def test_an_image_of_no_clinic_purges_every_clinic(client, commit, procedure_a, procedure_b):
    image = ImageFactory(collection=Collection.get_first_root_node(), title="Shared photo")
    purge.discard_pending()
    visit_twice(client, procedure_a)
    visit_twice(client, procedure_b)

    commit(image.delete)

    assert cache_status(visit(client, procedure_a)) == "miss"
    assert cache_status(visit(client, procedure_b)) == "miss"


# --- Messages: that page, every message page number ---------------------------------------------------------------


def moderate(message, action, user):
    return moderation.moderate(PatientMessage.objects.filter(pk=message.pk), moderation.ACTIONS[action], user)


@pytest.mark.parametrize("query", ["", "?messages=1"])
def test_approving_a_message_shows_it_on_the_next_visit(client, commit, procedure_a, superuser, query):
    message = PatientMessageFactory(page=procedure_a, body=PUBLIC_TEXT, status=Status.PENDING)
    assert PUBLIC_TEXT not in html(visit_twice(client, procedure_a, query))

    commit(moderate, message, "approve", superuser)

    assert PUBLIC_TEXT in html(visit(client, procedure_a, query))


@pytest.mark.parametrize("action", ["reject", "restore", "spam"])
def test_rejecting_restoring_or_marking_spam_takes_an_approved_message_off(
    client, commit, procedure_a, superuser, action
):
    message = PatientMessageFactory(page=procedure_a, body=PUBLIC_TEXT, status=Status.APPROVED)
    assert PUBLIC_TEXT in html(visit_twice(client, procedure_a))

    commit(moderate, message, action, superuser)

    assert PUBLIC_TEXT not in html(visit(client, procedure_a))


def test_a_reply_shows_on_the_next_visit(client, commit, procedure_a, superuser):
    message = PatientMessageFactory(page=procedure_a, body=PUBLIC_TEXT, status=Status.APPROVED)
    visit_twice(client, procedure_a)

    commit(moderation.edit_message, PatientMessage.objects.all(), message.pk, superuser, reply="Thank you, Jane!")

    assert "Thank you, Jane!" in html(visit(client, procedure_a))


def test_redacting_a_message_purges_its_page(client, commit, procedure_a, superuser):
    message = PatientMessageFactory(page=procedure_a, body="Call me on 555 123 4567", status=Status.PENDING)
    visit_twice(client, procedure_a)

    commit(moderation.edit_message, PatientMessage.objects.all(), message.pk, superuser, body="Call me [removed]")

    # A pending message's text is not public: the page is rendered afresh all the same.
    assert cache_status(visit(client, procedure_a)) == "miss"


def test_erasing_a_patients_data_takes_their_message_off(client, commit, procedure_a):
    PatientMessageFactory(page=procedure_a, body=PUBLIC_TEXT, status=Status.APPROVED, author_email="erase@example.org")
    assert PUBLIC_TEXT in html(visit_twice(client, procedure_a))

    commit(erase_patient_data, "erase@example.org")

    assert PUBLIC_TEXT not in html(visit(client, procedure_a))


def test_a_message_change_purges_only_its_own_page(client, commit, procedure_a, recovery_a, superuser):
    message = PatientMessageFactory(page=procedure_a, body=PUBLIC_TEXT, status=Status.PENDING)
    visit_twice(client, recovery_a)

    commit(moderate, message, "approve", superuser)

    assert cache_status(visit(client, recovery_a)) == "hit"


def test_closing_messages_on_a_page_removes_its_form_at_once(client, commit, procedure_a):
    assert "Send message" in html(visit_twice(client, procedure_a))

    procedure_a.accept_messages = False
    commit(procedure_a.save_revision().publish)

    assert "Send message" not in html(visit(client, procedure_a))
