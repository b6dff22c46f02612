"""The checks run on every request: no marker, URLs naming clinic B refused, clinic B's rows unchanged."""

import re
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import connection, transaction
from django.urls import resolve
from django.urls.exceptions import Resolver404

from tests.isolation.differential import differential_cases, normalised
from tests.isolation.payloads import post_payload
from tests.isolation.responses import (
    MAX_REDIRECTS,
    REDIRECTS,
    marker_hits,
    refused_location,
    response_text,
    take_flash_messages,
)
from tests.isolation.rows import clinic_snapshot, payload_traces, snapshot_diff

REFUSALS = {403, 404, 405}
# Views that answer the same for any id without reading or changing the object: the status rule does not apply to
# them (the marker and row checks still do). Each entry says why.
ANSWERS_ANY_ID = {
    "wagtailadmin_editing_sessions:release": "deletes only the caller's own editing session with that id "
    "(EditingSession.objects.filter(id=..., user=request.user)) and answers {} whatever the id",
}


def names_any(location, values):
    """Whether an admin URL's path parameters name any of `values` (ids as strings)."""
    try:
        match = resolve(urlsplit(location).path)
    except Resolver404:
        return False
    return bool({str(value) for value in match.kwargs.values()} & values)


def database_writes():
    """Rows written so far on this connection, or None where the database cannot tell.

    Comparing the snapshot costs ~40 queries; most requests write nothing at all, and this counter says so for the
    price of one attribute read (SQLite) or one query (PostgreSQL, whose per-transaction statistics count rows
    written in rolled-back savepoints too).
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
            return cursor.fetchone()[0]
    return None


class Checker:
    """Sends one role's requests, each in a savepoint rolled back afterwards, and collects every problem."""

    def __init__(self, client, world, role):
        self.client = client
        self.world = world
        self.role = role
        self.found = {}  # collapse key -> [report, how many more requests showed the same]
        self.before = clinic_snapshot(world.b)
        self.traces_before = payload_traces()
        # One report per leaking page, however many requests redirect to it.
        self.reported = set()
        self.group = None
        client.raise_request_exception = False

    @property
    def problems(self):
        return [
            text + (f" (and {more} more URL(s) of this view)" if more else "") for text, more in self.found.values()
        ]

    def problem(self, method, url, case_description, text):
        # In the crawl, the same leak on page 2, sorted by title, etc. of one view is one problem, not twenty.
        key = (self.group, re.sub(r"….*", "", text)) if self.group else len(self.found)
        if key in self.found:
            self.found[key][1] += 1
        else:
            self.found[key] = [f"{method} {url} [{case_description}]: {text}", 0]

    def run(self, case, method="GET"):
        data = post_payload(self.world, case.pattern) if method == "POST" else None
        must_refuse = case.must_refuse and case.pattern.name not in ANSWERS_ANY_ID
        response = self.request(method, case.url, case.description, must_refuse, case.b_values, data)
        if method == "GET" and case in differential_cases([case]):
            final_url, final = self.last_hop
            rendered = normalised(response_text(final, raw_spreadsheets=False))
            self.world.renders[(self.role, case.url)] = (f"{final.status_code} {final_url}", rendered)
        return response

    def request(self, method, url, description, must_refuse=False, b_values=frozenset(), data=None, group=None):
        """Send one request (following admin redirects that stay on the object); return the last response."""
        self.world.stats[f"requests {method}"] += 1
        self.group = group
        with transaction.atomic():
            writes = database_writes()
            chain = self._send(method, url, data, b_values if must_refuse else None)
            self.last_hop = chain[-1]
            self._check_bodies(method, url, description, chain)
            # A flash message waiting for the next page (e.g. on the dashboard a refusal redirects to) is shown to
            # the user too: it is checked here, with the request that made it, and not carried to the next one.
            hits = marker_hits("\n".join(take_flash_messages(self.client)))
            if hits:
                self.problem(method, url, description, f"leaves a message showing clinic B data: {'; '.join(hits)}")
            if must_refuse:
                self._check_refused(method, url, description, chain, b_values)
            if connection.needs_rollback:
                self.problem(method, url, description, "broke the database transaction; rows not compared")
            elif writes is None or database_writes() != writes:
                changed = snapshot_diff(self.before, clinic_snapshot(self.world.b))
                if changed:
                    self.problem(method, url, description, f"changed clinic B data: {changed}")
                created = must_refuse and snapshot_diff(self.traces_before, payload_traces())
                if created:
                    self.problem(method, url, description, f"created from clinic B's object: {created}")
            transaction.set_rollback(True)
        # Cached site roots and permissions must not outlive the rolled-back rows.
        cache.clear()
        return chain[-1][1]

    def _send(self, method, url, data, b_values):
        """[(url, response)]: the request and the admin redirects followed from it.

        For a URL naming a clinic-B object, only redirects that still name it are followed: a redirect elsewhere
        (the user's own explorer, a listing) is a refusal, and where it lands is checked as a URL of its own.
        """
        response = self.client.post(url, data) if method == "POST" else self.client.get(url)
        chain = [(url, response)]
        while response.status_code in REDIRECTS and len(chain) <= MAX_REDIRECTS:
            location = response["Location"]
            target = urlsplit(location)
            if target.netloc or not target.path.startswith("/admin/") or refused_location(location):
                break
            if b_values is not None and not names_any(location, b_values):
                break
            response = self.client.get(location)
            chain.append((location, response))
        return chain

    def _check_bodies(self, method, url, description, chain):
        for hop_url, hop in chain:
            # A page that fails cannot be checked. (POSTs of the matrix's synthetic body to views it does not fit
            # may fail without telling anything; on a clinic-B URL that is still reported as not refusing.)
            if hop.status_code >= 500 and (method == "GET" or hop_url != url):
                self.problem(method, url, description, f"server error {hop.status_code} at {hop_url}")
            hits = marker_hits(response_text(hop))
            if not hits:
                continue
            key = (hop_url, hits[0].split(" in ")[0])
            if hop_url != url and key in self.reported:
                continue
            self.reported.add(key)
            where = "" if hop_url == url else f" (after redirect to {hop_url})"
            self.problem(method, url, description, f"shows clinic B data{where}: {'; '.join(hits)}")

    def _check_refused(self, method, url, description, chain, b_values):
        final = chain[-1][1]
        if final.status_code in REFUSALS:
            return
        if final.status_code in REDIRECTS:
            location = final["Location"]
            if refused_location(location) or not names_any(location, b_values):
                return
        route = " -> ".join(f"{hop.status_code} {hop_url}" for hop_url, hop in chain)
        self.problem(
            method,
            url,
            description,
            f"answers {final.status_code} instead of refusing (403/404/405 or a redirect away from the object)"
            + ("" if len(chain) == 1 else f"; chain: {route}"),
        )
