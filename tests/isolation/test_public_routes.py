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

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import CollectionViewRestriction, PageViewRestriction, get_page_models

from pages.library.setup import ensure_library
from pages.models import ArticlePage, GeneralPage, NewsIndexPage
from tests.factories import (
    ContactPageFactory,
    PatientMessageFactory,
    ProcedurePageFactory,
    RecoveryGuidancePageFactory,
)
from tests.isolation.responses import response_text
from tests.library.support import build_master, revise

PLATFORM_HOST = "testserver"  # in PLATFORM_HOSTS (settings/test.py)
UNKNOWN_HOST = "unknown.example.org"
ADMIN_PREFIX = "admin/"  # the admin URLs are the matrix's (test_matrix.py)


# --- The two clinics' public objects ------------------------------------------------------------------------------


def build_public_clinic(clinic, word):
    """One public object of every kind for `clinic`; every title, slug and text carries `word`."""
    slug = word.lower()
    home = clinic.home_page
    procedure = ProcedurePageFactory(parent=home, title=f"{word} facet injection", slug=f"{slug}-facet")
    recovery = RecoveryGuidancePageFactory(parent=procedure, title=f"{word} recovery guide", slug=f"{slug}-recovery")
    contact = ContactPageFactory(parent=home, title=f"{word} contact form", slug=f"{slug}-contact")
    draft = ProcedurePageFactory(parent=home, title=f"{word} draft only page", slug=f"{slug}-draft", live=False)
    private = ProcedurePageFactory(parent=home, title=f"{word} private page", slug=f"{slug}-private")
    page_restriction = PageViewRestriction.objects.create(
        page=private, restriction_type="password", password="open-sesame-42"
    )
    # A newer draft of a live page: its title is in a revision only, never public.
    procedure.title = f"{word} unpublished new title"
    procedure.save_revision()
    procedure.refresh_from_db()
    message = PatientMessageFactory(
        page=procedure, author_name=f"{word} Patientname", body=f"{word} message body text.", status="approved"
    )
    document = Document.objects.create(
        title=f"{word} leaflet title",
        file=ContentFile(f"{word} document content".encode(), name=f"{slug}-leaflet.txt"),
        collection=clinic.collection,
    )
    private_collection = clinic.collection.add_child(name=f"{word} private documents")
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type="password", password="open-sesame-42"
    )
    private_document = Document.objects.create(
        title=f"{word} private leaflet title",
        file=ContentFile(f"{word} private document content".encode(), name=f"{slug}-private-leaflet.txt"),
        collection=private_collection,
    )
    image = Image.objects.create(title=f"{word} scan title", file=get_test_image_file(), collection=clinic.collection)
    redirect = Redirect.objects.create(site=clinic.site, old_path=f"/{slug}-old-path", redirect_page=procedure)
    general = home.add_child(
        instance=GeneralPage(title=f"{word} about page", slug=f"{slug}-about", accept_messages=True)
    )
    news = home.add_child(instance=NewsIndexPage(title=f"{word} news index", slug=f"{slug}-news"))
    article = news.add_child(instance=ArticlePage(title=f"{word} news article", slug=f"{slug}-article"))
    pages = {
        "general page": general,
        "news index": news,
        "article": article,
        "home page": home,
        "procedure page": procedure,
        "recovery page": recovery,
        "contact page": contact,
        "draft page": draft,
        "private page": private,
    }
    settings = clinic.settings
    markers = [
        settings.display_name,
        clinic.site.site_name,
        settings.phone,
        clinic.site.hostname,
        f"{word} unpublished new title",
        message.author_name,
        message.body,
        image.title,
        *(page.title for page in pages.values()),
        *(page.slug for page in pages.values()),
        *(doc.title for doc in (document, private_document)),
        *(doc.filename for doc in (document, private_document)),
        *(doc.file.open().read().decode() for doc in (document, private_document)),
    ]
    documents = {"document": document, "private document": private_document}
    return SimpleNamespace(
        clinic=clinic,
        word=word,
        pages=pages,
        documents=documents,
        page_restriction=page_restriction,
        collection_restriction=collection_restriction,
        redirect=redirect,
        # What the URLs are filled with (the message and the image are only looked for in the answers).
        objects=[*pages.values(), *documents.values(), page_restriction, collection_restriction, redirect],
        markers=sorted(set(markers)),
    )


@pytest.fixture
def public_world(clinic_a, clinic_b):
    return build_public_clinic(clinic_a, "Alpha"), build_public_clinic(clinic_b, "Zebra")


def page_path(page):
    """The page's path on its clinic's host, e.g. "zebra-facet/" ("" for the home page)."""
    site_root = page.get_site().root_page
    return page.url_path.removeprefix(site_root.url_path)


# --- Fillings: parameter values from one clinic's objects ---------------------------------------------------------


@dataclass(frozen=True)
class Filling:
    """One request's parameters and which clinic's objects they name."""

    owner: str  # the clinic word ("Alpha", "Zebra") whose objects fill it; "" when it names no clinic's object
    about: str
    kwargs: dict = field(default_factory=dict, hash=False)
    args: tuple = ()
    query: str = ""


def _documents(world):
    for side in world:
        for label, doc in side.documents.items():
            yield side, label, doc


def fill_documents(world):
    for side, label, doc in _documents(world):
        yield Filling(side.word, f"{side.word} {label}", {"document_id": doc.pk, "document_filename": doc.filename})


def fill_collection_restrictions(world):
    for side in world:
        yield Filling(
            side.word, f"{side.word} collection restriction", {"restriction_id": side.collection_restriction.pk}
        )


def fill_page_restrictions(world):
    # Each restriction with each private page: an own restriction must not open the other clinic's page either.
    for side in world:
        for other in world:
            owner = side.word if side is other else f"{side.word}+{other.word}"
            kwargs = {"page_view_restriction_id": side.page_restriction.pk, "page_id": other.pages["private page"].pk}
            yield Filling(owner, f"{side.word} page restriction, {other.word} private page", kwargs)


def fill_documents_positionally(world):
    for side, label, doc in _documents(world):
        yield Filling(side.word, f"{side.word} {label}", args=(doc.pk, doc.filename))


def fill_page_paths(world):
    for side in world:
        for label, page in side.pages.items():
            yield Filling(side.word, f"{side.word} {label}", args=(page_path(page),))
        yield Filling(side.word, f"{side.word} redirect", args=(side.redirect.old_path.lstrip("/") + "/",))


def fill_nothing(world):
    """A route without parameters: as it is, and searched for each clinic's word (a search page echoing the word
    back shows no marker: markers are whole titles and names)."""
    yield Filling("", "no parameters")
    for side in world:
        yield Filling("", f"searched for {side.word!r}", query=f"?q={side.word}")


def fill_form_pages(world):
    """The form-token endpoint: each clinic's pages, by id in the query (each is asked on every host)."""
    for side in world:
        for label, page in side.pages.items():
            yield Filling(side.word, f"{side.word} {label}", query=f"?page={page.pk}")


# Routes whose parameters are in the query string, by URL name.
QUERY_FILLERS = {"form_tokens": fill_form_pages}
# Named URL parameters, as a set, and how to fill them.
FILLERS = {
    frozenset(): fill_nothing,
    frozenset({"document_id", "document_filename"}): fill_documents,
    frozenset({"restriction_id"}): fill_collection_restrictions,
    frozenset({"page_view_restriction_id", "page_id"}): fill_page_restrictions,
}
# Patterns with unnamed groups, by URL name.
POSITIONAL_FILLERS = {
    "wagtaildocs_serve": fill_documents_positionally,
    "wagtail_serve": fill_page_paths,
}


# --- The routes ---------------------------------------------------------------------------------------------------


@dataclass
class Route:
    label: str
    filler: object = None  # world -> Fillings; None when the route cannot be filled
    why_not: str = ""
    urls: list = field(default_factory=list)  # (Filling, url)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def resolver_routes():
    """Every URL pattern outside the admin, in resolver order, each with its filler."""
    routes = []
    for route, entry in _walk(get_resolver().url_patterns):
        if route.startswith(ADMIN_PREFIX):
            continue
        regex = entry.pattern.regex
        named = frozenset(regex.groupindex)
        label = f"{entry.name or entry.callback.__name__} {route}"
        if regex.groups > len(named) and not named:
            filler = POSITIONAL_FILLERS.get(entry.name)
            why = "" if filler else f"{regex.groups} unnamed parameter(s): add its name to POSITIONAL_FILLERS"
        else:
            filler = QUERY_FILLERS.get(entry.name) or FILLERS.get(named)
            why = "" if filler else f"parameters {sorted(named)}: add them to FILLERS"

        def build(filling, entry=entry):
            target = entry.name or entry.callback
            return reverse(target, args=filling.args or None, kwargs=filling.kwargs or None) + filling.query

        routes.append((Route(label, filler, why), build))
    return routes


def page_sub_routes(world):
    """Every sub-route of every routable page type, filled with each clinic's pages of that type."""
    routes = []
    for model in get_page_models():
        if not issubclass(model, RoutablePageMixin):
            continue
        pages = [
            (side, label, page.specific)
            for side in world
            for label, page in side.pages.items()
            if type(page.specific) is model
        ]
        for pattern in model.get_subpage_urls():
            route = Route(f"{model.__name__} sub-route {pattern.name or pattern.callback.__name__} '{pattern.pattern}'")
            if pattern.pattern.regex.groups:
                route.why_not = "a sub-route with parameters: teach page_sub_routes() to fill them"
            elif not pages:
                route.why_not = f"no {model.__name__} in the test data: add one to build_public_clinic()"
            else:
                for side, label, page in pages:
                    url = "/" + page_path(page) + page.reverse_subpage(pattern.name)
                    route.urls.append((Filling(side.word, f"{side.word} {label}"), url))
            routes.append(route)
    return routes


def all_routes(world):
    """Every public route with its URLs filled from both clinics' objects."""
    routes = []
    for route, build in resolver_routes():
        if route.filler is not None:
            route.urls = [(filling, build(filling)) for filling in route.filler(world)]
        routes.append(route)
    return routes + page_sub_routes(world)


# --- Requests and checks ------------------------------------------------------------------------------------------


def hosts(world):
    """(host, whose markers it may show): each clinic's own, the platform host's and an unknown host's none."""
    return [(side.clinic.site.hostname, side.word) for side in world] + [(PLATFORM_HOST, ""), (UNKNOWN_HOST, "")]


def answer_text(response):
    """Every header and the body, as a visitor would read them (the body of a downloaded file included)."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return headers + "\n" + response_text(response)


def shown_markers(text, markers):
    lowered = text.lower()
    return [marker for marker in markers if marker.lower() in lowered]


class PublicRoutesSummary:
    """A pytest plugin printing what the public-routes check covered, in the terminal summary."""

    name = "clinic-isolation-public-routes-summary"

    def __init__(self):
        self.line = ""

    def summary_lines(self):
        return [("clinic isolation: public routes", self.line)] if self.line else []


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
    assert not unfillable, "Public routes the check cannot fill (teach tests/isolation/test_public_routes.py):\n  " + (
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
