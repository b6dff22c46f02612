"""Every admin URL the isolation matrix builds with clinic B's pages, images and documents answers as a missing id
does (pages/isolation/ids.py); the focused cases are in test_same_as_missing.py."""

from urllib.parse import urlsplit

import pytest
from django.urls import get_resolver, reverse

from pages.isolation import ids
from tests.isolation.cases import CaseBuilder
from tests.isolation.patterns import _kind_of, admin_patterns, namespace_models
from tests.isolation.payloads import post_payload
from tests.isolation.test_same_as_missing import MISSING, answer, comparable
from tests.isolation.world import ROLES

pytestmark = pytest.mark.sweep

# --- Every admin URL the matrix builds with clinic B's pages, images and documents ------------------------------


ID_KINDS = {"page", "destination", "image", "document"}
# The admin API's image and document endpoints answer network admins only: 403 for staff, whatever the id.
REFUSALS = {403, 404}
# Admin URL parameters that name something other than a page, image or document: the seal leaves them to the views
# (the matrix proves each refuses clinic B's). A new id-like parameter must be added here or taught to
# pages/isolation/ids.py, so it is decided the day it appears.
NOT_SEALED_HERE = {
    "master_id": "a procedure library master, shared by design: pages/library/access.py answers 404 for anything "
    "but a published master",
    "adoption_id": "a library adoption: pages/library/access.py answers 404 for one of a clinic the user cannot edit",
    "revision_id": "a revision, in URLs that also name its page (sealed by the page's id)",
    "revision_id_a": "a revision (or earliest/live), next to its page's id",
    "revision_id_b": "a revision (or latest/live), next to its page's id",
    "task_state_id": "a task state, next to its page's id",
    "workflow_state_id": "a workflow state, next to its page's id",
    "task_id": "a workflow task: the task chooser (network admins only) or next to its page's id",
    "workflow_pk": "a workflow, next to the page id of workflows:remove (network admins only)",
    "collection_id": "a collection's privacy: its view checks the collection permission",
    "redirect_id": "a redirect: managed by network admins",
    "session_id": "an editing session, next to the object it edits or looked up among the user's own",
    "uploaded_file_id": "an upload in progress",
    "pk": "a model its URL's namespace names (messages, sites, users, groups, workflows, tasks, collections), "
    "unless ids.PK_NAMESPACES says it is a page, image or document",
    "object_id": "an object of the model the same URL names: ids.kind_of() decides per request",
}


def test_every_admin_id_parameter_is_sealed_or_said_to_name_something_else():
    unknown = {}
    for pattern in admin_patterns():
        for param in pattern.params:
            id_like = param in {"pk", "id"} or param.endswith(("_id", "_pk"))
            if id_like and param not in ids.PARAMETER_KINDS and param not in NOT_SEALED_HERE:
                unknown.setdefault(param, pattern.label)
    assert not unknown, f"Admin URL parameters neither sealed nor explained (ids.py or NOT_SEALED_HERE): {unknown}"


def twins(world):
    """(case, the same URL with clinic B's pages, images and documents replaced by a missing id), for every URL the
    matrix builds naming one of them."""
    patterns = admin_patterns()
    models = namespace_models(patterns)
    admin = get_resolver("wagtail.admin.urls")
    admin_root = reverse("wagtailadmin_home")
    cases, _unfillable = CaseBuilder(world).build()
    for case in cases:
        if not case.must_refuse or not case.pattern.name:
            continue
        parts = urlsplit(case.url)
        kwargs = admin.resolve("/" + parts.path.removeprefix(admin_root)).kwargs
        swapped = {
            param: MISSING
            for param, value in kwargs.items()
            if str(value) in case.b_values
            and _kind_of(case.pattern, param, models.get(case.pattern.namespace)) in ID_KINDS
        }
        if swapped:
            url = reverse(case.pattern.name, kwargs={**kwargs, **swapped})
            yield case, url + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_naming_clinic_b_answers_like_a_missing_id(client, db, world, role):
    """Status, redirect, flash messages and page (GET, and POST with the matrix's body) read exactly as for an id
    that does not exist, for every URL the matrix builds with clinic B's pages, images or documents."""
    client.force_login(world.a.users[role])
    compared, problems = 0, []
    for case, missing_url in twins(world):
        for method in ("GET", "POST") if case.post else ("GET",):
            data = post_payload(world, case.pattern) if method == "POST" else None
            theirs = answer(client, method, case.url, data)
            data = post_payload(world, case.pattern) if method == "POST" else None
            missing = answer(client, method, missing_url, data)
            compared += 1
            same = (*theirs[:3], comparable(theirs[3])) == (*missing[:3], comparable(missing[3]))
            if theirs[0] not in REFUSALS or not same:
                problems.append(
                    f"{method} {case.url} [{case.description}]: {theirs[0]} {theirs[1]} {theirs[2]}; "
                    f"a missing id: {missing[0]} {missing[1]} {missing[2]}"
                )
    assert compared > 200
    assert not problems, f"{len(problems)} of {compared} answers tell clinic B's ids from missing ones:\n  " + (
        "\n  ".join(problems)
    )
