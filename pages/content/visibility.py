"""Which pages anyone may read: `public(queryset)`, Wagtail's `.public()` without its scan of every restriction.

Wagtail's `PageQuerySet.public()` first reads every PageViewRestriction of every clinic (one query, growing with the
number of restricted sections platform-wide), then excludes each restricted section by path. Here the same rule (a
page is not public when it or an ancestor carries a view restriction of any kind) is a NOT EXISTS inside the page
query itself: no extra query, whatever the number of clinics or restrictions.
"""

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from wagtail.models import Page, PageViewRestriction


def restricted():
    """An Exists() that is true for a page (the outer query's row) in a restricted section: its own or an ancestor's
    restriction, since a restricted page's path starts every descendant's path."""
    return Exists(PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path"))))


def public(queryset):
    """`queryset` (of pages) without those in a restricted section, in the same single query."""
    return queryset.exclude(restricted())


def view_restrictions(page):
    """The view restrictions that apply to `page`: its own and its ancestors', an alias's taken from its source.

    Wagtail's Page.get_view_restrictions() gives the same answer in two queries (the ancestors first, then their
    restrictions); here the ancestors' paths come from the page's own path, so it is one.
    """
    steplen = page.steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    sources = Page.objects.filter(path__in=paths).values(source=Coalesce("alias_of_id", "id"))
    return PageViewRestriction.objects.filter(page_id__in=sources)


class ViewRestrictionsMixin:
    """Page types served to patients: Wagtail's check of view restrictions before serving costs one query."""

    def get_view_restrictions(self):
        return view_restrictions(self)
