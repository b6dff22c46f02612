"""`pages/` keeps its layout (tests/layout.py has the checker): every module in a layer, imports only from the layers
above it, no import cycle, no `apps.get_model`, no module over the line limit, no package without a docstring.

The self-tests run the checker on small fake trees, so a checker that quietly stopped seeing violations fails too.
"""

import pytest

from tests.layout import LAYERS, MAX_LINES, ROOT, _pattern_regex, _source_files, check, layer_of

# --- The real tree -------------------------------------------------------------------------------------------------

RULES = ("unclassified", "direction", "cycle", "get_model", "size", "docstring")

# Problems the tree has today, each to be fixed in pages/ and then removed from here; the test fails when an entry
# no longer matches anything, so the list can only shrink.
KNOWN = {}


@pytest.fixture(scope="module")
def problems_of_pages():
    return check(ROOT)


@pytest.mark.parametrize("rule", RULES)
def test_pages_keeps_the_layout_rule(problems_of_pages, rule):
    found = [problem for problem in problems_of_pages if problem.rule == rule]
    known = KNOWN.get(rule, set())
    new = [problem.message for problem in found if problem.key not in known]
    fixed = known - {problem.key for problem in found}
    assert not new, f"{len(new)} {rule} problem(s) in pages/:\n" + "\n".join(new)
    assert not fixed, f"fixed, so remove from KNOWN[{rule!r}] in tests/test_layout.py: {sorted(fixed)}"


def test_every_layer_pattern_still_matches_a_module():
    """A pattern left behind by a move would classify nothing, and a module added in its place would slip by."""
    relatives = [relative for relative, _path in _source_files(ROOT, "pages")]
    unused = [pattern for pattern, _layer in LAYERS if not any(_pattern_regex(pattern).fullmatch(r) for r in relatives)]
    assert not unused, f"LAYERS patterns that match no module: {unused}"


# --- The checker, on small fake trees ------------------------------------------------------------------------------

CLEAN_TREE = {
    "pages/__init__.py": '"""The app."""\n',
    "pages/antispam.py": "import time\n",
    "pages/content/__init__.py": '"""Content."""\n',
    "pages/content/procedures.py": "from pages import antispam\nfrom pages.content import blocks\n",
    "pages/content/blocks.py": "from pages.clinics.models import ClinicSettings\n",
    "pages/clinics/__init__.py": '"""Clinics."""\n',
    "pages/clinics/models.py": "from django.db import models\nfrom pages.antispam import issue_time_token\n",
    "pages/clinics/scope.py": "from .models import ClinicSettings\nfrom . import hosts\n",
    "pages/clinics/hosts.py": "from pages.clinics import models\n",
    "pages/wagtail_hooks.py": "import pages.content.procedures\n",
    "pages/migrations/__init__.py": "",
    "pages/migrations/0001_initial.py": "from pages.wagtail_hooks import anything\napps.get_model('pages', 'X')\n",
}


def fake_tree(tmp_path, files):
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def messages(problems, rule):
    return [problem.message for problem in problems if problem.rule == rule]


def test_checker_finds_nothing_wrong_in_a_tree_that_keeps_the_rules(tmp_path):
    # Relative imports, `import a.b` and `from a import module` all resolve; migrations are not read.
    assert check(fake_tree(tmp_path, CLEAN_TREE)) == []


def test_checker_reports_an_import_from_a_lower_layer_with_file_line_and_both_layers(tmp_path):
    bad = "def page_of(message):\n    from pages.content.procedures import ProcedurePage\n    return ProcedurePage\n"
    problems = check(fake_tree(tmp_path, {**CLEAN_TREE, "pages/clinics/scope.py": bad}))

    assert messages(problems, "direction") == [
        "pages/clinics/scope.py:2 (inside a function): pages.clinics.scope (layer 3, forms, services, notifications "
        "and scope) imports pages.content.procedures (layer 4, page types); a module may import only from its own "
        "layer or the layers above it (lower numbers)"
    ]


def test_checker_reports_a_relative_or_dynamic_import_from_a_lower_layer(tmp_path):
    files = {
        **CLEAN_TREE,
        "pages/clinics/models.py": "from ..content import procedures\n",
        "pages/antispam.py": "import importlib\nimportlib.import_module('pages.wagtail_hooks')\n",
    }
    found = {problem.key for problem in check(fake_tree(tmp_path, files)) if problem.rule == "direction"}

    assert found == {("pages.clinics.models", "pages.content.procedures"), ("pages.antispam", "pages.wagtail_hooks")}


def test_checker_reports_a_cycle_within_one_layer_even_through_a_function_level_import(tmp_path):
    files = {**CLEAN_TREE, "pages/clinics/hosts.py": "def later():\n    from pages.clinics import scope\n"}
    problems = check(fake_tree(tmp_path, files))

    assert messages(problems, "direction") == []
    assert messages(problems, "cycle") == [
        "import cycle among pages.clinics.hosts, pages.clinics.scope: pages/clinics/hosts.py:2 (inside a function) "
        "imports pages.clinics.scope; pages/clinics/scope.py:2 imports pages.clinics.hosts"
    ]


def test_checker_reports_a_module_in_no_layer_and_asks_to_classify_it(tmp_path):
    problems = check(fake_tree(tmp_path, {**CLEAN_TREE, "pages/content/newthing.py": ""}))

    [message] = messages(problems, "unclassified")
    assert message.startswith("pages/content/newthing.py is in no layer: classify it in LAYERS")


def test_checker_reports_get_model_outside_migrations(tmp_path):
    files = {**CLEAN_TREE, "pages/clinics/hosts.py": "from django.apps import apps\nM = apps.get_model('pages', 'X')\n"}

    assert messages(check(fake_tree(tmp_path, files)), "get_model") == [
        "pages/clinics/hosts.py:2 calls apps.get_model(): outside migrations import the model instead; a lookup by "
        "name hides the dependency from this test, which is how import cycles were papered over"
    ]


def test_checker_reports_a_module_over_the_line_limit(tmp_path):
    files = {**CLEAN_TREE, "pages/clinics/hosts.py": "x = 1\n" * (MAX_LINES + 1)}

    assert messages(check(fake_tree(tmp_path, files)), "size") == [
        f"pages/clinics/hosts.py has {MAX_LINES + 1} lines, over {MAX_LINES}: split it by job"
    ]
    assert check(fake_tree(tmp_path, {**CLEAN_TREE, "pages/clinics/hosts.py": "x = 1\n" * MAX_LINES})) == []


def test_checker_reports_a_package_without_a_docstring(tmp_path):
    files = {**CLEAN_TREE, "pages/clinics/__init__.py": "# no docstring\n", "pages/review/queries.py": ""}

    assert messages(check(fake_tree(tmp_path, files)), "docstring") == [
        "package pages.clinics (pages/clinics/__init__.py) has no docstring: say what the package owns",
        "pages/review/ holds modules but no __init__.py: make it a package with a docstring",
    ]


@pytest.mark.parametrize(
    "relative, layer",
    [
        ("pages/isolation/wagtail_hooks.py", 6),
        ("pages/isolation/filters.py", 5),
        ("pages/review/rules.py", 1),
        ("pages/patient_messages/admin/listing.py", 5),
        ("pages/management/commands/seed_demo.py", 6),
        ("pages/models/__init__.py", 4),
        ("pages/review/__init__.py", 5),
        ("pages/clinics/__init__.py", 1),
        ("pages/content/extra/deep.py", None),
    ],
)
def test_layer_patterns_match_by_path_parts(relative, layer):
    assert layer_of(relative) == layer
