"""The form-value dimension's machinery: every place in a clinic admin form where a reference to an image, document or
page can go, read from the models and blocks, and the POST that puts clinic B's item there.

- `reference_slots(model)`: foreign keys to pages, images and documents, every chooser block and rich-text block in
  every StreamField (however deep), and every rich-text field. A field or block that can hold a reference in a way
  this module cannot post is reported by `unhandled_references(model)`, never skipped;
- `edit_post(response, instance)`: the form as the editor's browser would send it back, read from the rendered edit
  page (Wagtail's `querydict_from_html`) plus the StreamFields, which the browser builds in JavaScript;
- `with_value(data, slot, kind, item)`: that POST with one slot holding `item` (valid sample values around it);
- `reference_world(clinic_a, clinic_b)`: clinic A's page of every type and own image, document and draft page, and
  clinic B's, whose titles, file names and slugs carry the marker "Zebra-B" (tests/isolation/world.py).
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from modelcluster.models import ClusterableModel, get_all_child_relations
from wagtail import blocks
from wagtail.blocks.field_block import BaseChoiceBlock
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, ReferenceIndex
from wagtail.rich_text import features as feature_registry
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from pages.library.pages import MASTER_MODELS, LibraryIndexPage
from pages.library.setup import ensure_library
from pages.models import ArticlePage, ClinicSettings, GeneralPage, NewsIndexPage, TeamPage, TreatmentsIndexPage
from tests.factories import ContactPageFactory, ProcedurePageFactory, RecoveryGuidancePageFactory
from tests.isolation.world import A_PREFIX, B_PREFIX
from tests.library.support import build_master

Image = get_image_model()
Document = get_document_model()

KINDS = ("image", "document", "page")
# Rich text holds all three: a page link, a document link, an embedded image. Which survive the editor is up to each
# field's features; the POST carries them all, as a hand-made request could.
RICH_TEXT_FEATURE_OF = {"page": "link", "document": "document-link", "image": "image"}
ALL_RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", *RICH_TEXT_FEATURE_OF.values()]
REFUSAL = "not available to this clinic"
# The library's page types: edited by network staff only, and held to the same rule (their pages are no clinic's).
LIBRARY_MODELS = (LibraryIndexPage, *MASTER_MODELS)


def kind_of(model):
    if model is None:
        return None
    if issubclass(model, Page):
        return "page"
    if issubclass(model, Image):
        return "image"
    if issubclass(model, Document):
        return "document"
    return None


@dataclass(frozen=True)
class Slot:
    """One place in a model's admin form where a reference can go: a field, or a block path inside a StreamField."""

    model: type
    field: str
    path: tuple  # block names inside a StreamField ("image", "image"); () for the field itself
    how: str  # "foreign key", "chooser block", "rich text field", "rich text block"
    kinds: tuple
    features: tuple | None = None  # a rich-text slot's editor features (None: the default features)

    @property
    def label(self):
        return ".".join((self.model.__name__, self.field, *self.path))

    def keeps(self, kind):
        """Whether the field's editor keeps a reference of `kind` (rich text drops what it has no feature for)."""
        if not self.how.startswith("rich text"):
            return True
        features = self.features if self.features is not None else feature_registry.get_default_features()
        return RICH_TEXT_FEATURE_OF[kind] in features


def clinic_models():
    """Every page type of the `pages` app, and ClinicSettings: the models a clinic edits in admin forms."""
    page_models = [model for model in apps.get_app_config("pages").get_models() if issubclass(model, Page)]
    return sorted(page_models, key=lambda model: model.__name__) + [ClinicSettings]


def own_fields(model):
    """The model's fields that this project declares: not Wagtail's own page fields (e.g. alias_of, which no form
    edits), nor the link from a page type to its Page row."""
    return [
        f
        for f in model._meta.get_fields()
        if f.concrete
        and f.model._meta.app_label == model._meta.app_label
        and not getattr(f.remote_field, "parent_link", False)
    ]


def _block_slots(model, field_name, block, path):
    if isinstance(block, blocks.ChooserBlock):
        kind = kind_of(block.model_class)
        if kind:
            yield Slot(model, field_name, path, "chooser block", (kind,))
    elif isinstance(block, blocks.RichTextBlock):
        features = tuple(block.features) if block.features is not None else None
        yield Slot(model, field_name, path, "rich text block", KINDS, features)
    elif isinstance(block, blocks.StreamBlock | blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from _block_slots(model, field_name, child, (*path, name))
    elif isinstance(block, blocks.ListBlock):
        yield from _block_slots(model, field_name, block.child_block, (*path, "item"))


def reference_slots(model):
    slots = []
    for f in own_fields(model):
        if isinstance(f, models.ForeignKey) and kind_of(f.related_model):
            slots.append(Slot(model, f.name, (), "foreign key", (kind_of(f.related_model),)))
        elif isinstance(f, RichTextField):
            features = tuple(f.features) if f.features is not None else None
            slots.append(Slot(model, f.name, (), "rich text field", KINDS, features))
        elif isinstance(f, StreamField):
            slots += _block_slots(model, f.name, f.stream_block, ())
    return slots


def _handled(block):
    return isinstance(
        block, blocks.ChooserBlock | blocks.RichTextBlock | blocks.StreamBlock | blocks.StructBlock | blocks.ListBlock
    )


def _unhandled_blocks(block, where):
    if not _handled(block) and type(block).extract_references is not blocks.Block.extract_references:
        yield f"{where}: {type(block).__name__} holds references this dimension cannot post"
    children = block.child_blocks.items() if hasattr(block, "child_blocks") else ()
    if isinstance(block, blocks.ListBlock):
        children = [("item", block.child_block)]
    for name, child in children:
        yield from _unhandled_blocks(child, f"{where}.{name}")


def unhandled_references(model):
    """Fields, blocks and inline children of `model` that can hold a reference the dimension does not post."""
    found = []
    for f in own_fields(model):
        where = f"{model.__name__}.{f.name}"
        if isinstance(f, StreamField):
            found += _unhandled_blocks(f.stream_block, where)
        elif hasattr(f, "extract_references") and not isinstance(f, RichTextField):
            found.append(f"{where}: {type(f).__name__} holds references this dimension cannot post")
        elif f.is_relation and f.many_to_one and not isinstance(f, models.ForeignKey):
            found.append(f"{where}: a relation the dimension cannot post")
    if issubclass(model, ClusterableModel):
        for relation in get_all_child_relations(model):
            # Inline children (InlinePanel rows, comments) other than their link back to the parent.
            child_fields = [f for f in relation.related_model._meta.concrete_fields if f is not relation.field]
            if any(
                isinstance(f, RichTextField | StreamField) or (f.is_relation and kind_of(f.related_model))
                for f in child_fields
            ):
                found.append(f"{model.__name__}.{relation.get_accessor_name()}: inline children with references")
    return found


# --- Form data ----------------------------------------------------------------------------------------------------


def list_block_data(items):
    data = {str(index): {"value": item, "deleted": "", "order": str(index)} for index, item in enumerate(items)}
    data["count"] = str(len(items))
    return data


def current_block_data(block, value):
    """Form data (nested, for nested_form_data) that posts `value` of `block` back unchanged."""
    if isinstance(block, blocks.StreamBlock):
        return streamfield([(child.block_type, current_block_data(child.block, child.value)) for child in value])
    if isinstance(block, blocks.StructBlock):
        return {name: current_block_data(child, value.get(name)) for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.ListBlock):
        return list_block_data([current_block_data(block.child_block, item) for item in value])
    if isinstance(block, blocks.RichTextBlock):
        return rich_text(value.source if value else "", features=block.features)
    if isinstance(block, blocks.ChooserBlock):
        return str(value.pk) if value else ""
    if isinstance(block, blocks.BooleanBlock):
        return "on" if value else ""
    return "" if value is None else str(value)


def sample_block_data(block, own):
    """Form data for a valid value of `block`, pointing only at clinic A's own items (`own`: kind -> object)."""
    if isinstance(block, blocks.StreamBlock):
        first = next(iter(block.child_blocks.items()))
        return streamfield([(first[0], sample_block_data(first[1], own))] * (block.meta.min_num or 0))
    if isinstance(block, blocks.StructBlock):
        return {name: sample_block_data(child, own) for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.ListBlock):
        return list_block_data([sample_block_data(block.child_block, own)] * max(block.meta.min_num or 0, 1))
    if isinstance(block, blocks.RichTextBlock):
        return rich_text("<p>Sample text.</p>", features=block.features)
    if isinstance(block, blocks.ChooserBlock):
        return str(own[kind_of(block.model_class)].pk)
    if isinstance(block, BaseChoiceBlock):
        return next(str(value) for value, _label in block.field.choices if value not in ("", None))
    simple = {
        blocks.BooleanBlock: "",
        blocks.IntegerBlock: "1",
        blocks.FloatBlock: "1",
        blocks.DecimalBlock: "1",
        blocks.DateBlock: "2026-01-01",
        blocks.URLBlock: "https://example.com/",
        blocks.EmailBlock: "sample@example.com",
    }
    for block_class, value in simple.items():
        if isinstance(block, block_class):
            return value
    if isinstance(block, blocks.CharBlock | blocks.TextBlock | blocks.RawHTMLBlock):
        return "Sample text"
    raise AssertionError(f"No sample value for {type(block).__name__}: teach tests/isolation/form_values.py")


def block_data_with(block, path, leaf, own):
    """Form data for one value of `block` holding `leaf` at block `path`, valid sample values around it."""
    if not path:
        return leaf
    head, rest = path[0], path[1:]
    if isinstance(block, blocks.StreamBlock):
        return streamfield([(head, block_data_with(block.child_blocks[head], rest, leaf, own))])
    if isinstance(block, blocks.StructBlock):
        return {
            name: block_data_with(child, rest, leaf, own) if name == head else sample_block_data(child, own)
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.ListBlock):
        return list_block_data([block_data_with(block.child_block, rest, leaf, own)])
    raise AssertionError(f"Cannot walk {type(block).__name__} at {path}")


def _without_field(data, name):
    return {key: value for key, value in data.items() if key != name and not key.startswith(f"{name}-")}


def edit_post(response, instance, form_id):
    """The edit form of `instance`, as the page at `response` would post it back unchanged."""
    query = querydict_from_html(response.content.decode(), form_id=form_id)
    data = {key: values if len(values) > 1 else values[0] for key, values in query.lists()}
    for f in own_fields(type(instance)):
        if isinstance(f, StreamField):
            data = _without_field(data, f.name)
            data.update(nested_form_data({f.name: current_block_data(f.stream_block, getattr(instance, f.name))}))
    return data


def reference_html(kind, item):
    return {
        "page": f'<p>Read <a linktype="page" id="{item.pk}">our other page</a>.</p>',
        "document": f'<p>Read <a linktype="document" id="{item.pk}">the leaflet</a>.</p>',
        "image": f'<p>A picture:</p><embed embedtype="image" id="{item.pk}" alt="A picture" format="fullwidth"/>',
    }[kind]


def with_value(data, slot, kind, item, own):
    """`data` with `slot` holding a reference of `kind` to `item`."""
    data = dict(data)
    if slot.how == "foreign key":
        data[slot.field] = str(item.pk)
        return data
    if slot.how.startswith("rich text"):
        leaf = rich_text(reference_html(kind, item), features=ALL_RICH_TEXT_FEATURES)
    else:
        leaf = str(item.pk)
    if not slot.path:
        data[slot.field] = leaf
        return data
    stream_block = slot.model._meta.get_field(slot.field).stream_block
    data = _without_field(data, slot.field)
    data.update(nested_form_data({slot.field: block_data_with(stream_block, slot.path, leaf, own)}))
    return data


def references_in(obj):
    """{(kind, id)} of every page, image and document `obj` points at, read by Wagtail's reference index walk."""
    found = set()
    for content_type_id, object_id, _model_path, _content_path in ReferenceIndex._extract_references_from_object(obj):
        kind = kind_of(ContentType.objects.get_for_id(content_type_id).model_class())
        if kind:
            found.add((kind, str(object_id)))
    return found


# --- The two clinics' items ---------------------------------------------------------------------------------------


@dataclass
class ReferenceWorld:
    """Clinic A's page of every type (the forms) and own items; clinic B's items, each named with the marker."""

    targets: dict  # model -> the clinic-A object whose admin form is posted
    own: dict  # kind -> clinic A's own item
    theirs: dict  # kind -> clinic B's item
    problems: list = field(default_factory=list)

    @property
    def theirs_keys(self):
        return {(kind, str(item.pk)) for kind, item in self.theirs.items()}


def clinic_image(collection, prefix):
    filename = f"{prefix.lower()}-image.png"
    return Image.objects.create(title=f"{prefix}-Image", file=get_test_image_file(filename), collection=collection)


def clinic_document(collection, prefix):
    content = ContentFile(f"{prefix} leaflet".encode(), name=f"{prefix.lower()}-leaflet.txt")
    return Document.objects.create(title=f"{prefix}-Document", file=content, collection=collection)


def reference_world(clinic_a, clinic_b):
    home_a = clinic_a.home_page
    procedure = ProcedurePageFactory(parent=home_a, title=f"{A_PREFIX}-Procedure", slug="a-procedure")
    recovery = RecoveryGuidancePageFactory(parent=procedure, title=f"{A_PREFIX}-Recovery", slug="a-recovery")
    contact = ContactPageFactory(parent=home_a, title=f"{A_PREFIX}-Contact", slug="a-contact", to_address="")
    for model, slug in ((GeneralPage, "a-general"), (TreatmentsIndexPage, "a-treatments"), (TeamPage, "a-team")):
        home_a.add_child(instance=model(title=f"{A_PREFIX}-{model.__name__}", slug=slug))
    news = home_a.add_child(instance=NewsIndexPage(title=f"{A_PREFIX}-NewsIndexPage", slug="a-news"))
    news.add_child(instance=ArticlePage(title=f"{A_PREFIX}-ArticlePage", slug="a-article"))
    draft_a = ProcedurePageFactory(parent=home_a, title=f"{A_PREFIX}-Draft", slug="a-draft", live=False)
    draft_b = ProcedurePageFactory(
        parent=clinic_b.home_page, title=f"{B_PREFIX}-DraftPage", slug=f"{B_PREFIX.lower()}-draft-page", live=False
    )
    world = ReferenceWorld(
        targets={},
        own={
            "image": clinic_image(clinic_a.collection, A_PREFIX),
            "document": clinic_document(clinic_a.collection, A_PREFIX),
        },
        theirs={
            "image": clinic_image(clinic_b.collection, B_PREFIX),
            "document": clinic_document(clinic_b.collection, B_PREFIX),
        },
    )
    world.own["page"], world.theirs["page"] = draft_a, draft_b
    # The procedure library's pages: in no clinic, so clinic B's items are no more theirs than clinic A's.
    library = build_master(ensure_library()).get_parent()
    for model in clinic_models():
        if model is ClinicSettings:
            world.targets[model] = clinic_a.settings
            continue
        if model in LIBRARY_MODELS:
            world.targets[model] = model.objects.descendant_of(library, inclusive=True).live().order_by("path").first()
            continue
        # The first page of the type in clinic A's tree: the home page, or one made above.
        page = model.objects.descendant_of(home_a, inclusive=True).live().order_by("path").first()
        if page is None:
            world.problems.append(f"no clinic-A {model.__name__} to edit: add one in reference_world()")
        else:
            world.targets[model] = page
    assert {recovery.pk, contact.pk} <= {target.pk for target in world.targets.values()}
    return world
