"""The moderators' admin at scale: build a large PostgreSQL database, then time the admin's listing and bulk actions.

    DATABASE_URL=postgres://postgres@%2Fvar%2Frun%2Fpostgresql/clinic_scale14 \\
        .venv/bin/python scripts/bench/admin_scale.py build      # 1,000 clinics, 5,000 pages, 1,000,000 messages
    DATABASE_URL=... .venv/bin/python scripts/bench/admin_scale.py measure  # p50 timings, query counts, EXPLAIN

`build` is idempotent: it adds the clinics, pages and messages still missing (messages through COPY, a few seconds
per 100,000). Two clinics get 100,000 messages each, the rest share the remainder. `measure` signs in as the first
clinic's moderator (and as a network admin), requests each listing several times through Django's test client,
prints the p50 and the query count of each, EXPLAIN ANALYZE of the listing's slowest queries, and times a bulk
approve of 1,000 messages (rolled back afterwards). A benchmark, not a test: its figures depend on the machine.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

# PROJECT_ROOT measures another checkout of the project (e.g. the code before a change) with this same script.
ROOT = Path(os.environ.get("PROJECT_ROOT") or Path(__file__).resolve().parents[2])
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Site  # noqa: E402

from pages.clinics.onboarding import create_or_update_clinic  # noqa: E402
from pages.models import PatientMessage, ProcedurePage  # noqa: E402

CLINIC_NAME = "Scale clinic {n:04d}"
PAGE_TITLES = (
    "Facet joint injections",
    "Epidural steroid injections",
    "Radiofrequency ablation",
    "Sacroiliac joint injections",
    "Medial branch blocks",
)
# Of every 100 messages: 70 approved, 12 pending, 13 rejected, 5 spam.
STATUSES = ["approved"] * 70 + ["pending"] * 12 + ["rejected"] * 13 + ["spam"] * 5
WORDS = ("injection", "helped", "pain", "back", "knee", "neck", "thank", "you", "team", "nurse", "better", "sleep")
ROUNDS = 9


def say(*parts):
    print(*parts, flush=True)


# --- Building ------------------------------------------------------------------------------------------------------


def build_clinics(count, pages_per_clinic):
    from tests.factories import ProcedurePageFactory

    existing = set(Site.objects.filter(site_name__startswith="Scale clinic ").values_list("site_name", flat=True))
    started = time.perf_counter()
    for n in range(count):
        name = CLINIC_NAME.format(n=n)
        if name in existing:
            continue
        clinic = create_or_update_clinic(name, f"scale-{n:04d}.test", phone="(217) 555-0100")
        for title in PAGE_TITLES[:pages_per_clinic]:
            ProcedurePageFactory(parent=clinic.home_page, title=title)
        if n % 50 == 0:
            say(f"  clinic {n}: {time.perf_counter() - started:.0f} s")


def scale_sites():
    return list(Site.objects.filter(site_name__startswith="Scale clinic ").order_by("site_name"))


def pages_by_site(sites):
    pages = {}
    for site in sites:
        pages[site.pk] = list(
            ProcedurePage.objects.filter(path__startswith=site.root_page.path).values_list("pk", flat=True)
        )
    return pages


def message_counts(sites, total, big_clinics=2, big_count=100_000):
    """Messages to reach per clinic: `big_count` for the first `big_clinics`, the rest shared evenly."""
    rest = max(total - big_clinics * big_count, 0)
    others = len(sites) - big_clinics
    return {
        site.pk: big_count
        if index < big_clinics
        else rest // others + (1 if index - big_clinics < rest % others else 0)
        for index, site in enumerate(sites)
    }


def build_messages(total):
    sites = scale_sites()
    pages = pages_by_site(sites)
    wanted = message_counts(sites, total)
    have = dict(
        PatientMessage.objects.filter(site__in=sites).values_list("site_id").annotate(n=django.db.models.Count("pk"))
    )
    rng = random.Random(14)  # noqa: S311 - reproducible test data, not secrets
    now = timezone.now()
    columns = (
        "site_id, page_id, author_name, author_email, body, status, flags, submitted_at, ip_hash, form_token_hash, "
        "reply, redacted, reply_notice, followup_state, followup_note"
    )
    started, written = time.perf_counter(), 0
    buffer = io.StringIO()

    def flush():
        nonlocal buffer
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY pages_patientmessage ({columns}) FROM STDIN") as copy,
        ):
            copy.write(buffer.getvalue())
        buffer = io.StringIO()

    for site in sites:
        missing = wanted[site.pk] - have.get(site.pk, 0)
        for n in range(max(missing, 0)):
            status = rng.choice(STATUSES)
            flags = ",health_info,urgent," if rng.random() < 0.02 else ""
            submitted = now - datetime.timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
            body = " ".join(rng.choices(WORDS, k=12))
            name = f"Patient {rng.randint(1, 99999)} Name"
            row = (
                site.pk,
                rng.choice(pages[site.pk]),
                name,
                f"patient{n}.{site.pk}@example.org",
                body,
                status,
                flags,
                submitted.isoformat(),
                "",
                "",
                "Thank you." if status == "approved" and n % 5 == 0 else "",
                "f",
                "f",
                "",
                "",
            )
            buffer.write("\t".join(str(value) for value in row) + "\n")
            written += 1
            if written % 50_000 == 0:
                flush()
                say(f"  {written} messages: {time.perf_counter() - started:.0f} s")
    flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pages_patientmessage")
    say(f"  {written} messages written in {time.perf_counter() - started:.0f} s")


def build(args):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    say("clinics and pages…")
    build_clinics(args.clinics, args.pages)
    say("messages…")
    build_messages(args.messages)
    say(
        f"{Site.objects.count()} sites, {ProcedurePage.objects.count()} procedure pages, "
        f"{PatientMessage.objects.count()} messages"
    )


# --- Measuring -----------------------------------------------------------------------------------------------------


def moderator_of(site):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username=f"scale-moderator-{site.pk}")
    user.groups.add(Group.objects.get(name=f"{site.site_name} moderators"))
    return user


def network_admin():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="scale-network-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def timed(client, url, method="get", rounds=None):
    """(p50 ms, queries of one request, the slowest queries' SQL) of `url` over `rounds` requests after a warm-up."""
    getattr(client, method)(url, HTTP_HOST="localhost")
    times = []
    for _ in range(rounds or ROUNDS):
        started = time.perf_counter()
        response = getattr(client, method)(url, HTTP_HOST="localhost")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        getattr(client, method)(url, HTTP_HOST="localhost")
    slowest = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))[:2]
    return statistics.median(times), len(queries), slowest


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql}")
        return "\n".join("      " + row[0] for row in cursor.fetchall())


def measure(args):
    sites = scale_sites()
    big = sites[0]
    client = Client()
    client.force_login(moderator_of(big))
    index = reverse("patient_messages:index")
    page_id = ProcedurePage.objects.filter(path__startswith=big.root_page.path).values_list("pk", flat=True).first()
    say(
        f"{Site.objects.count()} sites, {PatientMessage.objects.count()} messages; "
        f"{PatientMessage.objects.filter(site=big).count()} in {big.site_name}"
    )
    cases = [
        ("first page", index),
        ("pending", f"{index}?status=pending"),
        ("search 'knee'", f"{index}?q=knee"),
        ("page filter", f"{index}?page={page_id}"),
        ("sorted by submitted", f"{index}?ordering=-submitted_at"),
        ("dashboard", reverse("wagtailadmin_home")),
    ]
    say("\nModerator of one clinic (100,000 messages):")
    for label, url in cases if "moderator" in args.only else ():
        p50, count, slowest = timed(client, url)
        say(f"  {label:22} p50 {p50:7.1f} ms  {count:3} queries")
        if args.explain:
            for query in slowest:
                say(f"    {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
                say(explain(query["sql"]))

    admin = Client()
    admin.force_login(network_admin())
    say("\nNetwork admin (every clinic):")
    for label, url in (
        ()
        if "admin" not in args.only
        else [
            ("first page", index),
            ("pending", f"{index}?status=pending"),
            ("dashboard", reverse("wagtailadmin_home")),
            ("page explorer (home)", reverse("wagtailadmin_explore", args=[big.root_page_id])),
        ]
    ):
        p50, count, slowest = timed(admin, url)
        say(f"  {label:22} p50 {p50:7.1f} ms  {count:3} queries")
        if args.explain:
            for query in slowest[:1]:
                say(f"    {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
                say(explain(query["sql"]))

    say("\nBulk approve (rolled back):")
    bulk = reverse("wagtail_bulk_action", args=["pages", "patientmessage", "approve"])
    for size in (10, 1000) if "bulk" in args.only else ():
        ids = list(PatientMessage.objects.filter(site=big, status="pending").values_list("pk", flat=True)[:size])
        url = f"{bulk}?{'&'.join(f'id={pk}' for pk in ids)}"
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(url, HTTP_HOST="localhost")
                elapsed = (time.perf_counter() - started) * 1000
            approved = PatientMessage.objects.filter(pk__in=ids, status="approved").count()
            transaction.set_rollback(True)
        say(
            f"  {size:5} messages: {elapsed:7.1f} ms  {len(queries):3} queries  "
            f"({approved} approved, HTTP {response.status_code})"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["build", "measure"], help="build the database, or measure the admin")
    parser.add_argument("--clinics", type=int, default=1000, help="clinics to build (default 1,000)")
    parser.add_argument("--pages", type=int, default=5, help="procedure pages per clinic (default 5, at most 5)")
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages in all (default 1,000,000)")
    parser.add_argument(
        "--only",
        nargs="+",
        default=["moderator", "admin", "bulk"],
        choices=["moderator", "admin", "bulk"],
        help="which measurements to run (default: all)",
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"requests per p50 (default {ROUNDS})")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest queries")
    args = parser.parse_args()
    globals()["ROUNDS"] = args.rounds
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. .../clinic_scale14): this measures PostgreSQL.")
    build(args) if args.step == "build" else measure(args)


if __name__ == "__main__":
    main()
