"""In-process measurements through Django's test client: query counts of public pages, the moderators' admin views
(p50 over N requests, logged in as the clinic's moderator), the dashboard and page explorer, and bulk approve.

Run by the bench as a child process with the settings and database to measure (never imported by the project):
    python -m scripts.bench.probe public OUT.json HOST PATH [HOST PATH ...]
    python -m scripts.bench.probe admin OUT.json --host H --moderator U --editor U [--requests N] [--bulk 100,1000]
It writes JSON to OUT.json (stdout stays free for Django's own logging). Patient data never leaves it: only
counts, timings and status codes.
"""

import argparse
import json
import time
from statistics import median

import django

CACHE_HEADERS = ("x-page-cache", "x-cache", "age", "cache-control")


def count_queries(client, path, host, **extra):
    """(status, queries, seconds, response) of one warm request (a first one warms the per-process caches)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path, HTTP_HOST=host, secure=True, **extra)
        elapsed = time.perf_counter() - started
    return response.status_code, len(queries), elapsed, response


def public(out, pairs):
    from django.test import Client

    client = Client()
    rows = []
    for host, path in zip(pairs[::2], pairs[1::2], strict=True):
        client.get(path, HTTP_HOST=host, secure=True)
        status, queries, _elapsed, response = count_queries(client, path, host)
        headers = {name: response.headers.get(name) for name in CACHE_HEADERS if response.headers.get(name)}
        rows.append({"host": host, "path": path, "status": status, "queries": queries, "headers": headers})
    return rows


def timed_view(client, path, host, requests):
    status, queries, _elapsed, _response = count_queries(client, path, host)
    timings = []
    for _ in range(requests):
        _status, _queries, elapsed, _response = count_queries(client, path, host)
        timings.append(elapsed * 1000)
    return {"status": status, "queries": queries, "p50_ms": round(median(timings), 1), "requests": requests}


def admin_views(client, host, site, requests):
    from django.urls import reverse

    from pages.models import PatientMessage

    index = reverse("patient_messages:index")
    busiest = (
        PatientMessage.objects.filter(site=site)
        .values_list("page_id", flat=True)
        .order_by("page_id")
        .distinct()
        .first()
    )
    word = "pain"
    views = {
        "first page": index,
        "pending": f"{index}?status=pending",
        f"search '{word}'": f"{index}?q={word}",
        "page filter": f"{index}?page={busiest}",
    }
    return {name: timed_view(client, path, host, requests) for name, path in views.items()}


# Django refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) parameters, and the admin ticks at
# most a page of rows (50), so a larger selection is made as a moderator makes it: "select all" on a filtered list.
EXPLICIT_IDS_LIMIT = 500


def bulk_approve(client, host, site, size):
    """Approve about `size` pending messages of the clinic through the bulk action, then put them back to pending.

    Up to EXPLICIT_IDS_LIMIT the messages are ticked by id; beyond, "select all" (`id=all`) on the listing filtered
    to pending messages submitted since the day that holds the `size`-th newest one (so a few more than `size`).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from pages.models import PatientMessage, Status

    pending = PatientMessage.objects.filter(site=site, status=Status.PENDING, erased_at=None).order_by("-submitted_at")
    index = reverse("patient_messages:index")
    url = reverse("wagtail_bulk_action", args=["pages", "patientmessage", "approve"])
    if size <= EXPLICIT_IDS_LIMIT:
        ids = list(pending.values_list("pk", flat=True)[:size])
        query = f"?next={index}&" + "&".join(f"id={pk}" for pk in ids)
        how = "ticked by id"
    else:
        oldest = pending.values_list("submitted_at", flat=True)[size - 1 : size].first()
        if oldest is None:
            return {"ok": False, "problem": "not enough pending messages", "seconds": None, "queries": None}
        since = timezone.localdate(oldest)
        ids = list(pending.filter(submitted_at__date__gte=since).values_list("pk", flat=True))
        query = f"?next={index}&id=all&status=pending&submitted_at_after={since.isoformat()}"
        how = "select all of the pending list filtered by date"
    if len(ids) < size:
        return {"ok": False, "problem": f"only {len(ids)} pending messages", "seconds": None, "queries": None}
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(url + query, HTTP_HOST=host, secure=True)
        seconds = time.perf_counter() - started
    approved = PatientMessage.objects.filter(pk__in=ids, status=Status.APPROVED).count()
    # Back to pending, so the next run finds them again (their audit entries stay, as in real life).
    PatientMessage.objects.filter(pk__in=ids).update(status=Status.PENDING, moderated_at=None, moderated_by=None)
    ok = response.status_code in (200, 302) and approved == len(ids)
    row = {
        "ok": ok,
        "selected": len(ids),
        "how": how,
        "seconds": round(seconds, 3),
        "queries": len(queries),
        "status": response.status_code,
    }
    if not ok:
        row["problem"] = f"HTTP {response.status_code}, {approved} of {len(ids)} approved"
    return row


def admin(out, args):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from wagtail.models import Site

    user_model = get_user_model()
    site = Site.objects.get(hostname=args.host)
    moderator = Client()
    moderator.force_login(user_model.objects.get(username=args.moderator), "django.contrib.auth.backends.ModelBackend")
    editor = Client()
    editor.force_login(user_model.objects.get(username=args.editor), "django.contrib.auth.backends.ModelBackend")
    result = {"views": admin_views(moderator, args.host, site, args.requests), "counts": {}}
    moderator.get("/admin/", HTTP_HOST=args.host, secure=True)
    status, queries, _elapsed, _response = count_queries(moderator, "/admin/", args.host)
    result["counts"]["dashboard"] = queries if status == 200 else None
    explorer = f"/admin/pages/{site.root_page_id}/"
    editor.get(explorer, HTTP_HOST=args.host, secure=True)
    status, queries, _elapsed, _response = count_queries(editor, explorer, args.host)
    result["counts"]["explorer"] = queries if status == 200 else None
    if args.bulk:
        result["bulk"] = {str(size): bulk_approve(moderator, args.host, site, size) for size in args.bulk}
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description="Measure pages in-process (used by `make bench`).")
    parser.add_argument("mode", choices=["public", "admin"], help="What to measure.")
    parser.add_argument("out", help="Where to write the JSON result.")
    parser.add_argument("pairs", nargs="*", help="public: HOST PATH pairs.")
    parser.add_argument("--host", help="admin: the clinic's hostname.")
    parser.add_argument("--moderator", help="admin: the clinic moderator's username.")
    parser.add_argument("--editor", help="admin: the clinic editor's username (page explorer).")
    parser.add_argument("--requests", type=int, default=20, help="admin: requests per view for the p50.")
    parser.add_argument(
        "--bulk", type=lambda text: [int(n) for n in text.split(",") if n], default=[], help="admin: bulk sizes."
    )
    args = parser.parse_args(argv)
    django.setup()
    result = public(args.out, args.pairs) if args.mode == "public" else admin(args.out, args)
    with open(args.out, "w") as out:
        json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
