"""Reading grade of patient-facing text: pure functions, no request or ORM.

Patients read at about a 6th to 8th grade level, so editors see the Flesch-Kincaid grade of what they wrote against
their clinic's target. textstat is pinned to 0.7.8: later releases download a pronunciation dictionary at run time.
"""

import re
from dataclasses import dataclass
from html import unescape

import textstat
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.rich_text import RichText

DEFAULT_TARGET = 8
# Fewer words than this give a grade that means little.
MIN_WORDS = 30


@dataclass(frozen=True)
class ReadingGrade:
    grade: float | None
    words: int
    target: int

    @property
    def meets_target(self):
        return self.grade is not None and self.grade <= self.target

    @property
    def summary(self):
        if self.grade is None:
            return f"Not enough text to measure yet ({self.words} words; {MIN_WORDS} needed)."
        verdict = "meets" if self.meets_target else "is above"
        return f"Reading grade {self.grade:.1f} {verdict} the clinic's target of grade {self.target}."


def html_to_text(html):
    """Rich text as plain text: tags go, entities become characters, list items end as sentences."""
    spaced = re.sub(r"<br\s*/?>", "\n", html.replace("</p>", "</p>\n").replace("</li>", ".</li>\n"))
    return " ".join(unescape(strip_tags(spaced)).split())


def reading_grade(text, target=DEFAULT_TARGET):
    words = textstat.lexicon_count(text)
    if words < MIN_WORDS:
        return ReadingGrade(None, words, target)
    return ReadingGrade(round(textstat.flesch_kincaid_grade(text), 1), words, target)


def stream_text(block, value):
    """The words a patient reads in a block value, skipping choices, images and other non-text parts."""
    if value is None:
        return []
    if isinstance(block, blocks.StreamBlock):
        return [text for child in value for text in stream_text(child.block, child.value)]
    if isinstance(block, blocks.ListBlock):
        return [text for item in value for text in stream_text(block.child_block, item)]
    if isinstance(block, blocks.StructBlock):
        return [text for name, child in block.child_blocks.items() for text in stream_text(child, value.get(name))]
    if isinstance(block, blocks.RichTextBlock):
        return [html_to_text(value.source if isinstance(value, RichText) else str(value))]
    if isinstance(block, blocks.ChoiceBlock):
        return []
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        return [str(value)] if value else []
    return []


def as_sentence(text):
    """Headings and list items have no full stop; add one so they count as sentences, not as one run-on."""
    text = text.strip()
    return text if not text or text[-1] in ".!?:" else f"{text}."
