"""When a master is published again: each adopted copy learns of it, and each clinic's reviewers get an email.

A copy whose sections did not change (the master's title or review only) is brought up to date at once and nobody
is told; the others wait for the clinic's choice (views.library_compare) and are announced after the commit.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from pages.library.adoption import Versions, is_waiting, settle
from pages.library.notifications import COMPARE_URL_NAME, notify_library_update
from pages.library.pages import master_of
from pages.library.records import LibraryAdoption

CHANGED = "The library version of this page has changed."


def master_published(sender, instance, **kwargs):
    """`page_published` receiver: settle or announce every copy of a published master."""
    master = master_of(instance)
    if master is None:
        return
    for adoption in LibraryAdoption.objects.filter(master=master).select_related("master"):
        if settle(adoption, Versions(adoption)):
            transaction.on_commit(lambda pk=adoption.pk: notify_library_update.enqueue(pk))


def editor_notice(user, page):
    """The page editor's message for an adopted copy with library changes waiting, or None (one query)."""
    adoption = (
        LibraryAdoption.objects.filter(page_id=page.pk)
        .select_related("master")
        .only("pk", "master__live_revision_id", "master_revision_id")
        .first()
    )
    if adoption is None or not is_waiting(adoption):
        return None
    url = reverse(COMPARE_URL_NAME, args=[adoption.pk])
    return format_html('{} <a href="{}">Compare the sections and choose what to take</a>.', CHANGED, url)
