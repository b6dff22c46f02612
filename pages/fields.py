"""Field declarations the page types and the clinic settings share, so each option is decided in one place.

Each helper returns an ordinary Django or Wagtail field (migrations see the same field as written out by hand);
every field still says what it is for with its own verbose name and help text.
"""

from django.db import models
from wagtail.fields import RichTextField, StreamField

# Patient text stays simple: no headings inside paragraphs (HeadingBlock orders them), no embeds.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def paragraphs(verbose_name, help_text, **options):
    """Rich text of plain paragraphs, links and lists: what every patient-facing section is written in."""
    return RichTextField(verbose_name, features=PARAGRAPH_FEATURES, help_text=help_text, **options)


def line(verbose_name, help_text, *, max_length=200, blank=True, **options):
    """One line an editor types, optional unless `blank=False`."""
    return models.CharField(verbose_name, max_length=max_length, blank=blank, help_text=help_text, **options)


def lines(verbose_name, help_text, **options):
    """Optional plain text of several lines, one item a line."""
    return models.TextField(verbose_name, blank=True, help_text=help_text, **options)


def intro_text(help_text):
    """The optional one- or two-sentence opening of a page, shown at the top and in search results."""
    return models.TextField("introduction", max_length=400, blank=True, help_text=help_text)


def stream_of(stream_block, verbose_name, help_text, *, blank=True):
    """A StreamField of `stream_block`, optional unless `blank=False`."""
    return StreamField(stream_block, verbose_name=verbose_name, blank=blank, help_text=help_text)


def optional_image(verbose_name, help_text):
    """An optional image; whose it may be is checked by the clinic's reference rule (pages/clinics/references.py)."""
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )
