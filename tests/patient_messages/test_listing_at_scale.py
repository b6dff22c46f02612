"""The moderators' listing at a busy clinic: its count stops at a cap, its rows are the same markup as Wagtail's
templates would write, and its search is served by trigram indexes on PostgreSQL."""

import re

import pytest
from django.db import connection

from pages.patient_messages import rules
from pages.patient_messages.admin import cells, listing
from pages.patient_messages.models import PatientMessage, Status
from tests.patient_messages.moderation_support import INDEX_URL
from tests.patient_messages.test_scale_queries import add_messages


def normalised(html):
    return re.sub(r"\s+>", ">", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", re.sub(r"\s+", " ", html))))


def rows_of(html):
    """The listing table's body (the page has other tables, e.g. the keyboard shortcuts)."""
    start = html.index("<tbody>", html.index('class="clinic-message-excerpt'))
    return normalised(html[start : html.index("</tbody>", start)])


def test_past_the_cap_the_listing_says_more_and_counts_no_further(as_moderator_a, procedure_a, monkeypatch):
    monkeypatch.setattr(listing, "STATUS_COUNT_CAP", 5)
    add_messages(procedure_a, 7)

    html = as_moderator_a.get(INDEX_URL).content.decode()

    assert "5+ patient messages" in html
    assert "data-patient-message-count-capped" in html
    assert "More than 5 messages" in html


def test_under_the_cap_the_listing_gives_the_exact_count_and_no_note(as_moderator_a, procedure_a, monkeypatch):
    monkeypatch.setattr(listing, "STATUS_COUNT_CAP", 5)
    add_messages(procedure_a, 4)

    html = as_moderator_a.get(INDEX_URL).content.decode()

    assert "data-patient-message-count-capped" not in html
    assert "5+" not in html


@pytest.mark.parametrize("query", ["", "?status=pending"])
def test_the_rows_are_the_markup_wagtails_cell_templates_write(as_moderator_a, procedure_a, monkeypatch, query):
    add_messages(procedure_a, 3)
    urgent = add_messages(procedure_a, 1)[0]
    PatientMessage.objects.filter(pk=urgent.pk).update(flags=rules.FLAG_URGENT)
    written_here = rows_of(as_moderator_a.get(INDEX_URL + query).content.decode())

    # The same page through Wagtail's own cell templates.
    monkeypatch.setattr(listing, "plain_buttons", lambda buttons: None)
    for column in (cells.PlainColumn, cells.PlainStatusTagColumn, cells.PlainDateColumn):
        monkeypatch.delattr(column, "render_cell_html")
    through_templates = rows_of(as_moderator_a.get(INDEX_URL + query).content.decode())

    # Wagtail's dropdown template adds a stray type="button" to its <div> and an empty class to its links.
    through_templates = through_templates.replace(' type="button">', ">").replace(' class="">', ">")
    assert "Urgent symptoms" in written_here
    assert written_here == through_templates


@pytest.mark.services
def test_the_search_reads_the_trigram_indexes_on_postgresql(db, procedure_a):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'pages_patientmessage'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"message_name_trgm", "message_body_trgm"} <= names
    add_messages(procedure_a, 50, status=Status.APPROVED)
    # The search's own condition (scoped_listing, SEARCH_FIELDS). On a table this small the planner would rather
    # scan: with scans off it shows which index serves the condition (at a million rows it picks them itself).
    queryset = PatientMessage.objects.filter(
        listing.Q(author_name__icontains="sciatica") | listing.Q(body__icontains="sciatica")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "message_body_trgm" in plan and "message_name_trgm" in plan
