"""The bench's verdicts and tables: ratios against the reference and the hello-world, goals P1-P3, markdown.

Pure functions over the results dictionary the run builds (tests/bench/ checks them), so the table printed at the
end of a run and scripts/bench/results/last.md always say the same thing.

Results layout (also the JSON file's):
    {"meta": {...}, "targets": {key: {"label", "rps", "p50_ms", "clean", "errors", "queries", "cache",
     "kind", "backend", "page"}}, "admin": {"small": {...}, "big": {...}}, "bulk": {...}, "build": {...}}
A target's "kind" is "hello", "reference", "cached" or "uncached"; "backend" "sqlite", "postgres" or "big".
"""

from dataclasses import dataclass

P1_REFERENCE_FACTOR = 10.0
P1_HELLO_SHARE = 0.25
P2_REFERENCE_FACTOR = 1.5
P2_MAX_QUERIES = 12
P3_SCALE_TOLERANCE = 0.10
P3_ADMIN_P50_MS = 100.0
P3_BULK_SECONDS = 1.0
PAGES = ("procedure", "recovery", "home")
META_FIELDS = (
    "measured_on",
    "commit",
    "state",
    "machine",
    "load",
    "duration",
    "reference_note",
    "hello_note",
    "bulk_note",
)
BACKEND_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL + Redis", "big": "PostgreSQL + Redis, 1,000 clinics"}


@dataclass(frozen=True)
class Goal:
    name: str
    passed: bool
    detail: str

    @property
    def verdict(self):
        return "PASS" if self.passed else "FAIL"


def ratio(value, base):
    """value / base, or None when either is missing or the base is zero."""
    if value is None or not base:
        return None
    return value / base


def target_key(backend, kind, page):
    return f"{backend}-{kind}-{page}"


def _rps(targets, key):
    target = targets.get(key)
    if not target or not target.get("clean"):
        return None
    return target.get("rps")


def _fmt(value, digits=0, suffix=""):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{suffix}"


def _backends(targets):
    return [b for b in ("sqlite", "postgres", "big") if any(t.get("backend") == b for t in targets.values())]


def goal_p1(results):
    """P1: every cached page >= 10x the reference and >= 25 % of the hello-world, on each two-clinic backend."""
    targets = results["targets"]
    reference, hello = _rps(targets, "reference"), _rps(targets, "hello")
    failures, checked = [], 0
    for backend in ("sqlite", "postgres"):
        for page in PAGES:
            key = target_key(backend, "cached", page)
            if key not in targets:
                continue
            checked += 1
            rps = _rps(targets, key)
            by_reference, share = ratio(rps, reference), ratio(rps, hello)
            if by_reference is None or share is None:
                failures.append(f"{key}: no clean figure")
            elif by_reference < P1_REFERENCE_FACTOR or share < P1_HELLO_SHARE:
                failures.append(f"{key}: {by_reference:.1f}x reference, {share:.0%} of hello-world")
    if not checked:
        return Goal("P1 cached", False, "not measured")
    detail = "; ".join(failures) if failures else f"all {checked} cached pages >= 10x reference and >= 25 % hello"
    return Goal("P1 cached", not failures, detail)


def goal_p2(results):
    """P2: with every cache off, the procedure page >= 1.5x the reference in <= 12 queries, on each backend."""
    targets = results["targets"]
    reference = _rps(targets, "reference")
    failures, checked = [], 0
    for backend in ("sqlite", "postgres"):
        key = target_key(backend, "uncached", "procedure")
        if key not in targets:
            continue
        checked += 1
        by_reference = ratio(_rps(targets, key), reference)
        queries = targets[key].get("queries")
        if by_reference is None:
            failures.append(f"{key}: no clean figure")
        elif by_reference < P2_REFERENCE_FACTOR:
            failures.append(f"{key}: {by_reference:.2f}x reference")
        if queries is None or queries > P2_MAX_QUERIES:
            failures.append(f"{key}: {queries} queries")
    if not checked:
        return Goal("P2 uncached", False, "not measured")
    detail = "; ".join(failures) if failures else "procedure page >= 1.5x reference in <= 12 queries"
    return Goal("P2 uncached", not failures, detail)


def goal_p3(results):
    """P3 at scale: public pages within 10 %, admin list p50 <= 100 ms, bulk approve <= 1 s in fixed queries,
    dashboard and explorer in the same number of queries as with two clinics."""
    targets, failures = results["targets"], []
    compared = 0
    for kind in ("cached", "uncached"):
        for page in PAGES:
            big, small = target_key("big", kind, page), target_key("postgres", kind, page)
            if big not in targets:
                continue
            compared += 1
            share = ratio(_rps(targets, big), _rps(targets, small))
            if share is None or share < 1 - P3_SCALE_TOLERANCE:
                failures.append(f"{big}: {_fmt(share and share * 100, 0, ' %')} of the two-clinic figure")
    admin = results.get("admin", {})
    big_admin, small_admin = admin.get("big", {}), admin.get("small", {})
    for name, view in big_admin.get("views", {}).items():
        if view.get("status") != 200 or view.get("p50_ms") is None or view["p50_ms"] > P3_ADMIN_P50_MS:
            failures.append(f"admin {name}: p50 {_fmt(view.get('p50_ms'), 0, ' ms')} (HTTP {view.get('status')})")
    for name in ("dashboard", "explorer"):
        big_q = big_admin.get("counts", {}).get(name)
        small_q = small_admin.get("counts", {}).get(name)
        if big_q is None or small_q is None or big_q != small_q:
            failures.append(f"{name}: {small_q} queries with two clinics, {big_q} with 1,000")
    bulk = results.get("bulk", {})
    sizes = bulk.get("sizes", {})
    if sizes:
        largest = sizes[max(sizes, key=int)]
        if largest.get("seconds") is None or largest["seconds"] > P3_BULK_SECONDS or not largest.get("ok"):
            failures.append(f"bulk approve of {max(sizes, key=int)}: {_fmt(largest.get('seconds'), 2, ' s')}")
        counts = {size: row.get("queries") for size, row in sizes.items()}
        if len(set(counts.values())) > 1:
            failures.append(f"bulk approve queries grow with the selection: {counts}")
    else:
        failures.append("bulk approve not measured")
    if not compared and not big_admin:
        return Goal("P3 at scale", False, "not measured (the large database was skipped)")
    return Goal("P3 at scale", not failures, "; ".join(failures) or "every P3 check passes")


def goals(results):
    return [goal_p1(results), goal_p2(results), goal_p3(results)]


def throughput_table(results):
    """Markdown rows: each target's median req/s with its ratios to the reference and to the hello-world."""
    targets = results["targets"]
    reference, hello = _rps(targets, "reference"), _rps(targets, "hello")
    lines = [
        "| target | req/s (median) | p50 latency | x reference | % of hello-world | queries | cache header |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for target in targets.values():
        rps = target.get("rps") if target.get("clean") else None
        by_reference = ratio(rps, reference)
        share = ratio(rps, hello)
        label = target["label"] + ("" if target.get("clean") else f" (errors: {target.get('errors')})")
        lines.append(
            f"| {label} | {_fmt(rps)} | {_fmt(target.get('p50_ms'), 1, ' ms')} | {_fmt(by_reference, 1, 'x')} | "
            f"{_fmt(share and share * 100, 1, ' %')} | {_fmt(target.get('queries'))} | {target.get('cache') or '-'} |"
        )
    return lines


def admin_table(results):
    admin = results.get("admin", {})
    if not admin:
        return []
    lines = [
        "| admin view | two clinics p50 | 1,000 clinics p50 | queries (two / 1,000) |",
        "| --- | ---: | ---: | ---: |",
    ]
    small, big = admin.get("small", {}), admin.get("big", {})
    names = list(dict.fromkeys([*small.get("views", {}), *big.get("views", {})]))
    for name in names:
        s, b = small.get("views", {}).get(name, {}), big.get("views", {}).get(name, {})
        lines.append(
            f"| {name} | {_fmt(s.get('p50_ms'), 1, ' ms')} | {_fmt(b.get('p50_ms'), 1, ' ms')} | "
            f"{_fmt(s.get('queries'))} / {_fmt(b.get('queries'))} |"
        )
    for name in ("dashboard", "explorer"):
        s, b = small.get("counts", {}).get(name), big.get("counts", {}).get(name)
        lines.append(f"| {name} (queries only) | | | {_fmt(s)} / {_fmt(b)} |")
    return lines


def bulk_lines(results):
    bulk = results.get("bulk", {})
    lines = []
    for size, row in sorted(bulk.get("sizes", {}).items(), key=lambda item: int(item[0])):
        outcome = "ok" if row.get("ok") else f"FAILED: {row.get('problem', 'unknown')}"
        selected = f"{row['selected']:,} selected, {row.get('how')}" if row.get("selected") else "none selected"
        lines.append(
            f"- bulk approve of {size} messages (1,000 clinics; {selected}): {_fmt(row.get('seconds'), 3, ' s')}, "
            f"{_fmt(row.get('queries'))} queries, {outcome}"
        )
    return lines


def markdown(results):
    meta = results.get("meta", {})
    out = ["# Benchmark results", ""]
    for name in META_FIELDS:
        if meta.get(name):
            out.append(f"- {name.replace('_', ' ')}: {meta[name]}")
    out += ["", "## Goals", ""]
    out += [f"- **{goal.name}: {goal.verdict}**: {goal.detail}" for goal in goals(results)]
    out += ["", "## Public pages", "", *throughput_table(results)]
    admin = admin_table(results)
    if admin:
        out += ["", "## Moderators' admin", "", *admin]
    bulk = bulk_lines(results)
    if bulk:
        out += ["", *bulk]
    build = results.get("build", {})
    if build:
        out += ["", "## Large database", ""]
        out += [f"- {name.replace('_', ' ')}: {value}" for name, value in build.items()]
    return "\n".join(out) + "\n"
