"""Admin URLs naming another clinic's page, image or document answer "not found", exactly as a missing id does.

Wagtail looks an id up first and checks permission second: a missing page is the admin's 404, another site's page a
redirect to the dashboard with "Sorry, you do not have permission to access this area", and some page forms name
the page they refuse ('You do not have permission to copy to page "<title>"', drafts included) or fail with a server
error for a page that does not exist (the copy view). Clinic staff could so tell which ids exist in other clinics,
and read some of their titles.

The shadow here runs before Wagtail's view and answers the admin's 404 page when an id is outside the user's
clinics, whether the object belongs to another clinic or does not exist at all; inside them the view, Wagtail's
own and unchanged, decides as before. It covers:
- every pattern of Wagtail's admin URLconf (which includes the views added through `register_admin_urls`) with a
  parameter naming a page, image or document, found by the parameter's name (PARAMETER_KINDS), by the URL's
  namespace for a bare `pk` (PK_NAMESPACES), or by the model an `object_id` URL names. A new admin view taking
  `page_id` is sealed the day it is added; form submissions are reached through their form page's id;
- the POST fields of Wagtail's page forms that name a page (POSTED_PAGE_FIELDS): the copy, move and
  choose-a-parent forms. These are checked for network admins too, so a missing page is a 404 there as well and
  never the copy view's server error.

Staff know the tree root and the pages of every clinic they hold any role in (page permissions, or site
permissions for moderators), and the images and documents of the collections they hold a permission on
(ClinicScope.media). The patterns are placed ahead of Wagtail's admin URLs by urls.py; they carry `admin_path`,
so the isolation matrix requests Wagtail's pattern for the same path (tests/isolation/patterns.py).
"""

import re

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, re_path, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from pages.clinics.scope import ClinicScope, pages_in_sites
from pages.isolation.shadows import admin_view, all_in, wagtail_match

PAGE, IMAGE, DOCUMENT = "page", "image", "document"

# Parameter names that mean the same kind of object wherever Wagtail uses them.
PARAMETER_KINDS = {
    "page_id": PAGE,
    "parent_page_id": PAGE,
    "page_to_move_id": PAGE,
    "destination_id": PAGE,
    "page_pk": PAGE,
    "image_id": IMAGE,
    "document_id": DOCUMENT,
    "doc_id": DOCUMENT,
}
# A bare `pk` in these namespaces names one kind of object. (The admin API's image and document endpoints answer
# network admins only: shadows.NETWORK_ADMIN_ONLY_PREFIXES.)
PK_NAMESPACES = {
    "wagtailadmin_pages": PAGE,  # the revisions comparison
    "wagtailadmin_api:pages": PAGE,
    "wagtailimages_chooser": IMAGE,
    "wagtaildocs_chooser": DOCUMENT,
}
# An object id whose model the same URL names (the editing-session ping: <app_label>/<model_name>/<object_id>/).
OBJECT_PARAMETERS = ("object_id", "pk")
MODEL_PARAMETERS = ("app_label", "model_name")
# POST fields naming a page, by URL name: the page forms that look the page up before checking permission on it.
POSTED_PAGE_FIELDS = {
    "wagtailadmin_pages:copy": ("new_parent_page",),
    "wagtailadmin_pages:move": ("new_parent_page",),
    "wagtailadmin_pages:choose_parent": ("parent_page",),
}


REFUSED_BY_REFERENCE_RULE = (
    "Nothing was changed: the page uses an image, document or page that is not available to the clinic it would be "
    "in. Replace it with one of that clinic's own in the page's editor first."
)


def kind_of(namespace, param, kwargs=None):
    """What a URL parameter names (PAGE, IMAGE, DOCUMENT), or None. With the URL's `kwargs`, an object id is
    classified by the model the URL names; without them, every object id next to a model name is a candidate."""
    if param in PARAMETER_KINDS:
        return PARAMETER_KINDS[param]
    if param == "pk" and namespace in PK_NAMESPACES:
        return PK_NAMESPACES[namespace]
    if param in OBJECT_PARAMETERS and kwargs is not None and all(name in kwargs for name in MODEL_PARAMETERS):
        # The content type the URL names, as Wagtail's own generic views resolve it (cached after the first lookup).
        try:
            model = ContentType.objects.get_by_natural_key(kwargs["app_label"], kwargs["model_name"]).model_class()
        except ContentType.DoesNotExist:
            return None
        if model is None:
            return None
        for base, kind in ((Page, PAGE), (get_image_model(), IMAGE), (get_document_model(), DOCUMENT)):
            if issubclass(model, base):
                return kind
    return None


def known(user, kind):
    """The pages, images or documents whose ids `user` may learn exist."""
    scope = ClinicScope.of(user)
    if kind == PAGE:
        if scope.is_network_admin:
            return Page.objects.all()
        return Page.objects.filter(depth=1) | pages_in_sites(scope.sites()) | scope.network_pages()
    model = get_image_model() if kind == IMAGE else get_document_model()
    return model.objects.all() if scope.is_network_admin else scope.media(model)


def _ids_known(user, ids_by_kind):
    return all(all_in(known(user, kind), ids) for kind, ids in ids_by_kind.items() if ids)


def same_as_missing(request, admin_path, **_parameters):
    """Answer 404 for an id outside the user's clinics, then hand the request to Wagtail's view for `admin_path`."""
    match = wagtail_match(admin_path)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    user = request.user
    if not user.is_superuser:
        in_path = {}
        for param, value in match.kwargs.items():
            kind = kind_of(match.namespace, param, match.kwargs)
            if kind is not None:
                in_path.setdefault(kind, []).append(value)
        if not _ids_known(user, in_path):
            raise Http404
    if request.method == "POST" and name in POSTED_PAGE_FIELDS:
        # The field must name a page: an absent or empty one would fail in Wagtail's copy view with a server error.
        posted = [request.POST.get(field, "") for field in POSTED_PAGE_FIELDS[name]]
        if not _ids_known(user, {PAGE: posted}):
            raise Http404
    if request.method != "POST":
        return match.func(request, *match.args, **match.kwargs)
    try:
        with transaction.atomic():
            return match.func(request, *match.args, **match.kwargs)
    except ValidationError:
        # The clinic's reference rule refused a save deep inside Wagtail's view (copying a page into another
        # clinic, approving a revision stored before the rule): nothing of it is kept, and the person is told why
        # instead of being shown a server error.
        messages.error(request, REFUSED_BY_REFERENCE_RULE)
        page_id = match.kwargs.get("page_id")
        return redirect(reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else reverse("wagtailadmin_home"))


def _endpoints(patterns, prefix="", namespace=""):
    """(namespace:name, regex relative to the admin root) of every endpoint under `patterns`, in resolver order."""
    for entry in patterns:
        regex = entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _endpoints(entry.url_patterns, prefix + regex, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + re.sub(r"(\\Z|\$)$", "", regex), namespace


def sealed_routes():
    """(URL name, regex relative to the admin root) of each Wagtail admin URL this module seals."""
    # Wagtail's admin URLconf is loaded before this runs (clinic_site/urls.py imports it first); importing it
    # here loads every hooks module, which is why it is not imported at the top.
    from wagtail.admin import urls as admin_urls

    routes = []
    for name, regex, namespace in _endpoints(admin_urls.urlpatterns):
        params = re.compile(regex).groupindex
        names_ids = any(kind_of(namespace, param) for param in params) or (
            set(MODEL_PARAMETERS) <= set(params) and any(param in OBJECT_PARAMETERS for param in params)
        )
        if names_ids or name in POSTED_PAGE_FIELDS:
            routes.append((name, regex))
    return routes


def urlpatterns():
    """One shadow per sealed route, each the same path as Wagtail's, answered by `same_as_missing`."""
    view = admin_view(same_as_missing)
    return [re_path(rf"^(?P<admin_path>{regex})$", view) for _name, regex in sealed_routes()]
