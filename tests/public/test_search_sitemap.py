"""Search, sitemap.xml and robots.txt each belong to one clinic: nothing of another clinic, nothing unpublished.

These tests also run on PostgreSQL (full-text search with stemming), so they search for whole, distinctive words
and assert on which pages are found, never on scores or on SQLite's matching rules. Wagtail updates the search index
in a background task; the test settings run tasks immediately, so a page is searchable as soon as it is saved.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from tests.factories import ClinicFactory, ContactPageFactory, ProcedurePageFactory, RecoveryGuidancePageFactory

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


# What each clinic's procedure page and its recovery page say: words the other clinic never uses.
KYPHOPLASTY = (
    "Kyphoplasty restores the height of a collapsed bone in the spine.",
    "Most people walk the same day after kyphoplasty.",
)
RHIZOTOMY = (
    "Rhizotomy calms the nerve that carries pain from a facet joint.",
    "Some people feel a sunburn-like tingle after rhizotomy.",
)


def clinic_pages(clinic, procedure, summaries, town):
    """A procedure page, its recovery page and a contact page in `clinic`."""
    procedure_summary, recovery_summary = summaries
    procedure_page = ProcedurePageFactory(parent=clinic.home_page, title=procedure, summary=procedure_summary)
    recovery_page = RecoveryGuidancePageFactory(
        parent=procedure_page, title=f"What to expect after {procedure.lower()}", summary=recovery_summary
    )
    contact_page = ContactPageFactory(
        parent=clinic.home_page, title="Contact us", search_description=f"Write to the {town} front desk."
    )
    return procedure_page, recovery_page, contact_page


@pytest.fixture
def content(clinics):
    """Procedure, recovery and contact pages in both clinics; each clinic has words the other never uses."""
    clinic_a, clinic_b = clinics
    a_procedure, a_recovery, a_contact = clinic_pages(clinic_a, "Kyphoplasty", KYPHOPLASTY, "Alphaville")
    b_procedure, b_recovery, b_contact = clinic_pages(clinic_b, "Rhizotomy", RHIZOTOMY, "Betatown")
    return SimpleNamespace(
        clinic_a=clinic_a,
        clinic_b=clinic_b,
        a_procedure=a_procedure,
        a_recovery=a_recovery,
        a_contact=a_contact,
        b_procedure=b_procedure,
        b_recovery=b_recovery,
        b_contact=b_contact,
    )


def search(client, clinic, query, **params):
    return client.get(reverse("search"), {"q": query, **params}, HTTP_HOST=clinic.site.hostname)


def found(response):
    """The pages on the returned results page, as plain ids."""
    return [page.pk for page in response.context["search_results"]]


def sitemap_locations(response):
    root = ElementTree.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def in_tree(page_ids, clinic):
    return set(page_ids) <= set(Page.objects.in_site(clinic.site).values_list("pk", flat=True))


# Search


def test_search_shows_title_summary_and_link_of_the_clinics_own_pages(content, client):
    response = search(client, content.clinic_a, "kyphoplasty")
    assert response.status_code == 200
    assert set(found(response)) == {content.a_procedure.pk, content.a_recovery.pk}
    html = response.content.decode()
    assert '<a href="/kyphoplasty/">Kyphoplasty</a>' in html
    assert '<a href="/kyphoplasty/what-to-expect-after-kyphoplasty/">What to expect after kyphoplasty</a>' in html
    assert "Kyphoplasty restores the height of a collapsed bone in the spine." in html
    assert "2 pages match “kyphoplasty”" in html


def test_a_page_without_a_summary_shows_its_search_description(content, client):
    response = search(client, content.clinic_a, "contact")
    assert found(response) == [content.a_contact.pk]
    html = response.content.decode()
    assert "Write to the Alphaville front desk." in html
    assert "1 page matches “contact”." in html


def test_search_never_returns_another_clinics_pages(content, client):
    a, b = content.clinic_a, content.clinic_b
    # Words only the other clinic uses: in a title, in a summary, and its name (the title of its home page).
    only_b = ["rhizotomy", "sunburn", "Spinal Diagnostics"]
    only_a = ["kyphoplasty", "collapsed", "ASCPM"]
    for clinic, words in ((a, only_b), (b, only_a)):
        for word in words:
            response = search(client, clinic, word)
            assert found(response) == [], (clinic.site.hostname, word)
            assert "No pages match" in response.content.decode()
    # A word both clinics use finds each clinic's own pages only.
    for clinic, other in ((a, b), (b, a)):
        response = search(client, clinic, "facet")
        assert found(response)
        assert in_tree(found(response), clinic)
        assert other.site.hostname not in response.content.decode()


def test_drafts_unpublished_and_private_pages_never_appear(content, client):
    clinic_a = content.clinic_a
    ProcedurePageFactory(parent=clinic_a.home_page, title="Vertebroplasty", live=False)
    withdrawn = ProcedurePageFactory(parent=clinic_a.home_page, title="Discectomy")
    withdrawn.unpublish()
    private = ProcedurePageFactory(parent=clinic_a.home_page, title="Sacroiliac fusion")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="staff-only")
    # A live page's unpublished draft: its new words stay out of search until it is published.
    content.a_procedure.summary = "Coccygectomy wording that is still in draft."
    content.a_procedure.save_revision()

    for word in ("vertebroplasty", "discectomy", "sacroiliac", "coccygectomy"):
        assert found(search(client, clinic_a, word)) == [], word
    # The page itself is still found, with its published summary.
    response = search(client, clinic_a, "kyphoplasty")
    assert content.a_procedure.pk in found(response)
    assert "Kyphoplasty restores the height" in response.content.decode()
    assert "Coccygectomy" not in response.content.decode()


def test_a_page_is_found_once_published_and_not_after_it_is_unpublished(clinic_a, client):
    page = ProcedurePageFactory(parent=clinic_a.home_page, title="Epiduroscopy", live=False)
    assert found(search(client, clinic_a, "epiduroscopy")) == []

    page.save_revision().publish()
    assert found(search(client, clinic_a, "epiduroscopy")) == [page.pk]

    page.refresh_from_db()  # publish() worked on a copy; unpublish() does nothing to a page it believes is a draft
    page.unpublish()
    assert found(search(client, clinic_a, "epiduroscopy")) == []


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_asks_for_words_and_lists_nothing(content, client, query):
    response = search(client, content.clinic_a, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Type a word or two" in html
    assert 'class="search-results"' not in html
    assert "<title>Search | ASCPM</title>" in html
    assert "<h1>Search ASCPM</h1>" in html


def test_the_query_is_echoed_escaped(content, client):
    query = '<script>alert("x")</script>'
    html = search(client, content.clinic_a, query).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<title>Search results for “&lt;script&gt;" in html
    # Both search boxes (header and page) keep the words, so the visitor can change them.
    assert html.count('value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"') == 2


UNUSUAL_QUERIES = [
    '"',
    '"kyphoplasty',
    'say "facet joint" please',
    "'",
    "it's",
    "*",
    "kyphoplasty*",
    "AND",
    "OR NOT",
    "-kyphoplasty",
    "-",
    "- -",
    "\u2014",
    "(",
    "NEAR(a b)",
    ":",
    "facet:*",
    "^",
    "\\",
    "100%",
    "%s %(x)s",
    "a\x00b",
    "!!!",
    "the",
    "\u00e9paule",
    "x" * 5000,
]


def test_unusual_queries_are_answered_not_errors(content, client):
    # Search syntax of the database engines (FTS5, tsquery), quotes, format strings, NUL: all just words here.
    for query in UNUSUAL_QUERIES:
        assert search(client, content.clinic_a, query).status_code == 200, repr(query)


def test_quoted_and_hyphenated_words_are_still_found_and_echoed_as_typed(content, client):
    response = search(client, content.clinic_a, '"kyphoplasty"')
    assert set(found(response)) == {content.a_procedure.pk, content.a_recovery.pk}
    assert "match “&quot;kyphoplasty&quot;”" in response.content.decode()
    # "Live X-ray guides the needle." is in every procedure page's text (tests.factories).
    assert found(search(client, content.clinic_a, "x-ray")) == [content.a_procedure.pk]


def test_a_query_without_words_finds_nothing(content, client):
    response = search(client, content.clinic_a, "?! --")
    assert found(response) == []
    assert "No pages match “?! --”" in response.content.decode()


def test_results_are_paginated_ten_a_page(clinics, client):
    clinic_a, clinic_b = clinics
    for n in range(23):
        ProcedurePageFactory(parent=clinic_a.home_page, title=f"Discography {n}")
    for n in range(5):
        ProcedurePageFactory(parent=clinic_b.home_page, title=f"Discography {n}")

    pages = [search(client, clinic_a, "discography", page=number) for number in (1, 2, 3)]
    assert [len(found(response)) for response in pages] == [10, 10, 3]
    every_result = [pk for response in pages for pk in found(response)]
    assert len(set(every_result)) == 23
    assert in_tree(every_result, clinic_a)

    first = pages[0].content.decode()
    assert "23 pages match “discography”, showing 1 to 10." in first
    assert 'href="?q=discography&amp;page=2"' in first
    assert "Page 1 of 3" in first
    assert 'rel="prev"' not in first
    assert '<ol class="search-results" start="11">' in pages[1].content.decode()
    assert "<title>Search results for “discography” (page 2) | ASCPM</title>" in pages[1].content.decode()

    # A page number that is not a number shows the first page; one past the end shows the last.
    assert found(search(client, clinic_a, "discography", page="abc")) == found(pages[0])
    assert found(search(client, clinic_a, "discography", page="99")) == found(pages[2])
    assert found(search(client, clinic_a, "discography", page="-1")) == found(pages[2])


def test_the_header_search_box_submits_to_the_search_page(clinic_a, client):
    html = client.get("/", HTTP_HOST=clinic_a.site.hostname).content.decode()
    assert f'action="{reverse("search")}"' in html


# Sitemap and robots.txt


def test_the_sitemap_lists_only_the_clinics_live_public_pages_on_its_hostname(content, client):
    clinic_a = content.clinic_a
    ProcedurePageFactory(parent=clinic_a.home_page, title="Vertebroplasty", live=False)
    private = ProcedurePageFactory(parent=clinic_a.home_page, title="Sacroiliac fusion")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="staff-only")

    response = client.get(reverse("sitemap"), HTTP_HOST="ascpm.test")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = sitemap_locations(response)
    assert sorted(locations) == [
        "http://ascpm.test/",
        "http://ascpm.test/contact-us/",
        "http://ascpm.test/kyphoplasty/",
        "http://ascpm.test/kyphoplasty/what-to-expect-after-kyphoplasty/",
    ]
    assert "spinaldiagnostics" not in response.content.decode()


def test_each_clinic_has_its_own_sitemap(content, client):
    locations = sitemap_locations(client.get(reverse("sitemap"), HTTP_HOST="spinaldiagnostics.test"))
    assert {urlsplit(location).netloc for location in locations} == {"spinaldiagnostics.test"}
    assert "http://spinaldiagnostics.test/rhizotomy/" in locations
    assert not any("kyphoplasty" in location for location in locations)


def test_robots_txt_allows_crawling_and_names_the_clinics_sitemap(clinics, client):
    for clinic, other in (clinics, reversed(clinics)):
        response = client.get("/robots.txt", HTTP_HOST=clinic.site.hostname)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert lines[:4] == ["User-agent: *", "Allow: /", "Disallow: /admin/", "Disallow: /search/"]
        assert f"Sitemap: http://{clinic.site.hostname}/sitemap.xml" in lines
        assert other.site.hostname not in response.content.decode()


def test_a_clinic_created_with_port_443_gets_https_sitemap_urls(db, client):
    clinic = ClinicFactory(name="Secure Spine", hostname="securespine.test", port=443)
    ProcedurePageFactory(parent=clinic.home_page, title="Kyphoplasty")
    # Behind a TLS proxy the app itself may be reached on another port; the hostname alone picks the clinic.
    locations = sitemap_locations(client.get("/sitemap.xml", HTTP_HOST="securespine.test"))
    assert sorted(locations) == ["https://securespine.test/", "https://securespine.test/kyphoplasty/"]
    robots = client.get("/robots.txt", HTTP_HOST="securespine.test").content.decode()
    assert "Sitemap: https://securespine.test/sitemap.xml" in robots.splitlines()


@pytest.mark.parametrize("path", ["/search/?q=kyphoplasty", "/sitemap.xml", "/robots.txt"])
@pytest.mark.parametrize("host", ["unknown.example.org", "testserver"])
def test_an_unknown_or_platform_host_gets_a_404_naming_no_clinic(content, client, path, host):
    # Even with a clinic as Wagtail's default site, which Wagtail's own sitemap would fall back to.
    content.clinic_a.site.is_default_site = True
    content.clinic_a.site.save()
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 404
    body = response.content.decode()
    assert "No clinic at this address" in body
    for hostname in ("ascpm", "spinaldiagnostics", "kyphoplasty", "rhizotomy"):
        assert hostname not in body.lower()


# Query counts: fixed, whatever the number of clinics and pages.

# What a request costs does not depend on how many clinics or pages there are, only on how many page types are on
# the page: `.specific()` loads each type's rows in one query. These pages use four types (home, procedure, recovery
# guidance, contact); search results here show the last three.
PAGE_TYPES_IN_SEARCH_RESULTS = 3
PAGE_TYPES_IN_SITEMAP = 4
# Host lookup, view restrictions (for .public()), result count, results; base.html: clinic settings, and the menu's
# view restrictions and pages.
SEARCH_MAX_QUERIES = 7 + PAGE_TYPES_IN_SEARCH_RESULTS
# Host lookup, view restrictions, page count, pages.
SITEMAP_MAX_QUERIES = 4 + PAGE_TYPES_IN_SITEMAP


@pytest.fixture(params=[2, 20], ids=["2-clinics", "20-clinics"])
def many_clinics(request, db):
    """`request.param` clinics, all with pages about facet joints; the last has 13, of three types (2 results pages)."""
    built = [ClinicFactory() for _ in range(request.param)]
    for clinic in built:
        procedures = 6 if clinic is built[-1] else 1
        for n in range(procedures):
            procedure = ProcedurePageFactory(parent=clinic.home_page, title=f"Facet joint injections {n}")
            RecoveryGuidancePageFactory(parent=procedure, title=f"After facet joint injections {n}")
        ContactPageFactory(parent=clinic.home_page, title="Facet joint questions")
    return built


def test_search_results_take_a_fixed_number_of_queries(many_clinics, client, django_assert_max_num_queries):
    clinic = many_clinics[-1]
    search(client, clinic, "facet")  # warm Wagtail's site-root cache, as any earlier request would
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES):
        response = search(client, clinic, "facet")
    assert len(found(response)) == 10
    assert response.context["search_results"].paginator.count == 13
    assert in_tree(found(response), clinic)


def test_the_sitemap_takes_a_fixed_number_of_queries(many_clinics, client, django_assert_max_num_queries):
    clinic = many_clinics[-1]
    client.get("/sitemap.xml", HTTP_HOST=clinic.site.hostname)
    with django_assert_max_num_queries(SITEMAP_MAX_QUERIES):
        response = client.get("/sitemap.xml", HTTP_HOST=clinic.site.hostname)
    assert len(sitemap_locations(response)) == 14
