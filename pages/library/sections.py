"""A section's value as the library compares, shows and hands it over: no block ids, no images, no clinic's links.

A master belongs to no clinic, so whatever it points at (an image, a document, a page) is no clinic's own: those
parts are dropped when a section is copied into a clinic page, and the clinic adds its own. Links to other sites and
the text itself stay. Pure functions over a field and its value: no database, no page types.
"""

import re

from wagtail import blocks
from wagtail.fields import RichTextField, StreamField

from pages.content.readability import html_to_text, stream_text
from pages.content.references import strip_block, strip_rich_text

# The rich-text editor tags each paragraph with a random key when the page is saved in the admin: not a change.
BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')


def _refuse_everything(_model, _pk):
    return True


def _without_ids(raw):
    if isinstance(raw, list):
        return [_without_ids(item) for item in raw]
    if isinstance(raw, dict):
        return {key: _without_ids(value) for key, value in raw.items() if key != "id"}
    return BLOCK_KEY.sub("", raw) if isinstance(raw, str) else raw


def comparable(field, value):
    """A value two versions of a section can be compared by: without StreamField block ids or rich-text editor keys."""
    if isinstance(field, StreamField):
        return _without_ids(field.stream_block.get_prep_value(value))
    return _without_ids(str(value or ""))


def _points_elsewhere(block):
    """Whether a block holds a chooser (an image, a document, a page): such a block is dropped from a copy."""
    if isinstance(block, blocks.ChooserBlock):
        return True
    children = getattr(block, "child_blocks", None)
    if children:
        return any(_points_elsewhere(child) for child in children.values())
    child = getattr(block, "child_block", None)
    return child is not None and _points_elsewhere(child)


def for_clinic(field, value):
    """`value` as a clinic page receives it: image and other chooser blocks dropped, internal links unlinked."""
    if isinstance(field, RichTextField):
        return strip_rich_text(value, _refuse_everything)
    if isinstance(field, StreamField):
        stream_block = field.stream_block
        raw = [
            item
            for item in stream_block.get_prep_value(value)
            if not _points_elsewhere(stream_block.child_blocks.get(item.get("type"), blocks.CharBlock()))
        ]
        return stream_block.to_python(strip_block(stream_block, raw, _refuse_everything))
    return value


def as_text(field, value):
    """The words of a section as paragraphs of plain text, for the read-only library view and the comparison."""
    if isinstance(field, StreamField):
        return [text for text in stream_text(field.stream_block, value) if text]
    if isinstance(field, RichTextField):
        html = str(value or "").replace("</p>", "</p>\n").replace("</li>", "</li>\n")
        return [html_to_text(part) for part in html.split("\n") if html_to_text(part)]
    text = str(value or "").strip()
    return [text] if text else []
