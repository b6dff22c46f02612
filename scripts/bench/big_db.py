"""The large database of goal P3: 1,000 clinics, 5,000+ pages and 1,000,000 patient messages in PostgreSQL.

    python -m scripts.bench.big_db build [--clinics 1000] [--messages 1000000] [--busiest 100000]

Run with the project's settings and DATABASE_URL naming an empty, migrated PostgreSQL database that already holds
the two demo clinics (`seed_demo`): `make bench` does all of it (database `clinic_bench14_big`) and skips it on
`--reuse` when the database is already complete. How it stays fast:
- clinics through the real onboarding (`create_or_update_clinic`: Site, home, settings, collection, groups and
  their permissions, workflow), so the admin's permission queries see 1,000 clinics' groups as in real life; each
  clinic then gets two procedure pages with a recovery page each through Wagtail's `add_child` (treebeard's path
  arithmetic, one page at a time: a few thousand pages are quick enough, see the build timings the bench prints);
- messages by PostgreSQL COPY, in one stream: the two demo clinics get `--busiest` messages each, spread over their
  clinical pages; the rest is spread over the other clinics. Statuses are mixed as a real clinic's would be
  (mostly approved, a pending queue, some rejected and spam). Every column gets its model default unless set here.
Timings go to stdout as JSON on the last line.
"""

import argparse
import datetime
import json
import random
import time

import django

DEMO_HOSTS = ("ascpm.localhost", "spinaldiagnostics.localhost")
STATUS_WEIGHTS = (("approved", 70), ("pending", 20), ("rejected", 7), ("spam", 3))
_VOCABULARY = (
    "pain back neck injection doctor nurse relief week month sleep walk better worse steroid numb sore bruise "
    "appointment thank you helpful clear question after before still knee hip leg arm morning night day"
)
WORDS = tuple(_VOCABULARY.split(" "))
NAMES = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Robin", "Drew")
SEED = 14


def clinic_name(number):
    return f"Bench clinic {number:04d}"


def clinic_host(number):
    return f"clinic{number:04d}.localhost"


def page_data(template, number, index):
    data = {key: value for key, value in template.items() if key != "reviewer"}
    data["slug"] = f"{template['slug']}-{index}"
    data["title"] = f"{template['title']} {index} ({number})"
    return data


def build_clinics(count):
    """Clinics 3..count through onboarding, each with 2 procedure pages and a recovery page under each."""
    from django.db import transaction

    from pages.clinics.onboarding import create_or_update_clinic
    from pages.demo import content
    from pages.models import ProcedurePage, RecoveryGuidancePage

    existing = {site.hostname for site in django.apps.apps.get_model("wagtailcore", "Site").objects.all()}
    made = 0
    for number in range(len(DEMO_HOSTS) + 1, count + 1):
        if clinic_host(number) in existing:
            continue
        # One transaction per clinic: one commit (one WAL flush) instead of one per statement.
        with transaction.atomic():
            result = create_or_update_clinic(clinic_name(number), clinic_host(number), display_name=clinic_name(number))
            for index in (1, 2):
                procedure = result.home_page.add_child(
                    instance=ProcedurePage(**page_data(content.ASCPM_PROCEDURE, number, index))
                )
                procedure.add_child(instance=RecoveryGuidancePage(**page_data(content.SPINAL_RECOVERY, number, index)))
        made += 1
    return made


def message_pages():
    """{site_id: [page ids that take messages]} for every clinic: its procedure and recovery pages."""
    from wagtail.models import Site

    from pages.models import ProcedurePage, RecoveryGuidancePage

    pages = {}
    for site in Site.objects.select_related("root_page"):
        ids = [
            *ProcedurePage.objects.descendant_of(site.root_page).values_list("pk", flat=True),
            *RecoveryGuidancePage.objects.descendant_of(site.root_page).values_list("pk", flat=True),
        ]
        if ids:
            pages[site.pk] = ids
    return pages


def plan_messages(pages, busiest_sites, total, busiest):
    """(site_id, page_id) of every message to write: `busiest` for each busiest site, the rest spread evenly."""
    others = [site for site in pages if site not in busiest_sites]
    rest = total - busiest * len(busiest_sites)
    if rest < 0 or not others:
        raise ValueError("more messages for the busiest clinics than in total, or no other clinic")
    for site in busiest_sites:
        for n in range(busiest):
            yield site, pages[site][n % len(pages[site])]
    for n in range(rest):
        site = others[n % len(others)]
        yield site, pages[site][(n // len(others)) % len(pages[site])]


def message_columns():
    """The COPY columns and their default values: every concrete field of PatientMessage but the id."""
    from pages.models import PatientMessage

    defaults = {}
    for field in PatientMessage._meta.concrete_fields:
        if field.primary_key:
            continue
        default = field.get_default() if field.has_default() else (None if field.null else "")
        if callable(default):
            default = None
        defaults[field.column] = default
    return defaults


def copy_messages(total, busiest):
    """Write the messages with one COPY; returns the number written."""
    from django.db import connection
    from django.utils import timezone
    from wagtail.models import Site

    from pages.models import PatientMessage

    rng = random.Random(SEED)  # noqa: S311 - repeatable test data, not a secret
    pages = message_pages()
    busiest_sites = list(Site.objects.filter(hostname__in=DEMO_HOSTS).values_list("pk", flat=True))
    defaults = message_columns()
    columns = list(defaults)
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    now = timezone.now()
    table = PatientMessage._meta.db_table
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3's cursor: COPY through it
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # noqa: S608 - our own names
            for site_id, page_id in plan_messages(pages, busiest_sites, total, busiest):
                row = dict(defaults)
                status = statuses[rng.randrange(len(statuses))]
                submitted = now - datetime.timedelta(seconds=rng.randrange(3 * 365 * 24 * 3600))
                name = f"{rng.choice(NAMES)} {written % 997}"
                row.update(
                    site_id=site_id,
                    page_id=page_id,
                    author_name=name,
                    author_email=f"patient{written}@example.org",
                    body=" ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 40))).capitalize() + ".",
                    status=status,
                    submitted_at=submitted,
                    moderated_at=submitted + datetime.timedelta(hours=2) if status != "pending" else None,
                )
                copy.write_row([row[column] for column in columns])
                written += 1
        cursor.execute(f"ANALYZE {table}")  # noqa: S608 - our own table name
    return written


def counts():
    from wagtail.models import Page, Site

    from pages.models import PatientMessage

    return {"clinics": Site.objects.count(), "pages": Page.objects.count(), "messages": PatientMessage.objects.count()}


def is_complete(clinics, messages):
    """True when the database already holds what `build` makes (so `--reuse` can skip it)."""
    have = counts()
    return have["clinics"] >= clinics and have["messages"] >= messages


def build(clinics, messages, busiest):
    from pages.models import PatientMessage

    timings = {}
    started = time.perf_counter()
    made = build_clinics(clinics)
    timings["clinics_created"] = made
    timings["clinics_and_pages_seconds"] = round(time.perf_counter() - started, 1)
    # A rebuild starts the messages afresh (the demo's own few are replaced too).
    PatientMessage.objects.all().delete()
    started = time.perf_counter()
    timings["messages_written"] = copy_messages(messages, busiest)
    timings["messages_copy_seconds"] = round(time.perf_counter() - started, 1)
    timings.update(counts())
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the large benchmark database (see the module docstring).")
    parser.add_argument("command", choices=["build", "check"], help="build it, or only say whether it is complete")
    parser.add_argument("--clinics", type=int, default=1000, help="Clinics in all, the two demo ones included.")
    parser.add_argument("--messages", type=int, default=1_000_000, help="Patient messages in all.")
    parser.add_argument("--busiest", type=int, default=100_000, help="Messages of each of the two demo clinics.")
    args = parser.parse_args(argv)
    django.setup()
    if args.command == "check":
        result = {"complete": is_complete(args.clinics, args.messages), **counts()}
    else:
        result = build(args.clinics, args.messages, args.busiest)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
