"""The full-page cache's entries in Django's shared cache, and the generations that purge them.

An entry is one path of one clinic site: a dict of variants (host and the message page number) to the stored
response. Whether it may be served is decided by three generation tokens read in the same round trip: one for all
clinics, one for the clinic's site and one for the path. A purge replaces a token with a new random one, so every
entry stored under the old one is dead at once, without finding or deleting it. A token evicted from the cache is
simply recreated with a new value, which also kills the old entries: an eviction can never revive a stale page.

An entry is tagged with the tokens read *before* the page was rendered, so a page rendered while a change was being
committed, and stored after its purge, is never served.
"""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache

PREFIX = "page-cache"
ALL_SITES = f"{PREFIX}:generation:all"
# A path with many message pages keeps at most this many variants; beyond it the entry starts again.
MAX_VARIANTS = 64
# Response headers never stored: a cookie belongs to one visitor (such responses are not stored at all).
UNSTORED_HEADERS = {"set-cookie"}


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def site_generation_key(site_id):
    return f"{PREFIX}:generation:site:{site_id}"


def path_generation_key(site_id, path):
    return f"{PREFIX}:generation:path:{site_id}:{_digest(path)}"


def entry_key(site_id, path):
    return f"{PREFIX}:entry:{site_id}:{_digest(path)}"


def _generation_keys(site_id, path):
    return (ALL_SITES, site_generation_key(site_id), path_generation_key(site_id, path))


def new_generation(key):
    """Start a new generation under `key`: everything stored under the previous one is dead."""
    cache.set(key, uuid.uuid4().hex, timeout=None)


class Lookup:
    """One request's look in the cache: the stored response if any, and the generations to store a new one under."""

    def __init__(self, site_id, path, variant):
        self.site_id, self.path, self.variant = site_id, path, variant
        keys = _generation_keys(site_id, path)
        found = cache.get_many([*keys, entry_key(site_id, path)])
        self.generations = tuple(found.get(key) for key in keys)
        entry = found.get(entry_key(site_id, path))
        self.entry = entry if entry and entry.get("generations") == self.generations else None

    @property
    def hit(self):
        """(status, headers, content) of a live stored response for this variant, or None."""
        if None in self.generations or self.entry is None:
            return None
        stored = self.entry["variants"].get(self.variant)
        if stored is None or stored["stored_at"] + settings.PAGE_CACHE_SECONDS < time.time():
            return None
        return stored["status"], stored["headers"], stored["content"]

    def save(self, response):
        """Keep `response` for this variant under the generations read before it was rendered."""
        generations = self.generations
        if None in generations:
            # A generation not set yet (or evicted): start it and store nothing this time, since this page was
            # rendered before it existed; the next request stores the page. add() keeps a purge's racing value.
            for key, value in zip(_generation_keys(self.site_id, self.path), generations, strict=True):
                if value is None:
                    cache.add(key, uuid.uuid4().hex, timeout=None)
            return
        variants = dict(self.entry["variants"]) if self.entry else {}
        if len(variants) >= MAX_VARIANTS:
            variants = {}
        variants[self.variant] = {
            "status": response.status_code,
            "headers": [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS],
            "content": response.content,
            "stored_at": time.time(),
        }
        cache.set(
            entry_key(self.site_id, self.path),
            {"generations": generations, "variants": variants},
            timeout=settings.PAGE_CACHE_SECONDS,
        )


def purge_all_sites():
    new_generation(ALL_SITES)


def purge_site(site_id):
    new_generation(site_generation_key(site_id))


def purge_path(site_id, path):
    new_generation(path_generation_key(site_id, path))
