"""Bulk-action confirmation pages, limited to the user's own clinics.

In vanilla Wagtail, /admin/bulk/<app>/<model>/<action>/?id=... looks up whatever ids it is given and lists the items
the user may not act on by title ("You don't have permission to ..."), and ?id=all&childOf=<page> selects the children
of any page, so a clinic's staff could read another clinic's page, image and document titles. The shadow below runs
first: an id outside the user's clinics answers 404, as for an object that does not exist, and "select all" is
narrowed to the user's clinics before Wagtail's own bulk-action view runs, unchanged.
"""

from django.apps import apps
from django.http import Http404
from django.urls import get_resolver
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from pages.isolation.shadows import all_in, visible_media, visible_pages


def visible_objects(user, model):
    """The objects of `model` the user may see in the admin, or None when the model is not per clinic here."""
    if issubclass(model, Page):
        return visible_pages(user).exclude(depth=1)
    if model in (get_image_model(), get_document_model()):
        return visible_media(user, model)
    return None


def own_clinics_only(request, admin_path, app_label, model_name, action):
    """Check (and for "select all", narrow) the selection, then hand the request to Wagtail's bulk-action view."""
    if not request.user.is_superuser:
        _limit_selection(request, app_label, model_name, action)
    match = get_resolver("wagtail.admin.urls").resolve(f"/{admin_path}")
    return match.func(request, *match.args, **match.kwargs)


def _limit_selection(request, app_label, model_name, action):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    visible = visible_objects(request.user, model)
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if visible is None or action_class is None:
        return  # Wagtail answers these itself (404 for an unknown action; other models have their own checks).

    ids = request.GET.getlist("id")
    if "all" in ids:
        # childOf is a page for pages (it must be one of the user's, or the tree root), a collection for media.
        parent_id = request.GET.get("childOf")
        if issubclass(model, Page) and parent_id is not None and not all_in(visible_pages(request.user), [parent_id]):
            raise Http404
        everything = action_class(request, model).get_all_objects_in_listing_query(parent_id)
        ids = [str(pk) for pk in visible.filter(pk__in=list(everything)).values_list("pk", flat=True)]
        query = request.GET.copy()
        query.setlist("id", ids)
        request.GET = query
    if not ids or not all_in(visible, ids):
        raise Http404
