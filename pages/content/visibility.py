"""Which pages anyone may read: `public(queryset)`, Wagtail's `.public()` without its scan of every restriction.

Wagtail's `PageQuerySet.public()` first reads every PageViewRestriction of every clinic (one query, growing with the
number of restricted sections platform-wide), then excludes each restricted section by path. Here the same rule (a
page is not public when it or an ancestor carries a view restriction of any kind) is a NOT EXISTS inside the page
query itself: no extra query, whatever the number of clinics or restrictions.
"""

from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from wagtail.models import PageViewRestriction


def restricted():
    """An Exists() that is true for a page (the outer query's row) in a restricted section: its own or an ancestor's
    restriction, since a restricted page's path starts every descendant's path."""
    return Exists(PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path"))))


def public(queryset):
    """`queryset` (of pages) without those in a restricted section, in the same single query."""
    return queryset.exclude(restricted())
