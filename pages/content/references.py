"""Pages point only at their own clinic's images, documents and pages (rich text, choosers, blocks).

The rule itself is pages/clinics/references.py; this is the page side: which clinic a page belongs to (also while it
is being created), how a refused rich-text or StreamField value is shown again without the refused items, and the
admin forms every clinic page type uses.
"""

from django.core.exceptions import PermissionDenied
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.contrib.forms.forms import WagtailAdminFormPageForm
from wagtail.fields import RichTextField, StreamField
from wagtail.rich_text import extract_references_from_rich_text
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG

from pages.clinics.clinicians import Clinician
from pages.clinics.references import ClinicBounds, ClinicReferencesFormMixin, ClinicReferencesMixin, reference_kind
from pages.clinics.scope import clinic_of


def strip_rich_text(html, is_refused):
    """`html` without links to and embeds of refused items (a link keeps its text, as Wagtail shows a broken link)."""

    def keep_unless_refused(replacement):
        def replace(match):
            refs = extract_references_from_rich_text(match.group(0))
            return replacement if any(is_refused(model, pk) for model, pk, _path, _content in refs) else match.group(0)

        return replace

    return FIND_EMBED_TAG.sub(keep_unless_refused(""), FIND_A_TAG.sub(keep_unless_refused("<a>"), html or ""))


def strip_block(block, raw, is_refused):
    """A block's raw (JSON-ready) value without refused items, through StreamField's nested blocks."""
    if raw is None:
        return raw
    if isinstance(block, blocks.ChooserBlock):
        return None if is_refused(block.model_class, raw) else raw
    if isinstance(block, blocks.RichTextBlock):
        return strip_rich_text(raw, is_refused)
    if isinstance(block, blocks.StreamBlock):
        for item in raw:
            child = block.child_blocks.get(item.get("type"))
            if child is not None:
                item["value"] = strip_block(child, item.get("value"), is_refused)
    elif isinstance(block, blocks.ListBlock):
        for index, item in enumerate(raw):
            if isinstance(item, dict) and item.get("type") == "item":
                item["value"] = strip_block(block.child_block, item.get("value"), is_refused)
            else:  # ListBlock's older format: a bare list of values
                raw[index] = strip_block(block.child_block, item, is_refused)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            if name in raw:
                raw[name] = strip_block(child, raw[name], is_refused)
    return raw


def reference_field_names(model):
    """The fields of `model` whose values can point at a page, image or document."""
    return {
        field.name
        for field in model._meta.get_fields()
        if hasattr(field, "extract_references")
        or (field.is_relation and field.many_to_one and reference_kind(field.related_model))
    }


class ClinicPageFormMixin(ClinicReferencesFormMixin):
    """Page form part: a page being created learns its parent (so its clinic) before it is validated.

    Wagtail's create view validates the new page before it has a place in the tree; only the form knows the parent.
    A medical reviewer is chosen among the page's clinic's clinicians only (the model refuses any other besides).
    """

    def __init__(self, *args, parent_page=None, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None:
            instance.creation_parent = parent_page
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if "reviewer" in self.fields:
            place = instance if instance is not None and instance.path else parent_page
            clinic = clinic_of(place) if place is not None else None
            clinicians = Clinician.objects.filter(site_id=clinic.pk) if clinic is not None else Clinician.objects.none()
            self.fields["reviewer"].queryset = clinicians


class ClinicPageForm(ClinicPageFormMixin, WagtailAdminPageForm):
    """The admin form of every clinic page type (set as `base_form_class` by PageReferencesMixin)."""


PUBLISH_NEEDS_FORM_FIELDS = "Add at least one form field before publishing."


class ClinicFormPageForm(ClinicPageFormMixin, WagtailAdminFormPageForm):
    """For form-builder pages (ContactPage), which keep Wagtail's check of their form fields.

    Publishing one with no form field would show patients a form with nothing to fill in, so the Publish action is
    refused; a draft may still be saved while the fields are being written. The check sits here, not in the model's
    clean(): only the form knows which button was pressed (Wagtail's create and edit views publish on
    "action-publish"), whereas the model is cleaned the same way for a draft of a live page as for publishing it.
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.data.get("action-publish") and not self.has_form_fields():
            self.add_error(None, PUBLISH_NEEDS_FORM_FIELDS)
        return cleaned_data

    def has_form_fields(self):
        """True when a form-field formset keeps at least one field (a saved one not deleted, or a new one filled)."""
        from wagtail.contrib.forms.models import AbstractFormField

        for related in self.instance._meta.related_objects:
            formset = self.formsets.get(related.related_name)
            if formset is None or not issubclass(related.related_model, AbstractFormField):
                continue
            for form in formset.forms:
                if formset.can_delete and formset._should_delete_form(form):
                    continue
                if form.instance.pk or form.has_changed():
                    return True
        return False


class PageReferencesMixin(ClinicReferencesMixin):
    """A page that may point only at its own clinic's images, documents and pages (rich text, choosers, blocks).

    Its clinic is the one whose tree holds it (clinic_of) or, while it is being created, its parent. Network admins
    are held to the same rule: it is about the page's clinic, not the user. Put it first among the page's bases, so
    its `serve_preview` runs before RoutablePageMixin's (which does not call super).
    """

    base_form_class = ClinicPageForm

    def reference_bounds(self):
        place = self if self.path else getattr(self, "creation_parent", None)
        clinic = clinic_of(place) if place is not None else None
        return ClinicBounds.of_site(clinic.pk, clinic.root_path) if clinic is not None else ClinicBounds()

    def value_without(self, name, refused):
        field = self._meta.get_field(name)

        def is_refused(model, pk):
            return (reference_kind(model), str(pk)) in refused

        value = getattr(self, name)
        if isinstance(field, RichTextField):
            return strip_rich_text(value, is_refused)
        if isinstance(field, StreamField):
            stream_block = field.stream_block
            return stream_block.to_python(strip_block(stream_block, stream_block.get_prep_value(value), is_refused))
        return super().value_without(name, refused)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & reference_field_names(type(self)):
            return super().save(*args, **kwargs)
        # Only bookkeeping columns are written (a lock, the latest revision): they carry no reference, and a live
        # page saved before this rule, still holding one, must stay lockable. Publishing it is refused all the same.
        self._reference_check_skipped = True
        try:
            return super().save(*args, **kwargs)
        finally:
            self._reference_check_skipped = False

    def serve_preview(self, request, mode_name):
        # Drafts and revisions are previewed as they were stored (view draft, a revision, a task's preview): one
        # stored before this rule may still point at another clinic's item, and no preview may show it.
        if self.foreign_references():
            raise PermissionDenied("This page uses an image, document or page that is not available to its clinic.")
        return super().serve_preview(request, mode_name)
