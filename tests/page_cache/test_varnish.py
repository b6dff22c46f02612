"""The edge cache: the shipped VCL in a real varnishd in front of a live test server, purged by the app through
Wagtail's frontend_cache on every change. Anonymous GETs are cached per host; the admin, POSTs and sessions pass."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site
from wagtail_factories import ImageFactory

from pages.data_care.requests import erase_patient_data
from pages.models import PatientMessage
from pages.patient_messages import moderation
from pages.patient_messages.models import Status
from tests.factories import PatientMessageFactory, ProcedurePageFactory
from tests.page_cache.support import host_of, path_of
from tests.page_cache.varnish import Varnish, require_varnishd

PUBLIC_TEXT = "The injection helped a lot and I was back at work."

# Committed, for the live server to see and for the purges (after commit) to run; serialized_rollback puts back what
# migrations made (Wagtail's root page) afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def varnish(live_server, settings):
    require_varnishd()
    server = urlsplit(live_server.url)
    edge = Varnish(server.hostname, server.port)
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "pages.page_cache.edge.VarnishBackend", "LOCATION": edge.url}
    }
    # Site URLs name port 80; the purge reaches this Varnish through LOCATION whatever the port.
    yield edge
    edge.stop()


def get(varnish, page, query="", **kwargs):
    return varnish.request("GET", path_of(page) + query, host_of(page), **kwargs)


def warm(varnish, page, query=""):
    for _attempt in range(3):
        status, headers, body = get(varnish, page, query)
        if headers.get("x-edge-cache") == "hit":
            return body
    raise AssertionError(f"{path_of(page)}{query} was never served from Varnish (status {status})")


def test_anonymous_pages_are_cached_per_host_and_purged_when_a_page_is_published(varnish, clinic_a, clinic_b):
    page_a = ProcedurePageFactory(parent=clinic_a.home_page, title="Only at clinic A", slug="same-slug")
    page_b = ProcedurePageFactory(parent=clinic_b.home_page, title="Only at clinic B", slug="same-slug")

    assert "Only at clinic A" in warm(varnish, page_a) and "Only at clinic B" not in warm(varnish, page_a)
    assert "Only at clinic B" in warm(varnish, page_b)

    page_a.title = "Renamed at clinic A"
    page_a.save_revision().publish()

    status, headers, body = get(varnish, page_a)
    assert status == 200 and "Renamed at clinic A" in body and headers["x-edge-cache"] == "miss"
    # The other clinic's copy stays cached.
    assert get(varnish, page_b)[1]["x-edge-cache"] == "hit"


def test_approving_a_message_purges_its_page_and_every_message_page_number(varnish, procedure_a, superuser):
    message = PatientMessageFactory(page=procedure_a, body=PUBLIC_TEXT, status=Status.PENDING)
    assert PUBLIC_TEXT not in warm(varnish, procedure_a)
    assert PUBLIC_TEXT not in warm(varnish, procedure_a, "?messages=1")

    moderation.moderate(PatientMessage.objects.filter(pk=message.pk), moderation.ACTIONS["approve"], superuser)

    assert PUBLIC_TEXT in get(varnish, procedure_a)[2]
    assert PUBLIC_TEXT in get(varnish, procedure_a, "?messages=1")[2]


def test_the_clinic_settings_purge_the_whole_site_at_the_edge(varnish, procedure_a, clinic_a):
    warm(varnish, procedure_a)
    warm(varnish, clinic_a.home_page)

    clinic_a.settings.phone = "(217) 555-0999"
    clinic_a.settings.save()

    assert "(217) 555-0999" in get(varnish, procedure_a)[2]
    assert "(217) 555-0999" in get(varnish, clinic_a.home_page)[2]


def test_the_admin_posts_sessions_and_token_requests_pass_through(varnish, procedure_a):
    host = host_of(procedure_a)
    for _ in range(2):
        admin = varnish.request("GET", "/admin/login/", host)
        tokens = varnish.request("GET", f"/_form-tokens/?page={procedure_a.pk}", host)
        with_session = get(varnish, procedure_a, headers={"Cookie": "sessionid=abc"})
        posted = varnish.request(
            "POST",
            path_of(procedure_a) + "messages/",
            host,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body="name=Jane&form-token=",
        )
    assert admin[1]["x-edge-cache"] == "miss"
    assert tokens[0] == 200 and tokens[1]["x-edge-cache"] == "miss" and "csrftoken" in tokens[1]["set-cookie"]
    assert with_session[1]["x-edge-cache"] == "miss" and "no-store" in with_session[1]["cache-control"]
    # The POST reached the app: without a CSRF token the form comes back to be sent again (tokens.py).
    assert posted[0] == 400 and posted[1]["x-edge-cache"] == "miss" and "Jane" in posted[2]


def test_only_the_apps_addresses_may_purge(varnish, procedure_a):
    warm(varnish, procedure_a)
    host = host_of(procedure_a)

    refused = varnish.request("PURGE", path_of(procedure_a), host, source="127.0.0.2")

    assert refused[0] == 403
    assert get(varnish, procedure_a)[1]["x-edge-cache"] == "hit"
    assert varnish.request("PURGE", path_of(procedure_a), host)[0] == 200
    assert get(varnish, procedure_a)[1]["x-edge-cache"] == "miss"


def test_a_site_purge_empties_only_that_host(varnish, procedure_a, procedure_b):
    warm(varnish, procedure_a)
    warm(varnish, procedure_b)

    Site.objects.get(pk=procedure_a.get_site().pk).save()  # a Site saved: its clinic's pages are purged

    assert get(varnish, procedure_a)[1]["x-edge-cache"] == "miss"
    assert get(varnish, procedure_b)[1]["x-edge-cache"] == "hit"


# --- Every other purge path, through the edge ---------------------------------------------------------------------
# Each case sets up what the page shows before it is cached and returns (the change, what the next anonymous visit
# through Varnish must show). The tests above cover publishing, approving, Clinic settings and a Site saved.


def _unpublish(procedure, clinic, superuser):
    return procedure.unpublish, lambda status, body: status == 404


def _move(procedure, clinic, superuser):
    parent = ProcedurePageFactory(parent=clinic.home_page, title="New parent", slug="new-parent")
    # The old address redirects (Wagtail's automatic redirect) instead of serving the cached page.
    return (lambda: procedure.move(parent, pos="last-child")), lambda status, body: status == 301


def _delete(procedure, clinic, superuser):
    return procedure.delete, lambda status, body: status == 404


def _restrict(procedure, clinic, superuser):
    def restrict():
        PageViewRestriction.objects.create(page=procedure, restriction_type=PageViewRestriction.PASSWORD, password="s")

    return restrict, lambda status, body: status == 200 and "Leave a message" not in body


def _image(procedure, clinic, superuser):
    logo = ImageFactory(collection=clinic.collection, title="Logo")
    clinic.settings.logo = logo
    clinic.settings.save()

    def replace_the_file():
        image = get_image_model().objects.get(pk=logo.pk)
        image.file = SimpleUploadedFile("new-logo.png", ImageFactory.build().file.read())
        image.save()  # as Wagtail's image form does when a new file is uploaded: save, then drop the old renditions
        image.renditions.all().delete()

    return replace_the_file, lambda status, body: "new-logo.height-80." in body


def _moderated(action):
    def case(procedure, clinic, superuser):
        message = PatientMessageFactory(page=procedure, body=PUBLIC_TEXT, status=Status.APPROVED)

        def moderate():
            moderation.moderate(PatientMessage.objects.filter(pk=message.pk), moderation.ACTIONS[action], superuser)

        return moderate, lambda status, body: status == 200 and PUBLIC_TEXT not in body

    return case


def _reply(procedure, clinic, superuser):
    message = PatientMessageFactory(page=procedure, body=PUBLIC_TEXT, status=Status.APPROVED)

    def reply():
        moderation.edit_message(PatientMessage.objects.all(), message.pk, superuser, reply="Thank you, Jane!")

    return reply, lambda status, body: "Thank you, Jane!" in body


def _erase(procedure, clinic, superuser):
    PatientMessageFactory(page=procedure, body=PUBLIC_TEXT, status=Status.APPROVED, author_email="erase@example.org")
    return (lambda: erase_patient_data("erase@example.org")), lambda status, body: PUBLIC_TEXT not in body


def _close_messages(procedure, clinic, superuser):
    def close():
        procedure.accept_messages = False
        procedure.save_revision().publish()

    return close, lambda status, body: status == 200 and "Send message" not in body


EDGE_CASES = {
    "unpublished": _unpublish,
    "moved": _move,
    "deleted": _delete,
    "password restriction added": _restrict,
    "image of the clinic replaced": _image,
    "message rejected": _moderated("reject"),
    "message restored to pending": _moderated("restore"),
    "message marked spam": _moderated("spam"),
    "message replied to": _reply,
    "patient's data erased": _erase,
    "messages closed": _close_messages,
}


@pytest.mark.parametrize("case", EDGE_CASES, ids=list(EDGE_CASES))
def test_every_change_reaches_the_next_visit_through_the_edge(varnish, procedure_a, clinic_a, superuser, case):
    path, host = path_of(procedure_a), host_of(procedure_a)
    change, shows_the_change = EDGE_CASES[case](procedure_a, clinic_a, superuser)
    cached = warm(varnish, procedure_a)
    assert not shows_the_change(200, cached), f"{case}: the page showed the change before it was made"

    change()

    status, headers, body = varnish.request("GET", path, host)
    assert headers.get("x-edge-cache") != "hit", f"{case}: Varnish answered from its old copy"
    assert shows_the_change(status, body), f"{case}: the next visit (HTTP {status}) does not show the change"
