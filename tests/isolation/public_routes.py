"""The public-routes check's parts (test_public_routes.py): both clinics' public objects, the fillings of every
route's parameters from them, the route walk (Django's resolver and the routable pages' sub-routes) and the
checks of an answer."""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import CollectionViewRestriction, PageViewRestriction, get_page_models

from pages.models import ArticlePage, GeneralPage, NewsIndexPage
from tests.factories import (
    ContactPageFactory,
    PatientMessageFactory,
    ProcedurePageFactory,
    RecoveryGuidancePageFactory,
)
from tests.isolation.responses import response_text

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
