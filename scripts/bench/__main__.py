"""`python -m scripts.bench` (`make bench`, `make bench-quick`): everything side by side in one run, as ratios.

1. prepares the work folder: the reference site (standing in for bakerydemo), the project on SQLite and on
   PostgreSQL + Redis with the demo clinics, and (unless --skip-big) the large database of P3 (`big_db.py`;
   --reuse keeps it when it is already complete);
2. starts every server at once (gunicorn, deploy/gunicorn.conf.py, 2 sync workers each): the hello-world, the
   reference, and the project per backend with its page cache on and with PAGE_CACHE=0;
3. runs `wrk -t2 -c8` against each target in turn, round after round (so a busy moment of the machine hits every
   target alike), and keeps each target's median;
4. stops the servers, counts each page's queries with the caches off, times the moderators' admin views and a
   bulk approve in-process, then prints the table and the goals and writes scripts/bench/results/last.{md,json}.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from scripts.bench import project, report, servers
from scripts.bench.wrk import Rounds, WrkError, run_wrk

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_WORK = "/dev/shm/clinic-bench" if Path("/dev/shm").is_dir() else "/tmp/clinic-bench"  # noqa: S108
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@%2Fvar%2Frun%2Fpostgresql")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
SMALL_DB, BIG_DB = "clinic_bench14", "clinic_bench14_big"


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def git(*args):
    completed = subprocess.run(["git", *args], cwd=servers.ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607
    return completed.stdout.strip()


def meta(args):
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "pages", "clinic_site") else ""
    return {
        "measured_on": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": f"{git('rev-parse', '--short', 'HEAD')} {git('log', '-1', '--format=%s')[:90]}{dirty}",
        "state": args.state,
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"load average before the run {os.getloadavg()[0]:.2f}",
        "load": f"wrk -t2 -c8 -d{args.seconds}s, {args.rounds} round(s) per target, medians; gunicorn 2 sync workers",
        "reference_note": "the reference is a small Wagtail blog standing in for bakerydemo's blog page "
        "(scripts/bench/reference/: SQLite, no page cache)",
        "hello_note": "hello-world: one Django view, security + common middleware, no database",
    }


def cache_summary(headers):
    """What the response says about caching: a hit header if the page cache adds one, else its Cache-Control."""
    parts = [f"{name}: {headers[name]}" for name in ("x-page-cache", "x-cache", "age") if name in headers]
    parts.append(f"Cache-Control: {headers.get('cache-control', '(none)')}")
    if "set-cookie" in headers:
        parts.append("sets a cookie")
    return ", ".join(parts)


def check_target(server, host, path, headers, expect=None):
    """Two GETs (the second may be a cache hit): the status, and the second answer's cache headers."""
    server.wait(path, host, dict(headers))
    servers.get(server.port, path, host, dict(headers))
    status, answer_headers, body = servers.get(server.port, path, host, dict(headers))
    if status != 200:
        raise RuntimeError(f"{server.name} {host}{path}: HTTP {status}\n{server.log_tail()}")
    if expect and expect not in body:
        raise RuntimeError(f"{server.name} {host}{path}: the page lacks {expect!r}")
    return cache_summary(answer_headers)


def prepare(args, work, secret, log):
    """Build every database of the run; returns the backends to serve and the large database's build figures."""
    backends, build = [], {}
    say("Reference site (standing in for bakerydemo): migrate and seed")
    if not project.prepare_reference(work, secret, log, reuse=args.reuse):
        say("    reused from an earlier run (--reuse)")
    say("Static files (collectstatic, production storage)")
    project.collectstatic(work, secret, log)
    sqlite = project.Backend("sqlite", work, secret, f"sqlite:///{work}/sqlite/clinic.sqlite3")
    reuse_sqlite = args.reuse and (sqlite.folder / "clinic.sqlite3").exists() and sqlite.media.is_dir()
    if not reuse_sqlite:
        subprocess.run(["rm", "-rf", str(sqlite.folder)], check=True)  # noqa: S603, S607 - our own work folder
        sqlite.folder.mkdir(parents=True)
    say("Project on SQLite: migrate" + (" (database reused)" if reuse_sqlite else ", seed_demo"))
    sqlite.migrate_and_seed(seed=not reuse_sqlite)
    backends.append(sqlite)
    if args.quick:
        return backends, build
    if not (project.postgres_available(POSTGRES) and project.redis_available(REDIS)):
        say(
            f"PostgreSQL ({POSTGRES}) or Redis ({REDIS}) unreachable: "
            "the PostgreSQL and large-database parts are NOT run"
        )
        return backends, build
    project.flush_redis(REDIS)
    small = project.Backend("postgres", work, secret, project.database_url(POSTGRES, SMALL_DB), REDIS, "bench")
    say(f"Project on PostgreSQL ({SMALL_DB}) + Redis: migrate, seed_demo")
    project.recreate_database(POSTGRES, SMALL_DB)
    small.migrate_and_seed()
    backends.append(small)
    if args.skip_big:
        return backends, build
    big = project.Backend("big", work, secret, project.database_url(POSTGRES, BIG_DB), REDIS, "bench-big")
    build = build_big(args, big)
    backends.append(big)
    return backends, build


def build_big(args, big):
    check = ["--clinics", str(args.clinics), "--messages", str(args.messages)]
    if args.reuse and project.database_exists(POSTGRES, BIG_DB) and big.media.is_dir():
        out = subprocess.run(  # noqa: S603 - this repository's own module
            [sys.executable, "-m", "scripts.bench.big_db", "check", *check],
            cwd=servers.ROOT,
            env=big.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        state = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 and out.stdout else {}
        if state.get("complete"):
            say(f"Large database {BIG_DB} reused: {state}")
            servers.manage(["migrate", "--noinput", "-v0"], big.env(), big.log)
            earlier = big.folder / "build.json"
            built = json.loads(earlier.read_text()) if earlier.exists() else {}
            counted = {name: value for name, value in state.items() if name != "complete"}
            return {"reused": "yes (built by an earlier run, figures of that build)", **built, **counted}
    say(f"Large database {BIG_DB}: {args.clinics} clinics, {args.messages:,} messages (several minutes)")
    started = time.perf_counter()
    project.recreate_database(POSTGRES, BIG_DB)
    big.migrate_and_seed()
    prepared = time.perf_counter() - started
    out = subprocess.run(  # noqa: S603 - this repository's own module
        [sys.executable, "-m", "scripts.bench.big_db", "build", *check, "--busiest", str(args.busiest)],
        cwd=servers.ROOT,
        env=big.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"big_db build failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    build = json.loads(out.stdout.strip().splitlines()[-1])
    build["migrate_and_seed_seconds"] = round(prepared, 1)
    build["total_seconds"] = round(time.perf_counter() - started, 1)
    (big.folder / "build.json").write_text(json.dumps(build))
    say(f"Large database built: {build}")
    return build


def targets_for(backends, work, secret, log_dir):
    """(key, target metadata, server, host, path, headers, expected text) of everything wrk measures."""
    hello = project.hello_server(secret, log_dir)
    reference = project.reference_server(work, secret, log_dir)
    rows = [
        ("hello", {"label": "Django hello-world", "kind": "hello"}, hello, *project.HELLO_PAGE, (), b"Hello"),
        (
            "reference",
            {"label": "reference Wagtail blog page (for bakerydemo)", "kind": "reference"},
            reference,
            *project.REFERENCE_PAGE,
            (),
            b"Tracking wild yeast",
        ),
    ]
    for backend in backends:
        for cached in (True, False):
            server = backend.server(cached, log_dir)
            kind = "cached" if cached else "uncached"
            for page, (host, path) in project.PAGES.items():
                label = (
                    f"{page} page, {report.BACKEND_LABELS[backend.name]}, {'cache on' if cached else 'PAGE_CACHE=0'}"
                )
                expect = b"Leave a message" if page == "procedure" else None
                rows.append(
                    (
                        report.target_key(backend.name, kind, page),
                        {"label": label, "kind": kind, "backend": backend.name, "page": page},
                        server,
                        host,
                        path,
                        project.PROXY_HEADERS,
                        expect,
                    )
                )
    return rows


def measure(rows, args):
    started = {}
    try:
        for _key, _meta, server, *_rest in rows:
            if server.name not in started:
                started[server.name] = server.start()
        results = {}
        for key, target, server, host, path, headers, expect in rows:
            target["cache"] = check_target(server, host, path, headers, expect)
            results[key] = target
        say(f"{len(started)} servers up; warming up each target")
        for _key, _target, server, host, path, headers, _expect in rows:
            run_wrk(server.url(path), 1, [("Host", host), *headers])
        rounds = {key: Rounds() for key, *_rest in rows}
        for number in range(1, args.rounds + 1):
            say(f"Round {number} of {args.rounds}")
            for key, _target, server, host, path, headers, _expect in rows:
                result = run_wrk(server.url(path), args.seconds, [("Host", host), *headers])
                rounds[key].add(result)
                print(f"    {key:<28} {result.requests_per_second:>9.1f} req/s", flush=True)
        for key, target in results.items():
            target.update(
                rps=rounds[key].median_rps,
                p50_ms=rounds[key].median_p50_ms,
                clean=rounds[key].clean,
                errors=rounds[key].errors,
                rounds=[round(r.requests_per_second, 1) for r in rounds[key].results],
            )
        return results
    finally:
        for server in started.values():
            server.stop()


def probes(results, backends, work, secret, args, log):
    """Query counts with the caches off, and the admin at both scales (in-process, servers stopped)."""
    pairs = [part for host_path in project.PAGES.values() for part in host_path]
    for backend in backends:
        rows = backend.probe(["public", *pairs], f"{work}/probe-{backend.name}.json")
        for page, row in zip(project.PAGES, rows, strict=True):
            for kind in ("cached", "uncached"):
                key = report.target_key(backend.name, kind, page)
                if key in results["targets"]:
                    results["targets"][key]["queries"] = row["queries"] if row["status"] == 200 else None
    reference = project.reference_queries(work, secret, f"{work}/probe-reference.json", log)
    results["targets"]["reference"]["queries"] = reference["queries"]
    admin_args = [
        "--host",
        "ascpm.localhost",
        "--moderator",
        project.MODERATOR,
        "--editor",
        project.EDITOR,
        "--requests",
        str(args.admin_requests),
    ]
    for backend in backends:
        if backend.name not in ("postgres", "big"):
            continue
        say(f"Admin views on {backend.name}")
        extra = ["--bulk", "100,1000"] if backend.name == "big" else []
        outcome = backend.probe(["admin", *admin_args, *extra], f"{work}/admin-{backend.name}.json")
        bulk = outcome.pop("bulk", None)
        if bulk is not None:
            results["bulk"] = {"sizes": bulk}
        results["admin"]["small" if backend.name == "postgres" else "big"] = outcome


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Smoke run: SQLite only, 1 short round (< 3 min).")
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the databases of an earlier run (the large one when complete)."
    )
    parser.add_argument("--skip-big", action="store_true", help="Leave out the large database (P3).")
    parser.add_argument("--seconds", type=int, default=None, help="wrk duration per round (default 8, quick 3).")
    parser.add_argument("--rounds", type=int, default=None, help="Rounds per target (default 3, quick 1).")
    parser.add_argument("--clinics", type=int, default=1000, help="Clinics in the large database.")
    parser.add_argument("--messages", type=int, default=1_000_000, help="Messages in the large database.")
    parser.add_argument("--busiest", type=int, default=100_000, help="Messages of each demo clinic there.")
    parser.add_argument("--admin-requests", type=int, default=20, help="Requests per admin view for its p50.")
    parser.add_argument("--state", default="", help="A note on what is measured, printed with the results.")
    parser.add_argument("--work", default=os.environ.get("BENCH_WORK", DEFAULT_WORK), help="Work folder.")
    parser.add_argument("--no-save", action="store_true", help="Do not write scripts/bench/results/last.*.")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (3 if args.quick else 8)
    args.rounds = args.rounds or (1 if args.quick else 3)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    log = work / "bench.log"
    log.write_text("")
    secret = servers.secret_key()
    began = time.perf_counter()
    results = {"meta": meta(args), "targets": {}, "admin": {}, "bulk": {}}
    try:
        backends, results["build"] = prepare(args, work, secret, log)
        results["targets"] = measure(targets_for(backends, work, secret, work), args)
        probes(results, backends, work, secret, args, log)
    except (RuntimeError, WrkError) as problem:
        say(f"The bench stopped: {problem}")
        return 1
    results["meta"]["duration"] = f"{(time.perf_counter() - began) / 60:.1f} min"
    text = report.markdown(results)
    print("\n" + text)
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        name = "quick" if args.quick else "last"
        (RESULTS / f"{name}.md").write_text(text)
        (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
        say(f"Written: {RESULTS / name}.md and .json (logs in {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
