"""The upgrade checklist of private Wagtail parts the project relies on (pages/isolation/wagtail_internals.py)."""

import wagtail

from pages.isolation import wagtail_internals


def test_every_private_wagtail_part_relied_on_is_still_there():
    assert wagtail_internals.missing() == []


def test_the_checklist_was_checked_against_the_installed_wagtail():
    # A new Wagtail release fails here until each entry has been read against it and CHECKED_VERSION raised.
    assert tuple(wagtail.VERSION[:2]) == wagtail_internals.CHECKED_VERSION


def test_the_checklist_notices_a_part_that_is_gone(monkeypatch):
    gone = wagtail_internals.Internal("wagtail.models.sites:Site.no_such_method", "why", "somewhere")
    renamed = wagtail_internals.Internal(
        "wagtail.models.sites:Site.find_for_request", "why", "somewhere", source_contains="request._renamed_cache"
    )
    monkeypatch.setattr(wagtail_internals, "INTERNALS", (gone, renamed))
    problems = wagtail_internals.missing()
    assert len(problems) == 2
    assert "no_such_method" in problems[0] and "_renamed_cache" in problems[1]
