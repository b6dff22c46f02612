"""The crawl: the admin links a user is shown, breadth-first from the dashboard."""

import html
import re
from collections import Counter, deque
from urllib.parse import urlsplit

from django.urls import resolve
from django.urls.exceptions import Resolver404

from tests.isolation.patterns import wagtail_match
from tests.isolation.responses import response_bytes

LINK = re.compile(r"""["'](/admin/[^"'\s<>\\]*)""")
CRAWL_SKIP_NAMES = {"wagtailadmin_logout"}
MAX_URLS_PER_PATTERN = 8


def admin_links(text):
    """Admin URLs in a page: attributes, JSON props and scripts alike."""
    for match in LINK.finditer(html.unescape(text)):
        link = match.group(1).split("#", 1)[0]
        # Templates for client-side code ('/admin/pages/{id}/', '__ID__') are not links.
        if any(mark in link for mark in ("{", "}", "__", "%7B", "999999")):
            continue
        yield link


def crawl(checker, start="/admin/", limit=300):
    """Breadth-first over the admin links a user is shown; GET only. Returns the URLs visited."""
    queue, seen, visited = deque([start]), {start}, []
    per_pattern = Counter()
    while queue and len(visited) < limit:
        url = queue.popleft()
        try:
            match = wagtail_match(resolve(urlsplit(url).path))
        except Resolver404:
            continue
        name = match.view_name
        if name in CRAWL_SKIP_NAMES or per_pattern[name] >= MAX_URLS_PER_PATTERN:
            continue
        per_pattern[name] += 1
        visited.append(url)
        response = checker.request("GET", url, f"crawl: {name}", group=name)
        content_type = response.get("Content-Type", "")
        if "html" not in content_type and "json" not in content_type:
            continue
        for link in admin_links(response_bytes(response).decode("utf-8", errors="replace")):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return visited
