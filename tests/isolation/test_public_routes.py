"""Every public route, on every host, shows nothing of the other clinic: the public side of the isolation matrix.

The routes are read from Django's URL resolver (every pattern outside /admin/, which the matrix covers) and from
the sub-routes of every routable page type (RoutablePageMixin: the patient-message form and its thanks page). Each
is requested, as a visitor who is not signed in, on both clinics' hosts, on a platform host and on an unknown host,
with its parameters filled from both clinics' objects by parameter name: pages (live, draft, private, and an old
path that redirects), documents (public and in a private collection), the password restrictions of pages and
collections, and search words. A response on one clinic's host must not contain the other clinic's name, phone
number, hostname, page titles (drafts included) or slugs, document titles, file names or contents, or patients'
messages; a response on a platform or unknown host must contain neither clinic's.

Controls prove the check can fail: on its own host each clinic's page shows its name, phone and title and its
document its content, and every route answers at least one of its own clinic's objects. A route whose parameters
cannot be filled fails `test_every_public_route_is_filled`, so a new public route is covered the day it is added.
"""

import pytest

from pages.library.setup import ensure_library
from tests.isolation.public_routes import (
    PublicRoutesSummary,
    all_routes,
    answer_text,
    build_public_clinic,
    hosts,
    page_path,
    shown_markers,
)
from tests.library.support import build_master, revise


@pytest.fixture
def public_world(clinic_a, clinic_b):
    return build_public_clinic(clinic_a, "Alpha"), build_public_clinic(clinic_b, "Zebra")


@pytest.fixture
def summary(request):
    manager = request.config.pluginmanager
    plugin = manager.get_plugin(PublicRoutesSummary.name)
    if plugin is None:
        plugin = PublicRoutesSummary()
        manager.register(plugin, PublicRoutesSummary.name)
    return plugin


def test_every_public_route_is_filled(public_world):
    routes = all_routes(public_world)
    unfillable = {route.label: route.why_not for route in routes if route.why_not}
    assert not unfillable, "Public routes the check cannot fill (teach tests/isolation/public_routes.py):\n  " + (
        "\n  ".join(f"{label}: {why}" for label, why in unfillable.items())
    )
    empty = [route.label for route in routes if not route.urls]
    assert not empty, f"Public routes without a single URL: {empty}"


def test_no_public_route_shows_the_other_clinic_on_any_host(client, public_world, summary):
    client.raise_request_exception = False
    markers = {side.word: side.markers for side in public_world}
    routes = all_routes(public_world)
    host_list = hosts(public_world)
    answers = {}  # (host, url) -> (status, text): a URL two routes build (a shadow and Wagtail's) is asked once
    problems, reached = [], {route.label: False for route in routes}

    for route in routes:
        for filling, url in route.urls:
            for host, own in host_list:
                if (host, url) not in answers:
                    response = client.get(url, HTTP_HOST=host)
                    answers[(host, url)] = (response.status_code, answer_text(response))
                status, text = answers[(host, url)]
                forbidden = [marker for word, words in markers.items() if word != own for marker in words]
                shown = shown_markers(text, forbidden)
                if shown:
                    problems.append(f"GET {host}{url} [{route.label}; {filling.about}]: {status}, shows {shown[:3]}")
                if own and filling.owner in (own, "") and status < 400:
                    reached[route.label] = True

    # Controls: the markers are findable where they belong, and every route answers its own clinic's objects.
    blind = []
    for side in public_world:
        host = side.clinic.site.hostname
        page = answers[(host, "/" + page_path(side.pages["procedure page"]))][1]
        expected = [side.clinic.settings.display_name, side.clinic.settings.phone, side.pages["procedure page"].title]
        blind += [f"{host}: the procedure page does not show {m!r}" for m in expected if m not in page]
        doc = side.documents["document"]
        if f"{side.word} document content" not in answers[(host, doc.url)][1]:
            blind.append(f"{host}: {doc.url} does not serve the document")
    unreached = sorted(label for label, ok in reached.items() if not ok)

    sub_routes = sum(1 for route in routes if " sub-route " in route.label)
    summary.line = (
        f"{len(routes)} public routes ({len(routes) - sub_routes} URL patterns, {sub_routes} page sub-routes) x "
        f"{len(host_list)} hosts (2 clinics, a platform and an unknown host) x "
        f"{sum(len(side.objects) for side in public_world)} objects of the two clinics, plus searches -> "
        f"{sum(len(route.urls) for route in routes)} URLs, {len(answers)} requests; {len(problems)} problems."
    )
    assert not problems, f"{len(problems)} public response(s) show another clinic:\n  " + "\n  ".join(problems)
    assert not blind, "The marker check would be blind:\n  " + "\n  ".join(blind)
    assert not unreached, f"Routes that answer none of their own clinic's objects on its host: {unreached}"


def test_no_public_route_shows_the_procedure_library_on_any_host(client, public_world):
    """The library (pages/library/) is no clinic's: every public route, its own pages' paths and searches for its
    words answer on no host with any of its titles, slugs or text."""
    library = ensure_library()
    master = build_master(library, slug="librarium-facet")
    revise(master, title="Librarium facet master", summary="Librarium summary words for every clinic.")
    recovery = master.get_children().get()
    markers = ["Librarium facet master", "librarium-facet", "Librarium summary words", recovery.title, library.title]
    urls = [url for route in all_routes(public_world) for _filling, url in route.urls]
    urls += [page.url_path for page in (library, master, recovery)]
    urls += ["/" + page.url_path.split("/", 2)[2] for page in (master, recovery)]  # as if under a clinic's root
    # The search page repeats the query, so it is asked for the words, never for a marker itself.
    urls += ["/search/?q=summary+words", "/search/?q=facet+master", "/sitemap.xml"]
    client.raise_request_exception = False
    problems = []
    for url in dict.fromkeys(urls):
        for host, _own in hosts(public_world):
            shown = shown_markers(answer_text(client.get(url, HTTP_HOST=host)), markers)
            if shown:
                problems.append(f"GET {host}{url}: shows {shown}")
    assert not problems, "The procedure library shows on a public host:\n  " + "\n  ".join(problems)


def test_control_a_download_carries_its_clinics_markers(client, public_world):
    """Were a document served on the wrong host, the check would see it: its content and file name are markers."""
    _alpha, zebra = public_world
    doc = zebra.documents["document"]
    shown = shown_markers(answer_text(client.get(doc.url, HTTP_HOST=zebra.clinic.site.hostname)), zebra.markers)
    assert {"Zebra document content", doc.filename} <= set(shown)
