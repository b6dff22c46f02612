"""Clinic isolation, proven by a generated permission matrix (issue 5).

Two clinics are built with one object of every kind; every string of clinic B carries the marker "Zebra-B". Then,
for each role of clinic A (editors, medical reviewers, moderators):
- every admin URL pattern Django's resolver knows is requested, GET and POST, with its parameters filled from clinic
  B's objects (plus searches, filters by clinic B's ids, exports and bulk-action selections of listings);
- the admin is crawled from the dashboard, following every admin link the role is shown.
No response may contain the marker; a URL naming a clinic-B object must be refused (403/404/405, or a redirect away
from the object: the dashboard, the login page, the user's own pages); no request may change clinic B's rows or create
anything from them. Every listing, report and export must also read the same once clinic B's content is deleted,
which catches what carries no marker: counts, ids, rows.

Controls prove each check can fail: a network admin sees the markers, reaches every URL the matrix builds, sees the
listings change without clinic B's content, and changes clinic B's objects with the matrix's POST body. Own-clinic
checks prove staff are not locked out of their own work.

The URL list comes from the resolver, so a new admin view is in the matrix the day it is added: it is requested
with clinic B's objects, or, when the matrix cannot fill its parameters, `test_every_admin_url_is_in_the_matrix`
says which. Problems are collected per role and admin area and reported together.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from tests.isolation.cases import CaseBuilder
from tests.isolation.checks import Checker
from tests.isolation.crawl import crawl
from tests.isolation.differential import differential_cases, differential_problems
from tests.isolation.patterns import EXCLUDED, admin_patterns
from tests.isolation.payloads import post_payload
from tests.isolation.responses import marker_hits, response_text
from tests.isolation.rows import clinic_snapshot, payload_traces, snapshot_diff
from tests.isolation.world import A_PREFIX, B_PREFIX, ROLES, SEARCH_TERM

pytestmark = pytest.mark.sweep

# Admin areas (first path segment under /admin/), read from the resolver when the tests are collected.
SURFACES = sorted({pattern.surface for pattern in admin_patterns() if pattern.label not in EXCLUDED})
CRAWL_LIMIT = 300


class MatrixSummary:
    """A pytest plugin printing what the matrix checked in the terminal summary (shown without -s)."""

    name = "clinic-isolation-matrix-summary"

    def __init__(self, world, patterns, cases):
        self.stats = world.stats
        self.patterns = patterns
        self.cases = cases
        self.objects = len(world.b.objects())

    def summary_lines(self):
        stats = self.stats
        if not stats["requests GET"] and not stats["requests POST"]:
            return []
        about_b = sum(1 for case in self.cases if case.must_refuse)
        line = (
            f"{len(self.patterns)} admin URL patterns ({len(EXCLUDED)} excluded with a reason) -> "
            f"{len(self.cases)} URLs ({about_b} naming one of {self.objects} clinic-B objects, the rest listings, "
            f"searches, filters, exports and bulk selections) x {len(ROLES)} clinic-A roles; "
            f"{stats['crawled']} admin pages crawled; {stats['compared']} listings compared with and without "
            f"clinic B's content; {stats['requests GET']} GET + {stats['requests POST']} POST requests; "
            f"{stats['problems']} problems."
        )
        return [("clinic isolation matrix", line)]


@pytest.fixture(scope="module")
def matrix(request, world, django_db_blocker):
    """(cases, unfillable patterns, patterns covered), built once; registers the summary printed at the end."""
    with django_db_blocker.unblock():
        builder = CaseBuilder(world)
        cases, unfillable = builder.build()
    plugin = MatrixSummary(world, admin_patterns(), cases)
    manager = request.config.pluginmanager
    if not manager.has_plugin(MatrixSummary.name):
        manager.register(plugin, MatrixSummary.name)
    return cases, unfillable, builder.covered


def _report(world, role, what, problems):
    world.stats["problems"] += len(problems)
    listing = "\n  ".join(problems)
    return f"{len(problems)} isolation problem(s) for clinic A's {role}, {what}:\n  {listing}"


# --- The matrix is complete ---------------------------------------------------------------------------------------


def test_every_admin_url_is_in_the_matrix(db, matrix):
    _cases, unfillable, covered = matrix
    labels = {pattern.label for pattern in admin_patterns()}

    stale = sorted(set(EXCLUDED) - labels)
    missing = sorted(labels - covered - set(EXCLUDED) - set(unfillable))

    assert not unfillable, "Admin URL patterns the matrix cannot fill (teach tests/isolation/cases.py):\n  " + (
        "\n  ".join(f"{label}: {why}" for label, why in sorted(unfillable.items()))
    )
    assert not missing, f"Admin URL patterns without a single case: {missing}"
    assert not stale, f"EXCLUDED names patterns that no longer exist: {stale}"


# --- Controls: the checks can fail ----------------------------------------------------------------------------------


def _superuser_controls(world):
    b = world.b
    return [
        reverse("wagtailadmin_pages:search") + f"?q={SEARCH_TERM}",
        reverse("wagtailadmin_pages:edit", args=[b.procedure.pk]),
        reverse("wagtailimages:index") + f"?q={SEARCH_TERM}",
        reverse("wagtaildocs:index"),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:site_history") + "?export=csv",
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailforms:list_submissions", args=[b.contact.pk]),
        reverse("wagtailforms:list_submissions", args=[b.contact.pk]) + "?export=xlsx",
        reverse("wagtailsettings:edit", args=["pages", "clinicsettings", b.site.pk]),
        reverse("patient_messages:index"),
        reverse("wagtailadmin_tag_autocomplete") + "?term=zebra",
    ]


def test_control_network_admin_sees_clinic_b_everywhere_the_matrix_looks(client, db, world):
    """The marker is findable: search indexes, exports and listings do show clinic B to someone allowed."""
    client.force_login(world.superuser)
    blind = [url for url in _superuser_controls(world) if not marker_hits(response_text(client.get(url)))]
    assert not blind, f"The network admin sees no {B_PREFIX} marker on: {blind}"


@pytest.mark.parametrize(
    "url_name, target",
    [
        ("wagtailadmin_pages:edit", "procedure"),
        ("wagtailadmin_pages:edit", "recovery"),
        ("wagtailadmin_pages:edit", "contact"),
        ("wagtailadmin_pages:edit", "home"),
        ("wagtailadmin_pages:copy", "procedure"),
        ("wagtailadmin_pages:lock", "procedure"),
        ("wagtailadmin_pages:delete", "recovery"),
        ("wagtailimages:edit", "image"),
        ("wagtaildocs:edit", "document"),
        ("wagtailsettings:edit", "settings"),
        ("patient_messages:edit", "message"),
    ],
)
def test_control_the_post_body_changes_clinic_b_when_allowed(client, db, world, url_name, target):
    """A network admin's POST of the matrix's body changes the object: 'nothing changed' is a real result."""
    b = world.b
    args = {
        "image": [b.image.pk],
        "document": [b.document.pk],
        "settings": ["pages", "clinicsettings", b.site.pk],
        "message": [b.message.pk],
    }.get(target) or [b.pages[target].pk]
    url = reverse(url_name, args=args)
    client.force_login(world.superuser)
    before, traces = clinic_snapshot(b), payload_traces()
    with transaction.atomic():
        response = client.post(url, post_payload(world, admin_pattern(url_name)))
        changed = snapshot_diff(before, clinic_snapshot(b)) or snapshot_diff(traces, payload_traces())
        transaction.set_rollback(True)
    assert changed, f"POST {url} as a network admin changed nothing (status {response.status_code})"


# Patterns that answer 404 to everyone in this project, whatever the object: checking them proves nothing either way,
# so the control below does not require them to be reachable (and fails once they are, so this list stays true).
UNREACHABLE_FOR_ALL = {
    "pages_library_master": "filled with clinic B's pages (its adopted copy among them): no clinic page is a master",
    "pages_library_adopt": "filled with clinic B's pages (its adopted copy among them): no clinic page is a master",
    "wagtailsettings:preview_on_edit": "ClinicSettings has no preview (it is not a PreviewableMixin model)",
    "wagtailimages:url_generator": "no image serve view is configured (wagtail.images.views.serve)",
    "wagtailimages:url_generator_output": "no image serve view is configured (wagtail.images.views.serve)",
}


def test_control_network_admin_reaches_every_url_naming_clinic_b(client, db, world, matrix):
    """The matrix fills each pattern with ids that make sense together: a network admin reaches at least one of its
    clinic-B URLs. Otherwise '404 for clinic A's staff' would only mean 'no such object'."""
    cases, _unfillable, _covered = matrix
    client.force_login(world.superuser)
    client.raise_request_exception = False
    by_pattern = {}
    for case in cases:
        if case.must_refuse:
            by_pattern.setdefault(case.pattern.label, []).append(case)

    unreachable = []
    for label, pattern_cases in sorted(by_pattern.items()):
        statuses = []
        for case in pattern_cases:
            with transaction.atomic():
                status = client.get(case.url).status_code
                if status == 405:  # POST-only: the object is looked up on POST
                    status = client.post(case.url, post_payload(world, case.pattern)).status_code
                transaction.set_rollback(True)
            cache.clear()
            statuses.append(status)
            if status not in {404, 405}:
                break
        reached = any(status not in {404, 405} for status in statuses)
        if reached == (label in UNREACHABLE_FOR_ALL):
            unreachable.append(
                f"{label}: statuses {statuses}" + (" (listed in UNREACHABLE_FOR_ALL)" if reached else "")
            )

    assert not unreachable, "Clinic-B URLs even a network admin cannot reach (fix their filling):\n  " + "\n  ".join(
        unreachable
    )


def test_control_the_comparison_sees_clinic_b_content(client, db, world, matrix):
    """For a network admin, listings do change when clinic B's content goes: the comparison is not blind."""
    cases, _unfillable, _covered = matrix
    urls = {
        reverse("wagtailadmin_pages:search"),
        reverse("wagtailimages:index"),
        reverse("wagtaildocs:index") + "?export=csv",
        reverse("wagtailadmin_reports:site_history"),
        reverse("patient_messages:index"),
        reverse("wagtailforms:index"),
    }
    chosen = [case for case in differential_cases(cases) if case.url in urls]
    client.force_login(world.superuser)
    client.raise_request_exception = False

    problems = differential_problems(client, world, "network admin", chosen)

    assert len(chosen) == len(urls)
    blind = sorted(urls - {problem.split(" ")[1] for problem in problems})
    assert not blind, f"Removing clinic B's content changes nothing the network admin sees on: {blind}"


def admin_pattern(name):
    return next(pattern for pattern in admin_patterns() if pattern.name == name)


# --- The matrix ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("role", ROLES)
def test_clinic_b_is_invisible_and_untouchable(client, db, world, matrix, role, surface):
    cases, _unfillable, _covered = matrix
    mine = [case for case in cases if case.pattern.surface == surface]
    client.force_login(world.a.users[role])
    checker = Checker(client, world, role)

    for case in mine:
        checker.run(case, "GET")
        if case.post:
            checker.run(case, "POST")

    assert not checker.problems, _report(world, role, f"admin area '{surface}' ({len(mine)} URLs)", checker.problems)


@pytest.mark.parametrize("role", ROLES)
def test_crawl_from_the_dashboard_shows_nothing_of_clinic_b(client, db, world, matrix, role):
    client.force_login(world.a.users[role])
    checker = Checker(client, world, role)

    visited = crawl(checker, limit=CRAWL_LIMIT)
    world.stats["crawled"] += len(visited)

    assert len(visited) > 5, f"The crawl reached only {visited}: is the dashboard broken for {role}?"
    assert not checker.problems, _report(world, role, f"crawl of {len(visited)} admin pages", checker.problems)


# --- Own clinic: the seal does not lock staff out -------------------------------------------------------------------


def _own_clinic_checks(world):
    a = world.a
    return {
        "editors": [
            (reverse("wagtailadmin_pages:edit", args=[a.procedure.pk]), f"{A_PREFIX}-ProcedurePage"),
            (reverse("wagtailadmin_explore", args=[a.home.pk]), f"{A_PREFIX}-ProcedurePage"),
            (reverse("wagtailadmin_choose_page_child", args=[a.home.pk]), f"{A_PREFIX}-ProcedurePage"),
            (reverse("wagtailadmin_pages:search") + "?q=Aardvark", f"{A_PREFIX}-ProcedurePage"),
            (reverse("wagtailimages:edit", args=[a.image.pk]), f"{A_PREFIX}-Image"),
            (reverse("wagtailimages:index"), f"{A_PREFIX}-Image"),
            (reverse("wagtailimages_chooser:choose"), f"{A_PREFIX}-Image"),
            (reverse("wagtaildocs:edit", args=[a.document.pk]), f"{A_PREFIX}-Document"),
            (reverse("wagtaildocs_chooser:choose"), f"{A_PREFIX}-Document"),
        ],
        "medical reviewers": [
            (reverse("wagtailsettings:edit", args=["pages", "clinicsettings", a.site.pk]), f"{A_PREFIX}-Clinic"),
            (reverse("wagtailadmin_pages:edit", args=[a.recovery.pk]), f"{A_PREFIX}-RecoveryPage"),
            (
                reverse(
                    "wagtailadmin_pages:collect_workflow_action_data",
                    args=[a.recovery.pk, "approve", a.task_state.pk],
                ),
                "",
            ),
            (reverse("wagtailadmin_home"), f"{A_PREFIX}-RecoveryPage"),
            (reverse("wagtailadmin_reports:locked_pages"), f"{A_PREFIX}-ContactPage"),
        ],
        "moderators": [
            (reverse("wagtailforms:index"), f"{A_PREFIX}-ContactPage"),
            (reverse("wagtailforms:list_submissions", args=[a.contact.pk]), f"{A_PREFIX}-Submitter"),
            (reverse("wagtailforms:list_submissions", args=[a.contact.pk]) + "?export=csv", f"{A_PREFIX}-Submitter"),
            (reverse("patient_messages:index"), f"{A_PREFIX}-Patient"),
            (reverse("patient_messages:inspect", args=[a.message.pk]), f"{A_PREFIX}-MessageBody"),
        ],
    }


@pytest.mark.parametrize("role", ROLES)
def test_own_clinic_staff_keep_their_access(client, db, world, role):
    client.force_login(world.a.users[role])
    problems = []
    for url, expected in _own_clinic_checks(world)[role]:
        response = client.get(url)
        text = response_text(response)
        if response.status_code != 200:
            problems.append(f"GET {url}: {response.status_code}, expected 200")
        elif expected and expected.lower() not in text.lower():
            problems.append(f"GET {url}: 200 but {expected!r} is not shown")
    assert not problems, f"Clinic A's {role} are locked out of their own clinic:\n  " + "\n  ".join(problems)


# --- Counts and anything else that is not a marker ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_listings_read_the_same_with_or_without_clinic_b(client, db, world, matrix, role):
    """A count ('2 pages'), an id or a row without a name still shows clinic B's content: render every listing,
    report, export and 'select all' as it is and again with clinic B's content deleted, and compare."""
    cases, _unfillable, _covered = matrix
    client.force_login(world.a.users[role])
    client.raise_request_exception = False

    compared = differential_cases(cases)
    world.stats["compared"] += len(compared)

    problems = differential_problems(client, world, role, compared)

    assert not problems, _report(world, role, "listings with and without clinic B", problems)
