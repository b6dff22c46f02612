"""The rule that a clinic's content points only at the clinic's own images, documents, pages and clinicians.

It lives with the records because every way content is written validates the record: admin forms call the model's
validation, and Wagtail's `Page.save()` (of a live page) and `save_revision()` call `full_clean()`, so preview, save,
publish, a restored revision and a workflow approval all meet the same check. What it reads is Wagtail's own
reference extraction (the reference index's walk over foreign keys, StreamField blocks, rich text and inline
children), so a field added tomorrow is checked the day it is added. Pages add their part in
pages/content/references.py; ClinicSettings uses it for its logo, Clinician for its photo.

Records a clinic owns through a `site` foreign key (clinicians) say so with a `clinic_reference_kind` class attribute:
a reference to one is the clinic's when the record's site is the clinic's Site.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, ReferenceIndex, Site

# What the error says: never the other item's title, only that it is not the clinic's.
NOT_AVAILABLE = {
    "image": "This image is not available to this clinic. Choose one of the clinic's own images.",
    "document": "This document is not available to this clinic. Choose one of the clinic's own documents.",
    "page": "This page is not available to this clinic. Choose or link to one of the clinic's own pages.",
    "clinician": "This clinician is not one of this clinic's clinicians. Choose one of the clinic's own clinicians.",
}
# Kinds owned through a `site` foreign key rather than a tree path.
SITE_OWNED_KINDS = ("clinician",)


def reference_kind(model):
    """The kind ("page", "image", "document", "clinician") of the model a reference points at; None for what no
    clinic owns."""
    if model is None:
        return None
    if issubclass(model, Page):
        return "page"
    if issubclass(model, get_image_model()):
        return "image"
    if issubclass(model, get_document_model()):
        return "document"
    kind = getattr(model, "clinic_reference_kind", None)
    return kind if kind in SITE_OWNED_KINDS else None


@dataclass(frozen=True)
class ClinicBounds:
    """What one clinic's content may point at: the pages of its tree, the images and documents of its collection,
    the records (clinicians) of its Site.

    Paths are tree paths, and everything at or below them is the clinic's. None means the clinic has no tree, no
    collection or no Site, so nothing of that kind is its own: `ClinicBounds()` is the bounds of content in no clinic
    at all. Images in the root collection belong to no clinic, and neither do pages outside every clinic's tree.
    """

    root_path: str | None = None
    collection_path: str | None = None
    site_id: int | None = None

    @classmethod
    def of_site(cls, site_id, root_path=None):
        row = Site.objects.filter(pk=site_id).values_list("site_name", "root_page__path").first()
        if row is None:
            return cls()
        site_name, site_root_path = row
        # create_clinic makes each clinic's collection a top-level collection named after its Site.
        collections = Collection.objects.filter(depth=2, name=site_name).order_by("path")
        collection_path = collections.values_list("path", flat=True).first() if site_name else None
        return cls(root_path or site_root_path, collection_path, site_id)

    def owned_ids(self, kind, ids, model=None):
        """The ids (strings) among `ids` of the clinic's own items of `kind` (records of `model` for the kinds a
        Site owns); missing items are nobody's."""
        numbers = {int(value) for value in ids if str(value).isdigit()}
        if kind in SITE_OWNED_KINDS:
            if self.site_id is None or model is None:
                return set()
            owned = model._default_manager.filter(site_id=self.site_id)
        elif kind == "page":
            if not self.root_path:
                return set()
            owned = Page.objects.filter(path__startswith=self.root_path)
        else:
            if not self.collection_path:
                return set()
            model = get_image_model() if kind == "image" else get_document_model()
            owned = model.objects.filter(collection__path__startswith=self.collection_path)
        return {str(pk) for pk in owned.filter(pk__in=numbers).values_list("pk", flat=True)} if numbers else set()


@dataclass(frozen=True)
class ForeignReference:
    """One reference of an object to an image, document or page that is not its clinic's (say which, never its name)."""

    field_name: str  # the model field (or inline relation) holding it
    kind: str
    object_id: str


def foreign_references(obj, bounds):
    """The references of `obj` (as it is in memory, saved or not) to images, documents and pages outside `bounds`.

    `bounds` is a ClinicBounds or a callable returning one, called only when `obj` refers to something at all.
    """
    found, models_of = [], {}
    # Wagtail's reference index walk (private API, checked on Wagtail 8.0.1): foreign keys, every field with
    # extract_references() (StreamField blocks, rich text links and embeds) and ParentalKey children.
    for content_type_id, object_id, model_path, _content_path in ReferenceIndex._extract_references_from_object(obj):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        kind = reference_kind(model)
        if kind is not None:
            models_of.setdefault(kind, model)
            found.append(ForeignReference(model_path.split(".")[0], kind, str(object_id)))
    if not found:
        return []
    bounds = bounds() if callable(bounds) else bounds
    owned = {
        kind: bounds.owned_ids(kind, {ref.object_id for ref in found if ref.kind == kind}, models_of[kind])
        for kind in models_of
    }
    return [ref for ref in dict.fromkeys(found) if ref.object_id not in owned[ref.kind]]


def reference_errors(obj, references, exclude=()):
    """{field name: [messages]} for a ValidationError; fields a form leaves out get a non-field error naming them."""
    errors = defaultdict(list)
    for ref in references:
        key, message = ref.field_name, NOT_AVAILABLE[ref.kind]
        if key in exclude or key not in {field.name for field in obj._meta.concrete_fields}:
            try:
                label = obj._meta.get_field(key).verbose_name
            except FieldDoesNotExist:
                label = key.replace("_", " ")
            key, message = NON_FIELD_ERRORS, f"{capfirst(label)}: {message}"
        if message not in errors[key]:
            errors[key].append(message)
    return dict(errors)


class ClinicReferencesMixin:
    """A model whose content may point only at its own clinic's images, documents, pages and clinicians.

    Subclasses say which clinic that is with `reference_bounds()`. The check runs in `clean_fields()`: Django tells
    it which fields a form leaves out, so an error about one of those goes to the form as a whole instead of
    breaking it, and an error about a field on the form appears next to that field.
    """

    def reference_bounds(self):
        raise NotImplementedError("Say which clinic's images, documents and pages this object may point at.")

    def foreign_references(self):
        return foreign_references(self, self.reference_bounds)

    def value_without(self, name, refused):
        """Field `name`'s value without the refused items ((kind, id) pairs), for a form shown again.

        A foreign key simply loses its value; other fields fall back to their default (page types strip rich text
        and StreamField precisely, see pages/content/references.py).
        """
        field = self._meta.get_field(name)
        return None if isinstance(field, models.ForeignKey) else field.get_default()

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not getattr(self, "_reference_check_skipped", False):
            for key, messages in reference_errors(self, self.foreign_references(), exclude or ()).items():
                errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class ClinicReferencesFormMixin:
    """Admin form part: a field holding another clinic's item is shown without that item.

    The widgets look up what they show (an image chooser the image's title and thumbnail, the rich text editor a
    linked page's URL). So a form shown again after a refusal shows what was posted minus the refused items (the
    editor's other changes stay), and a form opened on content stored before the rule shows it without them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.hide_foreign_references()

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors:
            self.hide_foreign_references()

    def hide_foreign_references(self):
        if not isinstance(self.instance, ClinicReferencesMixin):
            return
        refused = defaultdict(set)
        for ref in self.instance.foreign_references():
            refused[ref.field_name].add((ref.kind, ref.object_id))
        for name, items in refused.items():
            if name not in self.fields:
                continue
            shown = self.instance.value_without(name, items)
            self.initial[name] = shown
            # Django shows a bound field as field.bound_data(posted, initial); the form's fields are its own copies.
            self.fields[name].bound_data = lambda data, initial, shown=shown: shown
