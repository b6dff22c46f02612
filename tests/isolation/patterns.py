"""Every admin URL pattern Django's resolver knows, and what kind of object each parameter names."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    Page,
    Site,
    Task,
    Workflow,
)

from pages.models import PatientMessage

Image = get_image_model()
Document = get_document_model()
User = get_user_model()


@dataclass(frozen=True)
class AdminPattern:
    name: str | None
    route: str
    params: tuple
    callback: object

    @property
    def label(self):
        return self.name or f"<unnamed {self.route}>"

    @property
    def namespace(self):
        return self.name.rpartition(":")[0] if self.name and ":" in self.name else ""

    @property
    def surface(self):
        """The admin area the URL belongs to: its first path segment, e.g. 'pages', 'images', 'reports'."""
        rest = re.sub(r"[\^$]", "", self.route.removeprefix("admin/"))
        return rest.split("/", 1)[0] or "dashboard"

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def view_model(self):
        """The model a class-based view is about, when it says (ModelViewSet views get it through as_view())."""
        model = getattr(self.callback, "view_initkwargs", {}).get("model")
        if model is None and self.view_class is not None:
            model = getattr(self.view_class, "model", None)
        return model if isinstance(model, type) else None

    def reverse(self, kwargs):
        if self.name:
            return reverse(self.name, kwargs=kwargs)
        if kwargs:
            raise NoReverseMatch(f"{self.route} has no name and cannot be built with parameters")
        return "/" + re.sub(r"[\^$]", "", self.route)


# The seals that check a request and hand it to Wagtail's own view for the same path (`admin_path`) are reached
# through Wagtail's pattern for that path; the seals that answer themselves are patterns of their own.
PASS_THROUGH_PARAMETER = "admin_path"


def wagtail_match(match):
    """For a pass-through seal's match, the match of Wagtail's own pattern for the same path (its view name, its
    parameters); any other match as it is. A crawl counting URLs per view must not count every sealed view as one."""
    admin_path = match.kwargs.get(PASS_THROUGH_PARAMETER)
    if admin_path is None:
        return match
    try:
        return get_resolver("wagtail.admin.urls").resolve(f"/{admin_path}")
    except Resolver404:
        return match


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLPattern) and PASS_THROUGH_PARAMETER in entry.pattern.regex.groupindex:
            continue
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            inner = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            regex = entry.pattern.regex
            params = tuple(regex.groupindex) or tuple(getattr(entry.pattern, "converters", {}))
            yield AdminPattern(name=name, route=prefix + str(entry.pattern), params=params, callback=entry.callback)


def admin_patterns():
    """Every URL pattern under /admin/, in resolver order."""
    return [pattern for pattern in _walk(get_resolver().url_patterns) if pattern.route.startswith("admin/")]


# Patterns the matrix does not request, and why. Keep this short: everything else is requested automatically.
EXCLUDED = {
    "wagtailadmin_logout": "ends the session the matrix runs in; it names no object",
    "wagtailadmin_password_reset_confirm": "takes a signed one-time token, not an object id; only anonymous users "
    "reach it",
    "wagtailadmin_error_test": "raises on purpose to show the 500 page; it names no object",
    "<unnamed admin/^.*/$>": "Wagtail's catch-all that answers 404 for unknown admin paths; it names no object",
}


@dataclass(frozen=True)
class Value:
    value: object
    of_b: bool  # the value names a clinic-B object (rather than clinic A's or a plain word)
    label: str


@dataclass
class Case:
    pattern: AdminPattern
    url: str
    about: str  # which objects the URL names, e.g. "procedure page"; "" for listings
    must_refuse: bool  # a path parameter names a clinic-B object
    post: bool = True
    variant: str = ""  # the query string's purpose: search, filters, export, ids
    b_values: frozenset = frozenset()  # the path parameters' values that name clinic-B objects

    @property
    def description(self):
        parts = [self.pattern.label]
        if self.about:
            parts.append(self.about)
        if self.variant:
            parts.append(self.variant)
        return ", ".join(parts)


# Parameter names that mean the same kind of object wherever they appear.
PARAM_KINDS = {
    "page_id": "page",
    "parent_page_id": "page",
    "page_pk": "page",
    "page_to_move_id": "page",
    "destination_id": "destination",
    "revision_id": "revision",
    "revision_id_a": "revision_a",
    "revision_id_b": "revision_b",
    "task_state_id": "task_state",
    "workflow_state_id": "workflow_state",
    "task_id": "task",
    "image_id": "image",
    "document_id": "document",
    "doc_id": "document",
    "collection_id": "collection",
    "redirect_id": "redirect",
    "session_id": "editing_session",
    "workflow_pk": "workflow",
    "filter_spec": "filter_spec",
    # The procedure library (pages/library/views.py).
    "master_id": "master",
    "adoption_id": "adoption",
}
# What `pk` (and the like) means where the view does not name its model.
PK_KINDS = {
    "wagtailadmin_pages": "page",
    "wagtailadmin_api:pages": "page",
    "wagtailadmin_api:images": "image",
    "wagtailadmin_api:documents": "document",
    "wagtailimages_chooser": "image",
    "wagtaildocs_chooser": "document",
    "wagtailadmin_collections": "collection",
    # Editing sessions name the object being edited; the world's session is on a page.
    "wagtailadmin_editing_sessions": "page",
    # Site settings are addressed by their Site's id.
    "wagtailsettings": "site",
}
MODEL_KINDS = {
    Page: "page",
    Image: "image",
    Document: "document",
    Collection: "collection",
    PatientMessage: "message",
    Redirect: "redirect",
    Workflow: "workflow",
    Task: "task",
    User: "user",
    Group: "group",
    Site: "site",
}
# Verbs a URL can carry (`.../<action>/`) where no registry lists them: the moderation and publishing vocabulary.
GENERIC_VERBS = ("approve", "reject", "spam", "restore", "publish", "unpublish", "delete")


def namespace_models(patterns):
    """Namespace -> model, from the views that name their model: a viewset's extra views often do not."""
    found = {}
    for pattern in patterns:
        if pattern.namespace and pattern.view_model is not None:
            found.setdefault(pattern.namespace, pattern.view_model)
    return found


def _kind_of(pattern, param, namespace_model=None):
    if param in PARAM_KINDS:
        return PARAM_KINDS[param]
    if param == "uploaded_file_id":
        return "uploaded_document" if pattern.namespace.startswith("wagtaildocs") else "uploaded_image"
    if param in {"action", "action_name"}:
        if pattern.namespace == "wagtailadmin_pages":
            return "workflow_action"
        if pattern.namespace.startswith("wagtailadmin_api"):
            return "api_action"
        return "verb"
    if param in {"pk", "object_id", "id"}:
        if pattern.namespace == "wagtailadmin_workflows":
            return "task" if "task" in (pattern.name or "") else "workflow"
        if pattern.namespace in PK_KINDS:
            return PK_KINDS[pattern.namespace]
        model = pattern.view_model or namespace_model
        for model_class, kind in MODEL_KINDS.items():
            if model is not None and issubclass(model, model_class):
                return kind
        if model is not None:
            return ("model", model)
    return None
