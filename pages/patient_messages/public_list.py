"""The public list of a page's approved messages, one page of it at a time, without a COUNT when one page holds all.

Django's Paginator counts the rows (one query), then reads the page asked for (another). Most pages have fewer
messages than fit on one page of the list: reading one row more than a page holds tells that in a single query,
and answers it with the same rows. When there are more, the rows come with their total (a window count in the same
query), so the newest page, shown by default, still costs only one more query.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Window


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
    head = list(queryset.annotate(list_total=Window(Count("pk")))[: per_page + 1])
    total = head[0].list_total if head else 0
    if total <= per_page:
        return known_count_paginator(head, per_page, total).page(1)
    paginator = known_count_paginator(queryset, per_page, total)
    return paginator.page(paginator.num_pages)
