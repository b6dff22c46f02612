"""Public routes that Wagtail answers for any clinic's objects, answered here only on the owning clinic's host.

Wagtail serves /documents/<id>/<filename> on every hostname that reaches the server: a clinic's leaflet or consent
form downloaded through another clinic's address, or the platform's admin hostname, came back 200. The password
forms of private documents and pages likewise answered any clinic's restriction on any host. Here:
- a document is served on the host of the clinic whose collection (or a collection under it) holds it; on a
  platform host (settings.PLATFORM_HOSTS, the admin's own hostname) to signed-in network admins only; anywhere else
  the answer is the 404 of a document that does not exist. Wagtail's view then serves it unchanged (collection
  privacy, content disposition, its Content-Security-Policy);
- a private document's password form answers on the same hosts as its documents, a private page's password form
  only on the host of the clinic holding the page and its restriction (clinics/hosts.py does not route `_util/`
  on platform hosts at all).
A clinic's collection is the top-level collection named after its Site, as `create_clinic` makes it.

Not covered, because Django does not serve them: uploaded files under MEDIA_URL. Image originals and renditions,
and the documents' own files (MEDIA_ROOT/documents/), are plain files for the web server in front of the app; see
the README's "Production" section for what it must refuse.
"""

from django.http import Http404
from django.urls import path, re_path
from django.utils.cache import patch_cache_control
from wagtail import views as page_views
from wagtail.documents import get_document_model
from wagtail.documents.views import serve as document_views
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction, Site

from pages.clinics.references import ClinicBounds
from pages.clinics.scope import pages_in_sites
from pages.isolation.shadows import all_in


def clinic_collections(site):
    """The collection `create_clinic` made for the clinic of `site` and every collection under it (or none)."""
    path = ClinicBounds.of_site(site.pk).collection_path
    return Collection.objects.filter(path__startswith=path) if path else Collection.objects.none()


def _platform_host(request):
    """True on a host that is no clinic. ClinicHostMiddleware has answered unknown hosts already, so this one is a
    platform host."""
    return Site.find_for_request(request) is None


def _collection_served_here(request, collection_id):
    site = Site.find_for_request(request)
    if site is None:
        return request.user.is_authenticated and request.user.is_superuser
    return clinic_collections(site).filter(pk=collection_id).exists()


def serve_document(request, document_id, document_filename):
    """Wagtail's document download, on the owning clinic's host (or for network admins on a platform host)."""
    collection_id = get_document_model().objects.filter(pk=document_id).values_list("collection_id", flat=True).first()
    if collection_id is None or not _collection_served_here(request, collection_id):
        raise Http404
    response = document_views.serve(request, document_id, document_filename)
    if _platform_host(request):
        # Served there to a signed-in network admin alone: no shared cache may keep it for the next visitor.
        patch_cache_control(response, private=True)
    return response


def document_password(request, restriction_id):
    """Wagtail's password form of a private collection, where the collection's documents are served."""
    collection_id = (
        CollectionViewRestriction.objects.filter(pk=restriction_id).values_list("collection_id", flat=True).first()
    )
    if collection_id is None or not _collection_served_here(request, collection_id):
        raise Http404
    return document_views.authenticate_with_password(request, restriction_id)


def page_password(request, page_view_restriction_id, page_id):
    """Wagtail's password form of a private page, on the host of the clinic holding the page and its restriction."""
    site = Site.find_for_request(request)
    restricted_page_id = (
        PageViewRestriction.objects.filter(pk=page_view_restriction_id).values_list("page_id", flat=True).first()
    )
    if site is None or restricted_page_id is None or not all_in(pages_in_sites([site]), [page_id, restricted_page_id]):
        raise Http404
    return page_views.authenticate_with_password(request, page_view_restriction_id, page_id)


# Included by clinic_site/urls.py ahead of Wagtail's document and page URLs, at the same paths; Wagtail's URL names
# (wagtaildocs_serve, ...) still build these addresses.
urlpatterns = [
    re_path(r"^documents/(?P<document_id>\d+)/(?P<document_filename>.*)$", serve_document),
    path("documents/authenticate_with_password/<int:restriction_id>/", document_password),
    path("_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/", page_password),
]
