"""Another clinic's ids answer exactly as missing ones do (pages/isolation/ids.py).

Wagtail looks an id up before it checks permission: a missing page is the admin's 404, another clinic's page a
redirect to the dashboard with "no permission", and the copy form named the destination it refused. Here every admin
URL and page form field naming another clinic's page, image or document must answer like one naming nothing at all.

The focused tests below pin each finding down with the two root clinics; `test_every_admin_url_naming_clinic_b_
answers_like_a_missing_id` then takes every URL the isolation matrix builds with clinic B's pages, images and
documents and compares its answer with the same URL naming an id that does not exist.
"""

import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from tests.factories import ContactPageFactory, ProcedurePageFactory, RecoveryGuidancePageFactory, role_user
from tests.isolation.differential import normalised
from tests.isolation.responses import response_text, take_flash_messages

# No row has this id: far above anything a test creates, and inside PostgreSQL's integer range.
MISSING = 987654321
# Clinic B's name (its home page's title, from the root fixture) and the word in all its objects' names.
B_NAMES = ("Spinal Diagnostics", "Zebra")


@pytest.fixture
def objects(clinic_a, clinic_b):
    """Per clinic: a live procedure page with a newer draft, a recovery page, a contact page with a submission, an
    image and a document. Clinic B's names all carry "Zebra", so a response showing any of them contains it."""
    made = {}
    for clinic, word in ((clinic_a, "Alpha"), (clinic_b, "Zebra")):
        procedure = ProcedurePageFactory(parent=clinic.home_page, title=f"{word} injections", slug=word.lower())
        procedure.title = f"{word} draft title"
        procedure.save_revision(user=role_user(clinic, "editors"))
        contact = ContactPageFactory(parent=clinic.home_page, title=f"{word} contact", slug=f"{word.lower()}-contact")
        made[word] = SimpleNamespace(
            clinic=clinic,
            procedure=procedure,
            recovery=RecoveryGuidancePageFactory(parent=procedure, title=f"{word} recovery", slug="after"),
            contact=contact,
            submission=FormSubmission.objects.create(page=contact, form_data={"your_name": f"{word} patient"}),
            image=Image.objects.create(title=f"{word} scan", file=get_test_image_file(), collection=clinic.collection),
            document=Document.objects.create(
                title=f"{word} leaflet",
                file=ContentFile(b"leaflet", name=f"{word.lower()}.txt"),
                collection=clinic.collection,
            ),
        )
    return made["Alpha"], made["Zebra"]


def answer(client, method, url, data=None):
    """(status, where a redirect goes, flash messages, body) of one request, rolled back afterwards."""
    client.raise_request_exception = False
    with transaction.atomic():
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
        flashes = take_flash_messages(client)
        transaction.set_rollback(True)
    cache.clear()
    return response.status_code, response.get("Location", ""), flashes, response_text(response)


def assert_not_found_like_missing(client, method, url, missing_url, data=None):
    """Both URLs answer the admin's 404, and the answer shows nothing of clinic B."""
    status, location, flashes, body = answer(client, method, url, data)
    missing = answer(client, method, missing_url, data)
    assert (status, location, flashes) == missing[:3] == (404, "", []), f"{method} {url}: {status} {location}"
    assert not any(name in body for name in B_NAMES), f"{method} {url} names clinic B"
    assert comparable(body) == comparable(missing[3]), f"{method} {url}: the page differs from a missing id's"


def comparable(body):
    """A response body without what differs between any two renders (CSRF tokens) or names the id asked for."""
    return re.sub(r"\d+", "<n>", normalised(body))


# --- Finding 7: other clinics' ids answer "not found", as missing ones do ---------------------------------------


PAGE_URLS = [
    "wagtailadmin_pages:edit",
    "wagtailadmin_pages:delete",
    "wagtailadmin_pages:copy",
    "wagtailadmin_pages:move",
    "wagtailadmin_pages:history",
    "wagtailadmin_pages:revisions_index",
    "wagtailadmin_pages:view_draft",
    "wagtailadmin_pages:preview_on_edit",
    "wagtailadmin_pages:unpublish",
    "wagtailadmin_pages:lock",
    "wagtailadmin_pages:usage",
    "wagtailadmin_pages:workflow_history",
    "wagtailadmin_pages:add_subpage",
    "wagtailadmin_explore",
]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_clinics_page_answers_not_found_like_a_missing_page(client, objects, method):
    mine, theirs = objects
    client.force_login(role_user(mine.clinic, "medical reviewers"))
    for url_name in PAGE_URLS:
        for page in (theirs.procedure, theirs.clinic.home_page):
            assert_not_found_like_missing(
                client, method, reverse(url_name, args=[page.pk]), reverse(url_name, args=[MISSING])
            )


MEDIA_URLS = [
    ("wagtailimages:edit", "image"),
    ("wagtailimages:delete", "image"),
    ("wagtailimages:image_usage", "image"),
    ("wagtaildocs:edit", "document"),
    ("wagtaildocs:delete", "document"),
    ("wagtaildocs:document_usage", "document"),
]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_clinics_image_or_document_answers_not_found_like_a_missing_one(client, objects, method):
    mine, theirs = objects
    client.force_login(role_user(mine.clinic, "medical reviewers"))
    for url_name, kind in MEDIA_URLS:
        theirs_url = reverse(url_name, args=[getattr(theirs, kind).pk])
        assert_not_found_like_missing(client, method, theirs_url, reverse(url_name, args=[MISSING]))
        assert client.get(reverse(url_name, args=[getattr(mine, kind).pk])).status_code == 200, url_name


def test_an_image_preview_of_another_clinic_answers_not_found(client, objects):
    mine, theirs = objects
    client.force_login(role_user(mine.clinic, "editors"))
    assert_not_found_like_missing(
        client,
        "GET",
        reverse("wagtailimages:preview", args=[theirs.image.pk, "fill-40x40"]),
        reverse("wagtailimages:preview", args=[MISSING, "fill-40x40"]),
    )


@pytest.mark.parametrize("url_name", ["wagtailforms:list_submissions", "wagtailforms:delete_submissions"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_clinics_form_submissions_answer_not_found_like_a_missing_form(client, objects, url_name, method):
    mine, theirs = objects
    client.force_login(role_user(mine.clinic, "moderators"))
    query = f"?selected-submissions={theirs.submission.pk}"
    assert_not_found_like_missing(
        client,
        method,
        reverse(url_name, args=[theirs.contact.pk]) + query,
        reverse(url_name, args=[MISSING]) + query,
    )
    assert FormSubmission.objects.filter(pk=theirs.submission.pk).exists()


def test_moderators_still_read_and_delete_their_own_clinics_submissions(client, objects):
    mine, _theirs = objects
    client.force_login(role_user(mine.clinic, "moderators"))
    listing = client.get(reverse("wagtailforms:list_submissions", args=[mine.contact.pk]))
    assert listing.status_code == 200 and "Alpha patient" in listing.content.decode()
    delete = reverse("wagtailforms:delete_submissions", args=[mine.contact.pk])
    response = client.post(f"{delete}?selected-submissions={mine.submission.pk}")
    assert response.status_code == 302
    assert not FormSubmission.objects.filter(pk=mine.submission.pk).exists()


def test_a_workflow_action_on_another_clinics_page_answers_not_found(client, objects):
    mine, theirs = objects
    editor_b = role_user(theirs.clinic, "editors")
    theirs.recovery.save_revision(user=editor_b)
    state = theirs.clinic.home_page.get_workflow().start(theirs.recovery, editor_b)
    client.force_login(role_user(mine.clinic, "medical reviewers"))
    for name in ("wagtailadmin_pages:workflow_action", "wagtailadmin_pages:collect_workflow_action_data"):
        assert_not_found_like_missing(
            client,
            "POST",
            reverse(name, args=[theirs.recovery.pk, "approve", state.current_task_state.pk]),
            reverse(name, args=[MISSING, "approve", state.current_task_state.pk]),
        )
    state.refresh_from_db()
    assert state.status == "in_progress"


def test_own_clinic_pages_keep_wagtails_own_answers(client, objects):
    """The seal answers only for ids outside the user's clinics: inside them Wagtail decides, as before."""
    mine, _theirs = objects
    client.force_login(role_user(mine.clinic, "editors"))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[mine.procedure.pk]))
    assert edit.status_code == 200 and "Alpha draft title" in edit.content.decode()
    # Editors may not unpublish: Wagtail's own refusal for a page the user knows exists.
    refused = client.get(reverse("wagtailadmin_pages:unpublish", args=[mine.procedure.pk]))
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    client.force_login(role_user(mine.clinic, "moderators"))
    assert client.get(reverse("wagtailadmin_pages:edit", args=[mine.procedure.pk])).status_code == 302


def test_network_admins_reach_every_clinic_and_signed_out_visitors_are_sent_to_log_in(client, objects, superuser):
    _mine, theirs = objects
    url = reverse("wagtailadmin_pages:edit", args=[theirs.procedure.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    client.force_login(superuser)
    assert client.get(url).status_code == 200
    assert client.get(reverse("wagtailimages:edit", args=[theirs.image.pk])).status_code == 200


# --- Finding 2: page form fields naming another clinic's page ---------------------------------------------------


def _copy_data(destination):
    data = {"new_title": "Copied", "new_slug": "copied"}
    if destination is not None:
        data["new_parent_page"] = destination
    return data


def test_copying_to_another_clinics_page_answers_like_a_missing_page_and_never_fails(client, objects):
    mine, theirs = objects
    client.force_login(role_user(mine.clinic, "editors"))
    url = reverse("wagtailadmin_pages:copy", args=[mine.procedure.pk])
    before = Page.objects.count()
    destinations = [theirs.clinic.home_page.pk, theirs.procedure.pk, MISSING, "", "not-a-number", None]
    answers = {str(value): answer(client, "POST", url, _copy_data(value)) for value in destinations}

    for value, (status, _location, flashes, body) in answers.items():
        assert status == 404, f"new_parent_page={value}: {status}"
        assert not flashes and not any(name in body for name in B_NAMES), value
    assert len({comparable(body) for _s, _l, _f, body in answers.values()}) == 1
    assert Page.objects.count() == before


def test_copying_within_the_own_clinic_still_works(client, objects):
    mine, _theirs = objects
    client.force_login(role_user(mine.clinic, "editors"))
    url = reverse("wagtailadmin_pages:copy", args=[mine.procedure.pk])
    response = client.post(url, _copy_data(mine.clinic.home_page.pk))
    assert response.status_code == 302
    assert Page.objects.filter(slug="copied").child_of(mine.clinic.home_page).exists()


def test_a_network_admin_copying_to_a_missing_page_gets_not_found_rather_than_a_server_error(
    client, objects, superuser
):
    mine, theirs = objects
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:copy", args=[mine.procedure.pk])
    assert answer(client, "POST", url, _copy_data(MISSING))[0] == 404
    assert client.post(url, _copy_data(theirs.clinic.home_page.pk)).status_code == 302


def test_moving_to_another_clinics_page_answers_like_a_missing_page(client, objects):
    mine, theirs = objects
    client.force_login(role_user(mine.clinic, "medical reviewers"))
    choose = reverse("wagtailadmin_pages:move", args=[mine.recovery.pk])
    for destination in (theirs.clinic.home_page.pk, theirs.procedure.pk):
        status, location, flashes, body = answer(client, "POST", choose, {"new_parent_page": destination})
        assert (status, location, flashes) == answer(client, "POST", choose, {"new_parent_page": MISSING})[:3]
        assert status == 404 and not any(name in body for name in B_NAMES)
        for method in ("GET", "POST"):
            assert_not_found_like_missing(
                client,
                method,
                reverse("wagtailadmin_pages:move_confirm", args=[mine.recovery.pk, destination]),
                reverse("wagtailadmin_pages:move_confirm", args=[mine.recovery.pk, MISSING]),
            )
    assert mine.recovery.get_parent().pk == mine.procedure.pk
    # Within the clinic the move goes on to Wagtail's confirmation, as before.
    response = client.post(choose, {"new_parent_page": mine.clinic.home_page.pk})
    assert response["Location"] == reverse(
        "wagtailadmin_pages:move_confirm", args=[mine.recovery.pk, mine.clinic.home_page.pk]
    )


def test_choosing_a_parent_in_another_clinic_answers_like_a_missing_page(client, objects):
    mine, theirs = objects
    client.force_login(role_user(mine.clinic, "editors"))
    url = reverse("wagtailadmin_pages:choose_parent", args=["pages", "procedurepage"])
    status, location, flashes, body = answer(client, "POST", url, {"parent_page": theirs.clinic.home_page.pk})
    assert (status, location, flashes) == answer(client, "POST", url, {"parent_page": MISSING})[:3]
    assert status == 404 and not any(name in body for name in B_NAMES)
    own = client.post(url, {"parent_page": mine.clinic.home_page.pk})
    assert own.status_code == 302
