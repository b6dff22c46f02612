"""Bulk-action confirmation pages, limited to the user's own clinics.

In vanilla Wagtail, /admin/bulk/<app>/<model>/<action>/ trusts its selection: `?id=...` looks up whatever ids it is
given and the confirmation page lists the items the user may not act on by title ("You don't have permission to
..."); `?id=all` selects every page of every clinic (`&childOf=<page>` the children of any page, `&q=` searches them
all); and the move confirmation names whatever destination page is posted to it. So a clinic's staff could read
another clinic's page, image and document titles.

The shadow below runs before Wagtail's bulk-action view, which then runs unchanged, for pages, images and documents
(other models' bulk actions scope themselves, e.g. pages/views/messages_bulk.py):
- the selection is narrowed to the user's clinics: "select all" is Wagtail's own selection (childOf, q) intersected
  with them, and explicit ids of other clinics are dropped, exactly as Wagtail drops ids that do not exist (it
  answers 404 only when nothing is left, see `get_list_or_404` in BulkAction.get_queryset). Answering 404 whenever
  one id is foreign would instead tell "exists in another clinic" from "does not exist" for any id added to an own
  selection;
- a `childOf` (a page, or a collection for images and documents) or a move destination outside the user's clinics
  answers 404, as for one that does not exist.
"""

from django.db.models import QuerySet
from django.http import Http404
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from pages.clinics.scope import ClinicScope
from pages.isolation.shadows import all_in, wagtail_view


def selectable(user, model):
    """(objects, parents): what the user may select of `model` and "select all" from (childOf), in the user's
    clinics; None when `model` is not kept per clinic by page tree or collection."""
    scope = ClinicScope.of(user)
    if issubclass(model, Page):
        pages = scope.pages()
        return pages.exclude(depth=1), pages  # the tree root may be a parent, never an item
    if model in (get_image_model(), get_document_model()):
        return scope.media(model), scope.collections(model)
    return None


def own_clinics_only(request, admin_path, app_label, model_name, action):
    """Narrow the selection to the user's clinics, then hand the request to Wagtail's bulk-action view."""
    # Signed-out visitors go on to Wagtail, which sends them to the login page.
    if request.user.is_authenticated and not request.user.is_superuser:
        _limit_selection(request, app_label, model_name, action)
    return wagtail_view(request, admin_path)


def _limit_selection(request, app_label, model_name, action):
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    # The model the URL names, among those the registered action acts on (as Wagtail's own view resolves it).
    model = next(
        (
            m
            for m in getattr(action_class, "models", ())
            if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
        ),
        None,
    )
    scope = selectable(request.user, model) if model is not None else None
    if scope is None:
        return  # Wagtail answers these itself: 404 for an unknown action, other models' actions scope themselves.
    objects, parents = scope

    ids = request.GET.getlist("id")
    if "all" in ids:
        parent_id = request.GET.get("childOf")
        if parent_id is not None and not all_in(parents, [parent_id]):
            raise Http404
        selection = action_class(request, model).get_all_objects_in_listing_query(parent_id)
    else:
        selection = [int(pk) for pk in ids if pk.isdigit()]
    if not isinstance(selection, QuerySet):
        selection = list(selection)  # search results
    kept = [str(pk) for pk in objects.filter(pk__in=selection).values_list("pk", flat=True)]
    if not kept:
        raise Http404

    # The move confirmation names the destination posted to it ("cannot be moved to <title>").
    destination = request.POST.get("chooser") if issubclass(model, Page) else None
    if destination and not all_in(parents, [destination]):
        raise Http404

    query = request.GET.copy()
    query.setlist("id", kept)
    request.GET = query
