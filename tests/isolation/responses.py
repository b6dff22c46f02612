"""Reading responses: HTML, JSON, CSV and XLSX as text, and where clinic B's marker shows."""

import io
import re
from urllib.parse import urlsplit

import openpyxl
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.urls import reverse

from tests.isolation.world import MARKER


def response_bytes(response):
    """The body, kept on the response: a streamed body (CSV exports, files) can be read only once."""
    if not hasattr(response, "_isolation_body"):
        streaming = getattr(response, "streaming", False)
        response._isolation_body = b"".join(response.streaming_content) if streaming else response.content
    return response._isolation_body


def response_text(response, raw_spreadsheets=True):
    """The response as text a person or program would read: headers that matter, the body, and spreadsheet cells.

    A spreadsheet's raw bytes (compressed XML, with the time it was made) are included unless `raw_spreadsheets` is
    false: to compare two renders, only the cells count.
    """
    body = response_bytes(response)
    parts = [response.get("Location", ""), response.get("Content-Disposition", "")]
    is_spreadsheet = body[:2] == b"PK"
    if is_spreadsheet:  # XLSX is a zip archive: read its cells, its raw XML is compressed.
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
            for sheet in workbook.worksheets:
                parts.append(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    parts.append("\t".join("" if value is None else str(value) for value in row))
        except Exception as exc:  # noqa: BLE001 - not a workbook after all: the bytes are still searched below
            parts.append(f"<unreadable zip: {exc}>")
    if raw_spreadsheets or not is_spreadsheet:
        parts.append(body.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def marker_hits(text, limit=3):
    """The distinct clinic-B markers in `text`, each with a little context: what leaked and where."""
    found = {}
    for match in MARKER.finditer(text):
        word = match.group(0).replace("\\u002d", "-").replace("\\u002D", "-")
        if word.lower() in found:
            continue
        start, end = max(match.start() - 50, 0), min(match.end() + 30, len(text))
        context = re.sub(r"\s+", " ", text[start:end])
        found[word.lower()] = f"{word!r} in …{context}…"
        if len(found) >= limit:
            break
    return list(found.values())


COOKIE_MESSAGES = CookieStorage.cookie_name
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 4


def take_flash_messages(client):
    """The texts of the flash messages a client holds in its cookie, which is then emptied."""
    morsel = client.cookies.get(COOKIE_MESSAGES)
    if morsel is None or not morsel.value:
        return []
    client.cookies.pop(COOKIE_MESSAGES)
    return [str(message) for message in CookieStorage(HttpRequest())._decode(morsel.value) or []]


def refused_location(location):
    """Whether a redirect goes to the dashboard or the login page."""
    path = urlsplit(location).path
    return path in {reverse("wagtailadmin_home"), reverse("wagtailadmin_login")}
