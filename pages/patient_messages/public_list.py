"""The public list of a page's approved messages, one page of it at a time, without a COUNT when one page holds all.

Django's Paginator counts the rows (one query), then reads the page asked for (another), and for the newest page,
shown by default, it reads with an OFFSET past every older message. Here the newest page is read from the newest
end instead: the newest rows, one more than a page holds, tell in a single query whether one page holds them all
(no COUNT), and otherwise they already hold the last page, so a page with 100,000 messages costs one COUNT (from
the index) more, never a scan of every message.
"""

from django.core.paginator import Page, Paginator


def known_count_paginator(object_list, per_page, count):
    paginator = Paginator(object_list, per_page)
    # Paginator.count is a cached property: setting it skips the COUNT query.
    paginator.__dict__["count"] = count
    return paginator


def messages_page(queryset, per_page, requested):
    """The Page of messages to show: `requested` (a number, from the address) or, without one, the newest page.

    Numbered oldest first, so a page number keeps its messages as new ones arrive. A missing, non-numeric or
    out-of-range number gives the first or last page, as Paginator.get_page does.
    """
    if requested:
        return Paginator(queryset, per_page).get_page(requested)
    newest = list(queryset.reverse()[: per_page + 1])
    if len(newest) <= per_page:
        return known_count_paginator(newest[::-1], per_page, len(newest)).page(1)
    paginator = known_count_paginator(queryset, per_page, queryset.count())
    on_last_page = paginator.count - (paginator.num_pages - 1) * per_page
    return Page(newest[:on_last_page][::-1], paginator.num_pages, paginator)
