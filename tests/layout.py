"""The layout checker behind tests/test_layout.py: the layers of `pages/` and the rules on them.

The shape of `pages/`: every module sits in a layer, imports only from the layers above it, and no import cycle,
`apps.get_model` work-around, oversized module or undocumented package creeps back in.

The checker reads the source with `ast` (nothing is imported), so imports inside functions count as much as those at
the top of a module: a function-level import is how cycles used to be hidden. Self-tests run it on
small fake trees (tests/test_layout.py), so a checker that quietly stopped seeing violations would fail too.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400

LAYER_NAMES = {
    1: "pure rules",
    2: "records",
    3: "forms, services, notifications and scope",
    4: "page types",
    5: "orchestration and admin",
    6: "entry points",
}

# Path patterns, relative to the project root; the first that matches decides. `*` stands for one part of a path,
# `**` for any number of them. File patterns come before folder patterns so that, say, a `rules.py` or a
# `wagtail_hooks.py` inside a layer-5 folder keeps its own layer.
LAYERS = (
    ("pages/wagtail_hooks.py", 6),
    ("pages/*/wagtail_hooks.py", 6),
    ("pages/apps.py", 6),
    ("pages/management/**", 6),
    ("pages/antispam.py", 1),
    ("pages/plain_errors.py", 1),
    ("pages/adverts.py", 1),
    ("pages/fields.py", 1),
    ("pages/*/rules.py", 1),
    ("pages/patient_messages/health_details.py", 1),
    ("pages/clinics/branding.py", 1),
    ("pages/clinics/roles.py", 1),
    ("pages/clinics/phones.py", 1),
    ("pages/content/readability.py", 1),
    ("pages/wordpress/reader.py", 1),
    ("pages/wordpress/blocks.py", 1),
    ("pages/wordpress/report.py", 1),
    ("pages/content/schema.py", 1),
    ("pages/page_cache/refusal.py", 1),
    ("pages/clinics/models.py", 2),
    # The rule that records point only at their clinic's items: mixins of the records themselves.
    ("pages/clinics/references.py", 2),
    ("pages/clinics/clinicians.py", 2),
    ("pages/patient_messages/models.py", 2),
    ("pages/wordpress/models.py", 2),
    ("pages/library/records.py", 2),
    ("pages/security.py", 3),
    ("pages/mail_retries.py", 3),
    ("pages/clinics/scope.py", 3),
    ("pages/clinics/hosts.py", 3),
    ("pages/clinics/staff.py", 3),
    ("pages/clinics/user_forms.py", 3),
    ("pages/clinics/context_processors.py", 3),
    ("pages/content/blocks.py", 3),
    ("pages/content/mixins.py", 3),
    ("pages/content/references.py", 3),
    ("pages/content/panels.py", 3),
    ("pages/content/review_workflow.py", 3),
    ("pages/content/review_forms.py", 3),
    ("pages/patient_messages/forms.py", 3),
    ("pages/patient_messages/flood.py", 3),
    ("pages/patient_messages/submission.py", 3),
    ("pages/patient_messages/signals.py", 3),
    ("pages/patient_messages/moderation.py", 3),
    ("pages/patient_messages/audit.py", 3),
    ("pages/patient_messages/notifications.py", 3),
    ("pages/patient_messages/public_list.py", 3),
    ("pages/content/visibility.py", 3),
    ("pages/patient_messages/reminders.py", 3),
    ("pages/contact/notifications.py", 3),
    ("pages/page_cache/store.py", 3),
    ("pages/page_cache/middleware.py", 3),
    ("pages/page_cache/edge.py", 3),
    ("pages/page_cache/purge.py", 3),
    ("pages/library/sections.py", 3),
    ("pages/library/notifications.py", 3),
    ("pages/content/home.py", 4),
    ("pages/content/procedures.py", 4),
    ("pages/content/recovery.py", 4),
    ("pages/content/general.py", 4),
    ("pages/content/treatments.py", 4),
    ("pages/content/team.py", 4),
    ("pages/content/news.py", 4),
    ("pages/contact/models.py", 4),
    ("pages/patient_messages/page.py", 4),
    ("pages/library/pages.py", 4),
    ("pages/models/__init__.py", 4),
    ("pages/page_cache/tokens.py", 5),
    ("pages/contact/handling.py", 5),
    ("pages/wordpress/middleware.py", 3),
    ("pages/wordpress/**", 5),
    ("pages/contact/submissions.py", 5),
    ("pages/contact/dashboard.py", 5),
    ("pages/clinics/onboarding.py", 5),
    ("pages/clinics/starter.py", 5),
    ("pages/clinics/overview.py", 5),
    ("pages/clinics/users.py", 5),
    ("pages/clinics/users_app.py", 5),
    ("pages/*/admin.py", 5),
    ("pages/*/admin/**", 5),
    ("pages/review/**", 5),
    ("pages/data_care/**", 5),
    ("pages/public/**", 5),
    ("pages/isolation/**", 5),
    ("pages/demo/**", 5),
    ("pages/library/**", 5),
    ("pages/templatetags/**", 5),
    # The domain packages' own __init__ modules hold their docstring and nothing else: the top layer keeps it so.
    ("pages/__init__.py", 1),
    ("pages/*/__init__.py", 1),
)


@dataclass(frozen=True)
class Problem:
    rule: str
    key: tuple  # what the problem is about, without line numbers: stable while unrelated lines move
    message: str


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    path: str
    line: int
    in_function: bool

    def where(self):
        return f"{self.path}:{self.line}" + (" (inside a function)" if self.in_function else "")


def _pattern_regex(pattern):
    parts = []
    for piece in re.split(r"(\*\*|\*)", pattern):
        parts.append({"**": ".+", "*": "[^/]+"}.get(piece, re.escape(piece)))
    return re.compile("".join(parts))


_LAYER_REGEXES = [(_pattern_regex(pattern), layer) for pattern, layer in LAYERS]


def layer_of(relative_path):
    for regex, layer in _LAYER_REGEXES:
        if regex.fullmatch(relative_path):
            return layer
    return None


def _module_name(relative_path):
    parts = list(Path(relative_path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files(root, package):
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/migrations/" not in f"/{relative}" and "__pycache__" not in relative:
            yield relative, path


def _in_function_map(tree):
    """Map each node to whether it sits inside a function (or lambda) body."""
    inside = {}

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside[child] = in_function
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(tree, False)
    return inside


def _resolve(name, modules, package):
    """The pages module an imported dotted name refers to: the longest known prefix, else None (not ours)."""
    if name != package and not name.startswith(package + "."):
        return None
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _imports_of(module, relative_path, tree, modules, package):
    inside = _in_function_map(tree)
    is_package = relative_path.endswith("/__init__.py")
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from pages.x import y` imports the module pages.x.y when there is one, else a name of pages.x.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [node.args[0].value]
        for target in dict.fromkeys(targets):
            imported = _resolve(target, modules, package)
            if imported and imported != module:
                yield Import(module, imported, relative_path, node.lineno, inside.get(node, False))


def _is_get_model_call(node):
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_model"):
        return False
    receiver = node.func.value
    name = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
    return name.endswith("apps")


def _find_cycle(start, graph, members):
    """One shortest cycle through `start` inside a strongly connected component, as a list of Import edges."""
    paths = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for edge in graph.get(node, []):
            if edge.imported not in members:
                continue
            if edge.imported == start:
                return paths[node] + [edge]
            if edge.imported not in paths:
                paths[edge.imported] = paths[node] + [edge]
                queue.append(edge.imported)
    return []


def _strongly_connected(nodes, graph):
    """Tarjan's algorithm, iterative: the components with more than one module."""
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], [0]

    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(graph.get(root, [])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for edge in edges:
                target = edge.imported
                if target not in index:
                    index[target] = low[target] = counter[0]
                    counter[0] += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.get(target, []))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(component)
    return components


def check(root, package="pages"):
    """Every problem of the tree under `root / package`, each with a message naming the file, line and rule."""
    root = Path(root)
    files = list(_source_files(root, package))
    modules = {_module_name(relative): relative for relative, _path in files}
    problems, graph, layers = [], {}, {}

    for relative, path in files:
        module = _module_name(relative)
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=relative)
        layers[module] = layer_of(relative)
        if layers[module] is None:
            problems.append(
                Problem(
                    "unclassified",
                    (module,),
                    f"{relative} is in no layer: classify it in LAYERS in tests/test_layout.py (1 pure rules, "
                    "2 records, 3 forms/services/notifications/scope, 4 page types, 5 orchestration and admin, "
                    "6 entry points)",
                )
            )
        graph[module] = list(_imports_of(module, relative, tree, modules, package))
        for node in ast.walk(tree):
            if _is_get_model_call(node):
                problems.append(
                    Problem(
                        "get_model",
                        (module,),
                        f"{relative}:{node.lineno} calls apps.get_model(): outside migrations import the model "
                        "instead; a lookup by name hides the dependency from this test, which is how import cycles "
                        "were papered over",
                    )
                )
        lines = len(text.splitlines())
        if lines > MAX_LINES:
            problems.append(
                Problem("size", (module,), f"{relative} has {lines} lines, over {MAX_LINES}: split it by job")
            )
        if relative.endswith("__init__.py") and ast.get_docstring(tree) is None:
            problems.append(
                Problem(
                    "docstring",
                    (module,),
                    f"package {module} ({relative}) has no docstring: say what the package owns",
                )
            )

    folders_with_modules = {Path(relative).parent.as_posix() for relative, _path in files}
    for folder in sorted(folders_with_modules):
        if not (root / folder / "__init__.py").exists():
            problems.append(
                Problem(
                    "docstring",
                    (folder.replace("/", "."),),
                    f"{folder}/ holds modules but no __init__.py: make it a package with a docstring",
                )
            )

    for module, edges in graph.items():
        for edge in edges:
            own, other = layers[module], layers.get(edge.imported)
            if own is not None and other is not None and other > own:
                problems.append(
                    Problem(
                        "direction",
                        (module, edge.imported),
                        f"{edge.where()}: {module} (layer {own}, {LAYER_NAMES[own]}) imports {edge.imported} "
                        f"(layer {other}, {LAYER_NAMES[other]}); a module may import only from its own layer or "
                        "the layers above it (lower numbers)",
                    )
                )

    for component in _strongly_connected(sorted(graph), graph):
        start = min(component)
        cycle = _find_cycle(start, graph, component)
        steps = "; ".join(f"{edge.where()} imports {edge.imported}" for edge in cycle)
        problems.append(
            Problem(
                "cycle",
                tuple(sorted(component)),
                f"import cycle among {', '.join(sorted(component))}: {steps}",
            )
        )
    return problems
