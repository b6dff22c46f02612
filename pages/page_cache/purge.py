"""What purges the cached pages, here (store.py) and at the edge (edge.py), always after the change commits.

The whole clinic site (menus, the sitemap, listings and search all show other pages): a page published,
unpublished, moved or deleted; a view restriction added, changed or removed; the clinic's settings or its Site
saved, or an image of its collection changed (the reference rule keeps a clinic's pages to its own images; an image
moved between collections purges both clinics). Every clinic: an image outside every clinic's collection changed,
as nothing says which pages may show it. One page with every message page number: its public messages changed
(approved, rejected, restored, replied to, redacted or erased; `public_messages_changed`).

Not purged, but bounded by PAGE_CACHE_SECONDS: what changes with the clock alone, such as messages closing a set
number of days after a page was first published, or a review date passing.
"""

import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from pages.clinics.models import ClinicSettings
from pages.page_cache import store
from pages.page_cache.edge import site_purge_url
from pages.patient_messages.signals import public_messages_changed


def site_ids_of(url_paths):
    """The ids of the sites whose tree holds any of these Wagtail url_paths (from the cached site root paths)."""
    roots = Site.get_site_root_paths()
    return {root.site_id for root in roots for url_path in url_paths if url_path.startswith(root.root_path)}


# What is waiting for the current transaction to commit, per thread. Every change registers a flush, and the first
# flush after a commit purges everything pending, the others find nothing left: deleting a tree of fifty pages purges
# its site once. After a rollback the pending purges stay and go out with the next commit: one purge too many, never
# one too few.
_pending = threading.local()


def _pending_state():
    if not hasattr(_pending, "sites"):
        _pending.sites, _pending.pages, _pending.everything = set(), set(), False
    return _pending


def discard_pending():
    """Forget purges waiting for a commit that will never come (a test's setup, which is rolled back)."""
    state = _pending_state()
    state.sites.clear()
    state.pages.clear()
    state.everything = False


def purge_sites(site_ids):
    site_ids = set(site_ids)
    if site_ids:
        _pending_state().sites.update(site_ids)
        transaction.on_commit(flush)


def purge_all_sites():
    _pending_state().everything = True
    transaction.on_commit(flush)


def purge_pages(page_ids):
    """Purge these pages' own addresses (every message page number) on their sites."""
    page_ids = set(page_ids)
    if page_ids:
        _pending_state().pages.update(page_ids)
        transaction.on_commit(flush)


def flush():
    """Purge what is pending, in the shared cache and then at the edge."""
    state = _pending_state()
    everything, site_ids, page_ids = state.everything, set(state.sites), set(state.pages)
    discard_pending()
    if not (everything or site_ids or page_ids):
        return
    roots = Site.get_site_root_paths()
    edge_urls = []
    if everything:
        store.purge_all_sites()
        site_ids = {root.site_id for root in roots}
    else:
        for site_id in site_ids:
            store.purge_site(site_id)
    edge_urls += [site_purge_url(root.root_url) for root in roots if root.site_id in site_ids]
    if page_ids:
        for page in Page.objects.filter(pk__in=page_ids).only("pk", "url_path", "path", "depth"):
            site_id, root_url, page_path = page.get_url_parts() or (None, None, None)
            if site_id is None or page_path is None or site_id in site_ids:
                continue  # not routable, or its whole site is purged anyway
            store.purge_path(site_id, page_path)
            edge_urls.append(root_url + page_path)
    if edge_urls and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        purge_urls_from_cache(edge_urls)


# --- Receivers ---------------------------------------------------------------------------------------------------


def page_changed(sender, instance, **kwargs):
    purge_sites(site_ids_of([instance.url_path]))


def page_moved(sender, instance, url_path_before="", url_path_after="", **kwargs):
    purge_sites(site_ids_of([path for path in (url_path_before, url_path_after, instance.url_path) if path]))


def page_deleted(sender, instance, **kwargs):
    if instance.url_path:
        purge_sites(site_ids_of([instance.url_path]))


def restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).only("url_path").first()
    if page is not None:
        purge_sites(site_ids_of([page.url_path]))


def site_settings_changed(sender, instance, **kwargs):
    purge_sites([instance.site_id])


def site_changed(sender, instance, **kwargs):
    purge_sites([instance.pk])


def clinic_site_ids_of_collections(collection_ids):
    """The ids of the clinics' Sites whose collection holds each of these collections, or None when one of them is
    in no clinic's collection (the root collection, or a top-level one named after no Site: pages/clinics/
    references.py, ClinicBounds)."""
    collection_ids = set(collection_ids)
    paths = set(Collection.objects.filter(pk__in=collection_ids).values_list("path", flat=True))
    top_length = Collection.steplen * 2
    if not paths or len(paths) < len(collection_ids) or any(len(path) < top_length for path in paths):
        return None  # the root collection, or one gone
    tops = {path[:top_length] for path in paths}
    names = set(Collection.objects.filter(path__in=tops).values_list("name", flat=True))
    site_ids = set(Site.objects.filter(site_name__in=names).values_list("pk", flat=True))
    return site_ids if len(site_ids) >= len(tops) else None


def image_about_to_change(sender, instance, **kwargs):
    """Remember the collection a stored image is in before it is saved, so that a move purges both clinics."""
    if instance.pk:
        instance._page_cache_collection_before = (
            sender.objects.filter(pk=instance.pk).values_list("collection_id", flat=True).first()
        )


def image_changed(sender, instance, **kwargs):
    collection_ids = {instance.collection_id, getattr(instance, "_page_cache_collection_before", None)} - {None}
    site_ids = clinic_site_ids_of_collections(collection_ids)
    if site_ids is None:
        purge_all_sites()
    else:
        purge_sites(site_ids)


def messages_changed(sender, page_ids=(), **kwargs):
    purge_pages(set(page_ids))


def connect():
    """Connect every receiver above (from PagesConfig.ready); idempotent thanks to the dispatch uids."""
    page_published.connect(page_changed, dispatch_uid="page-cache-published")
    page_unpublished.connect(page_changed, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(page_moved, dispatch_uid="page-cache-moved")
    post_delete.connect(page_deleted, sender=Page, dispatch_uid="page-cache-deleted")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="page-cache-restriction-saved")
    post_delete.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="page-cache-restriction-gone")
    post_save.connect(site_settings_changed, sender=ClinicSettings, dispatch_uid="page-cache-clinic-settings")
    post_save.connect(site_changed, sender=Site, dispatch_uid="page-cache-site-saved")
    post_delete.connect(site_changed, sender=Site, dispatch_uid="page-cache-site-deleted")
    image = get_image_model()
    pre_save.connect(image_about_to_change, sender=image, dispatch_uid="page-cache-image-before")
    post_save.connect(image_changed, sender=image, dispatch_uid="page-cache-image-saved")
    post_delete.connect(image_changed, sender=image, dispatch_uid="page-cache-image-deleted")
    public_messages_changed.connect(messages_changed, dispatch_uid="page-cache-messages")
