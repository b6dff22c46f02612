"""CPU per uncached render, measured in-process: the reference blog page and the project's procedure, recovery and
home pages (PAGE_CACHE=0), each rendered N times through Django's test client with the settings the bench serves
them with (scripts/bench/project.py), so the figures do not depend on how busy the machine is.

    python -m scripts.bench.render_profile [--work DIR] [--renders N] [--profile 25] [--postgres URL --redis URL]

It prepares what it needs in its own work folder (reference site, project on SQLite, and with --postgres the project
on the PostgreSQL database clinic_render_profile + Redis), reusing what an earlier run left there, then prints
`time.process_time()` per render (median of 5 batches), queries per render and the ratio page / reference, which
predicts the req/s ratio of `make bench` (both are CPU-bound, one render per request). With --profile it also prints
the top of a cProfile list, sorted by cumulative time, for each page. Only counts and timings leave it.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from statistics import median

from scripts.bench import project, servers

PROFILE_DB = "clinic_render_profile"
BATCHES = 5


def child(args):
    """Runs inside the settings to measure: warm the page, then time batches of renders of it."""
    import cProfile
    import io
    import pstats

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    extra = {"secure": True} if args.secure else {}
    rows = {}
    for host, path in zip(args.pairs[::2], args.pairs[1::2], strict=True):
        for _ in range(3):
            response = client.get(path, HTTP_HOST=host, **extra)
            if response.status_code != 200:
                raise RuntimeError(f"{host}{path}: HTTP {response.status_code}")
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            client.get(path, HTTP_HOST=host, **extra)
        batches = []
        for _ in range(BATCHES):
            started = time.process_time()
            for _ in range(args.renders):
                client.get(path, HTTP_HOST=host, **extra)
            batches.append((time.process_time() - started) / args.renders * 1000)
        row = {"cpu_ms": round(median(batches), 3), "batches": [round(b, 3) for b in batches]}
        row["queries"] = len(queries)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.renders):
                client.get(path, HTTP_HOST=host, **extra)
            profiler.disable()
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats(args.sort).print_stats(args.profile)
            row["profile"] = text.getvalue()
        if args.sql:
            row["sql"] = [sql[:300] for sql in queries]
        rows[f"{host}{path}"] = row
    Path(args.out).write_text(json.dumps(rows))


def run_child(env, pairs, args, secure, log):
    out = Path(args.work) / f"render-{os.getpid()}.json"
    command = [sys.executable, "-m", "scripts.bench.render_profile", "--child", "--out", str(out)]
    command += ["--renders", str(args.renders), "--profile", str(args.profile), "--sort", args.sort]
    command += (["--secure"] if secure else []) + (["--sql"] if args.sql else []) + ["--", *pairs]
    servers.run(command, env, log)
    rows = json.loads(out.read_text())
    out.unlink()
    return rows


def prepare(args, secret, log):
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    project.prepare_reference(work, secret, log, reuse=True)
    if not (work / "static" / "staticfiles.json").exists():
        project.collectstatic(work, secret, log)
    backends = []
    sqlite = project.Backend("sqlite", work, secret, f"sqlite:///{work}/sqlite/clinic.sqlite3")
    if not (sqlite.folder / "clinic.sqlite3").exists():
        sqlite.folder.mkdir(parents=True, exist_ok=True)
        sqlite.migrate_and_seed()
    backends.append(sqlite)
    if args.postgres:
        url = project.database_url(args.postgres, PROFILE_DB)
        postgres = project.Backend("postgres", work, secret, url, args.redis, "render-profile")
        if not project.database_exists(args.postgres, PROFILE_DB):
            with project._connect(args.postgres) as connection:
                connection.execute(f'CREATE DATABASE "{PROFILE_DB}"')
            postgres.migrate_and_seed()
        backends.append(postgres)
    return backends


def main(argv=None):
    parser = argparse.ArgumentParser(description="CPU per uncached render against the reference blog page.")
    work = "/dev/shm/clinic-render-profile"  # noqa: S108 - our own folder, reused from run to run
    parser.add_argument("--work", default=work, help="Work folder (reused).")
    parser.add_argument("--renders", type=int, default=40, help="Renders per batch (5 batches per page).")
    parser.add_argument("--profile", type=int, default=0, help="Print this many lines of a cProfile list.")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime, ...).")
    parser.add_argument("--postgres", help="PostgreSQL server URL (without a database name) to measure too.")
    parser.add_argument("--redis", help="Redis URL for the PostgreSQL run (its database is left as it is).")
    parser.add_argument("--sql", action="store_true", help="Print the SQL of each page's warm render.")
    parser.add_argument("--only", help="Only these pages (comma-separated: procedure, recovery, home).")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--secure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("pairs", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    secret_file = Path(args.work) / "secret"
    Path(args.work).mkdir(parents=True, exist_ok=True)
    if not secret_file.exists():
        secret_file.write_text(servers.secret_key())
    secret = secret_file.read_text()
    log = Path(args.work) / "render-profile.log"
    backends = prepare(args, secret, log)
    pages = {k: v for k, v in project.PAGES.items() if not args.only or k in args.only.split(",")}
    reference = run_child(project.reference_env(args.work, secret), list(project.REFERENCE_PAGE), args, False, log)
    ref = next(iter(reference.values()))
    report(f"reference {project.REFERENCE_PAGE[1]}", ref, ref, args)
    for backend in backends:
        env = backend.env(page_cache=False)
        pairs = [part for host_path in pages.values() for part in host_path]
        rows = run_child(env, pairs, args, True, log)
        for name, (host, path) in pages.items():
            report(f"{backend.name} {name}", rows[f"{host}{path}"], ref, args)
    return None


def report(label, row, ref, args):
    ratio = ref["cpu_ms"] / row["cpu_ms"]
    print(f"{label:28} {row['cpu_ms']:8.2f} ms CPU/render  {row['queries']:3} queries  x reference {ratio:5.2f}")
    if args.profile and "profile" in row:
        print(row["profile"])
    if args.sql and "sql" in row:
        print("\n".join(f"    {sql}" for sql in row["sql"]))


if __name__ == "__main__":
    main()
