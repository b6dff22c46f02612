"""The URLs the matrix requests: each admin pattern filled with clinic B's objects, plus searches, filters, exports
and bulk selections of listings."""

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls.exceptions import NoReverseMatch
from taggit.managers import TaggableManager
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Page,
    get_page_models,
)
from wagtail.workflows import get_task_types

from tests.isolation.patterns import EXCLUDED, GENERIC_VERBS, Case, Value, _kind_of, admin_patterns, namespace_models
from tests.isolation.world import SEARCH_TERM

Image = get_image_model()
Document = get_document_model()


class CaseBuilder:
    """Turns every admin URL pattern into requests naming clinic B's objects."""

    def __init__(self, world):
        self.world = world
        self.a, self.b = world.a, world.b
        self.patterns = admin_patterns()
        self.namespace_models = namespace_models(self.patterns)
        self.bundles = self._bundles()

    # Consistent sets of parameter values: a revision with its page, a task state with its page and action.
    def _bundles(self):
        a, b = self.a, self.b

        def v(obj, label, of_b=True):
            return Value(getattr(obj, "pk", obj), of_b, label)

        bundles = [{"page": v(page, f"{name} page")} for name, page in b.pages.items()]
        bundles += [
            {"page": v(b.procedure, "procedure page"), "revision": v(b.revisions["published"], "published revision")},
            {"page": v(b.procedure, "procedure page"), "revision": v(b.revisions["draft"], "draft revision")},
            {"page": v(b.home, "home page"), "revision": v(b.revisions["scheduled"], "scheduled revision")},
            {"page": v(b.recovery, "recovery page"), "revision": v(b.revisions["in_review"], "revision in review")},
            {
                "page": v(b.procedure, "procedure page"),
                "revision_a": Value("earliest", False, "earliest"),
                "revision_b": Value("latest", False, "latest"),
            },
            {
                "page": v(b.procedure, "procedure page"),
                "revision_a": v(b.revisions["published"], "published revision"),
                "revision_b": v(b.revisions["draft"], "draft revision"),
            },
            # Moves within clinic B, out of it into clinic A, and from clinic A into it.
            {"page": v(b.procedure, "procedure page"), "destination": v(b.home, "home page")},
            {"page": v(b.procedure, "procedure page"), "destination": v(a.home, "clinic A's home", of_b=False)},
            {"page": v(a.procedure, "clinic A's procedure page", of_b=False), "destination": v(b.home, "home page")},
            {"page": v(b.home, "home page"), "workflow": v(b.workflow, "workflow")},
            {"workflow": v(b.workflow, "workflow")},
            {"task": v(b.task, "review task")},
            {"collection": v(b.collection, "collection")},
            {"site": v(b.site, "site")},
            {"message": v(b.message, "patient message")},
            {"redirect": v(b.redirect, "redirect")},
            {"document": v(b.document, "document")},
            {"uploaded_image": v(b.uploaded_image, "uploaded image file")},
            {"uploaded_document": v(b.uploaded_document, "uploaded document file")},
            {"editing_session": v(b.editing_session, "editing session"), "page": v(b.procedure, "procedure page")},
            # The library's masters are shared; clinic B's pages, its adopted copy among them, are no master.
            {"master": v(b.procedure, "procedure page")},
            {"master": v(b.adoption.page, "adopted library copy")},
            {"adoption": v(b.adoption, "library adoption")},
        ]
        bundles += [{"user": v(user, f"{role} user")} for role, user in b.users.items()]
        bundles += [{"group": v(group, f"{role} group")} for role, group in b.groups.items()]
        bundles += [
            {"image": v(b.image, "image"), "filter_spec": Value(spec, False, spec)}
            for spec in ("original", "fill-40x40")
        ]
        actions = {name for name, _label, _modal in b.task.get_actions(b.recovery, self.world.superuser)}
        bundles += [
            {
                "page": v(b.recovery, "recovery page"),
                "task_state": v(b.task_state, "task state"),
                "workflow_state": v(b.workflow_state, "workflow state"),
                "task": v(b.task, "review task"),
                "workflow_action": Value(action, False, action),
            }
            for action in sorted(actions)
        ]
        bundles += [
            {"message": v(b.message, "patient message"), "verb": Value(verb, False, verb)} for verb in GENERIC_VERBS
        ]
        return bundles

    def build(self):
        """(cases, unfillable): every requestable case, and the patterns the matrix cannot fill, with why."""
        cases, unfillable, urls = [], {}, set()
        self.covered = set()
        for pattern in self.patterns:
            if pattern.label in EXCLUDED:
                continue
            try:
                built = self.cases_for(pattern)
            except (NoReverseMatch, ValueError) as exc:
                unfillable[pattern.label] = str(exc)
                continue
            if not built:
                unfillable[pattern.label] = "no clinic-B object fits its parameters " + repr(pattern.params)
            self.covered.add(pattern.label)
            # A pattern shadowed by an earlier one with the same path (e.g. the project's forms index over
            # Wagtail's) builds the same URLs: the request reaches the earlier view, once.
            for case in built:
                if case.url not in urls:
                    urls.add(case.url)
                    cases.append(case)
        return cases, unfillable

    def cases_for(self, pattern):
        params = set(pattern.params)
        app_params = params & {"app_label", "app_name", "content_type_app_name"}
        model_params = params & {"model_name", "content_type_model_name"}
        if pattern.name == "wagtail_bulk_action":
            return self._bulk_cases(pattern)
        if app_params and model_params:
            return self._model_cases(pattern, app_params.pop(), model_params.pop())
        if not params:
            return self._listing_cases(pattern)
        return self._object_cases(pattern)

    # URLs with object ids in the path: each must be refused.
    def _object_cases(self, pattern, fixed=None):
        fixed = fixed or {}
        kinds = {}
        for param in pattern.params:
            if param in fixed:
                continue
            kind = _kind_of(pattern, param, self.namespace_models.get(pattern.namespace))
            if kind is None:
                raise ValueError(f"the matrix does not know what the parameter {param!r} names")
            kinds[param] = kind
        cases, seen = [], set()
        for values in self._fillings(pattern, kinds):
            kwargs = {**fixed, **{param: value.value for param, value in values.items()}}
            key = tuple(sorted(kwargs.items()))
            if key in seen or not any(value.of_b for value in values.values()):
                continue
            seen.add(key)
            about = ", ".join(dict.fromkeys(f"B's {v.label}" if v.of_b else v.label for v in values.values()))
            b_values = frozenset(str(value.value) for value in values.values() if value.of_b)
            url = pattern.reverse(kwargs)
            cases.append(Case(pattern, url, about, must_refuse=True, b_values=b_values))
            cases += self._export_variants(pattern, url, about, must_refuse=True, b_values=b_values)
            if pattern.name == "wagtailforms:delete_submissions":
                query = urlencode({"selected-submissions": self.b.submission.pk})
                cases.append(
                    Case(pattern, f"{url}?{query}", about, True, variant="selected B submission", b_values=b_values)
                )
        return cases

    def _fillings(self, pattern, kinds):
        """Dicts param -> Value, consistent with each other (one bundle at a time)."""
        model_kinds = {param: kind for param, kind in kinds.items() if isinstance(kind, tuple)}
        if model_kinds:
            # A view of a model the bundles do not know (a new viewset, say): each clinic-B instance of it, with
            # each verb if the URL also takes one.
            others = {param: kind for param, kind in kinds.items() if param not in model_kinds}
            if len(model_kinds) > 1 or set(others.values()) - {"verb"}:
                raise ValueError(f"cannot combine {model_kinds} with {others}")
            ((param, (_tag, model)),) = model_kinds.items()
            instances = self.b.instances_of(model)
            if not instances:
                raise ValueError(f"the world has no clinic-B {model.__name__}; add one to build_clinic()")
            for instance in instances:
                value = Value(instance.pk, True, model._meta.verbose_name)
                for verb in GENERIC_VERBS if others else [None]:
                    yield {param: value, **{other: Value(verb, False, verb) for other in others}}
            return
        wanted = set(kinds.values())
        for bundle in self.bundles:
            if wanted <= set(bundle):
                yield {param: bundle[kind] for param, kind in kinds.items()}
        if "api_action" in wanted:
            actions = sorted(getattr(pattern.view_class, "actions", {}))
            for action in actions:
                yield {
                    param: Value(action, False, action)
                    if kind == "api_action"
                    else Value(self.b.procedure.pk, True, "procedure page")
                    for param, kind in kinds.items()
                }

    # URLs naming a model or page type: every registered model of that family.
    def _model_cases(self, pattern, app_param, model_param):
        name = pattern.name or ""
        if name.startswith("wagtailadmin_tag"):
            models = [m for m in (Image, Document, *get_page_models()) if _has_tags(m)]
        elif name.startswith("wagtailadmin_pages:"):
            models = list(get_page_models())
        elif name.startswith("wagtailadmin_workflows:"):
            models = list(get_task_types())
        elif name.startswith("wagtailsettings:"):
            models = list(settings_registry)
        elif name.startswith("wagtailadmin_editing_sessions:"):
            models = [Page]
        else:
            models = sorted({type(obj) for _kind, obj in self.b.objects()}, key=lambda m: m._meta.label)
        cases = []
        for model in models:
            fixed = {app_param: model._meta.app_label, model_param: model._meta.model_name}
            rest = [param for param in pattern.params if param not in fixed]
            if not rest:
                url = pattern.reverse(fixed)
                cases.append(Case(pattern, url, model._meta.label_lower, must_refuse=False))
                cases += self._query_variants(pattern, url, label=model._meta.label_lower)
                continue
            if name in {"wagtailadmin_pages:add", "wagtailadmin_pages:preview_on_add"}:
                # Only where the type may be created: anything else is refused for another reason.
                for page_name, parent in self.b.pages.items():
                    if model in parent.specific_class.allowed_subpage_models():
                        url = pattern.reverse({**fixed, "parent_page_id": parent.pk})
                        about = f"B's {page_name} page as parent of a new {model.__name__}"
                        cases.append(Case(pattern, url, about, True, b_values=frozenset({str(parent.pk)})))
                continue
            cases += self._object_cases(pattern, fixed=fixed)
        return cases

    def _bulk_cases(self, pattern):
        bulk_action_registry._scan_for_bulk_actions()
        cases = []
        for app_label, models in sorted(bulk_action_registry.actions.items()):
            for model_name, actions in sorted(models.items()):
                model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
                instances = self.b.instances_of(model)
                parents = self._bulk_parents(model)
                for action in sorted(actions):
                    url = pattern.reverse({"app_label": app_label, "model_name": model_name, "action": action})
                    label = f"{app_label}.{model_name} {action}"
                    cases.append(Case(pattern, f"{url}?id=all", label, False, variant="id=all"))
                    if instances:
                        query = urlencode([("id", obj.pk) for obj in instances])
                        cases.append(Case(pattern, f"{url}?{query}", label, False, variant="B ids"))
                    for parent_label, parent_id in parents:
                        query = urlencode({"id": "all", "childOf": parent_id})
                        cases.append(
                            Case(pattern, f"{url}?{query}", label, False, variant=f"all in B's {parent_label}")
                        )
                        query = urlencode({"id": "all", "childOf": parent_id, "q": SEARCH_TERM})
                        cases.append(
                            Case(pattern, f"{url}?{query}", label, False, variant=f"all in B's {parent_label}, search")
                        )
        return cases

    def _bulk_parents(self, model):
        if issubclass(model, Page):
            return [("home page", self.b.home.pk), ("procedure page", self.b.procedure.pk)]
        if issubclass(model, (Image, Document)):
            return [("collection", self.b.collection.pk)]
        return []

    # Listings and other URLs without parameters: as they are, searched, filtered by B's ids, exported.
    def _listing_cases(self, pattern):
        url = pattern.reverse({})
        return [Case(pattern, url, "", must_refuse=False), *self._query_variants(pattern, url)]

    def _query_variants(self, pattern, url, label=""):
        b = self.b
        search = {"q": SEARCH_TERM, "search": SEARCH_TERM, "term": SEARCH_TERM}
        filters = {
            "collection_id": b.collection.pk,
            "collection": b.collection.pk,
            "site": b.site.pk,
            "site_id": b.site.pk,
            "page": b.procedure.pk,
            "page_id": b.procedure.pk,
            "parent": b.home.pk,
            "parent_page_id": b.home.pk,
            "child_of": b.home.pk,
            "descendant_of": b.home.pk,
            "workflow": b.workflow.pk,
            "task": b.task.pk,
            "user": b.users["editors"].pk,
            "group": b.groups["editors"].pk,
        }
        variants = [
            Case(pattern, f"{url}?{urlencode(search)}", label, False, post=False, variant="search"),
            Case(pattern, f"{url}?{urlencode(filters)}", label, False, post=False, variant="filtered by B's ids"),
        ]
        model = pattern.view_model
        ids = [obj.pk for obj in self.b.instances_of(model)] if model is not None else []
        if not ids and "choose_page" in (pattern.name or ""):
            ids = [page.pk for page in b.pages.values()]
        if ids:
            query = urlencode([("id", pk) for pk in ids])
            variants.append(Case(pattern, f"{url}?{query}", label, False, post=False, variant="B ids"))
        if pattern.name and pattern.name.startswith("wagtailadmin_api:") and pattern.name.endswith(":listing"):
            query = urlencode({"fields": "*", "child_of": b.home.pk})
            variants.append(Case(pattern, f"{url}?{query}", label, False, post=False, variant="children of B's home"))
        variants += self._export_variants(pattern, url, label, must_refuse=False)
        return variants

    @staticmethod
    def _export_variants(pattern, url, about, must_refuse, b_values=frozenset()):
        view_class = pattern.view_class
        exports = (isinstance(view_class, type) and issubclass(view_class, SpreadsheetExportMixin)) or (
            pattern.name or ""
        ).startswith("wagtailforms:list_submissions")
        if not exports:
            return []
        return [
            Case(pattern, f"{url}?export={fmt}", about, must_refuse, False, f"{fmt} export", b_values)
            for fmt in ("csv", "xlsx")
        ]


def _has_tags(model):
    return any(isinstance(f, TaggableManager) for f in model._meta.get_fields() if hasattr(f, "remote_field"))
