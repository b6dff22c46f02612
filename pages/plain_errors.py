"""Error messages in plain words for the forms patients fill in (the contact form and "Leave a message").

A form's error summary lists each problem as a sentence that names the field the way a person would say it
("Please tell us how we can help", "Please enter your email"), not as Django's "How can we help?: This field is
required.". Clinics label their contact form's fields themselves, so the sentence is built from the label: a
question ("How can we help?") becomes "Please tell us how we can help", anything else "Please enter your ...".
Pure functions of the label, unit-tested without a form.
"""

import re

from django import forms

# Kinds of field, which decide the verb: a box to tick, a choice to make, or something to type.
TYPED = "typed"
CHOICE = "choice"
CHECKBOX = "checkbox"
EMAIL = "email"
NUMBER = "number"
DATE = "date"
URL = "url"

# "How can we help", "What should we call you": a question word, a helping verb, then who.
_INVERTED_QUESTION = re.compile(
    r"^(how|what|when|where|why|which|who)\s+"
    r"(can|could|may|might|should|shall|will|would|is|are|was|were)\s+"
    r"(we|you|i|they|it|he|she)\b\s*(.*)$",
    re.IGNORECASE,
)
# A label that already says whose it is, or needs no "your".
_DETERMINER = re.compile(r"^(?:your|the|a|an|any|my|our|their|his|her|its)\b", re.IGNORECASE)

_INVALID = {
    EMAIL: "Please enter {phrase} in the right format, like name@example.com",
    NUMBER: "Please enter {phrase} as a number",
    DATE: "Please enter {phrase} as a date",
    URL: "Please enter {phrase} as a web address",
}


def _lower_first(text):
    """Lower-case the first word for use inside a sentence, unless it is an abbreviation ("NHS number")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def _clean(label):
    return re.sub(r"\s+", " ", str(label or "")).strip().rstrip("?:*. ").strip()


def field_phrase(label):
    """How a sentence names the field: "Your name" -> "your name", "Phone number" -> "your phone number"."""
    text = _clean(label)
    if not text:
        return "this field"
    if str(label).strip().endswith("?") or _INVERTED_QUESTION.match(text):
        return f"your answer to “{str(label).strip()}”"
    phrase = _lower_first(text)
    return phrase if _DETERMINER.match(phrase) else f"your {phrase}"


def required_message(label, kind=TYPED):
    """What a patient reads when a required field is empty, e.g. "Please tell us how we can help"."""
    text = _clean(label)
    question = _INVERTED_QUESTION.match(text)
    if question:
        wh, verb, who, rest = question.groups()
        who = "I" if who.lower() == "i" else who.lower()
        return " ".join(part for part in ("Please tell us", wh.lower(), who, verb.lower(), rest) if part)
    if str(label or "").strip().endswith("?"):
        # A question of another shape ("Did you have an injection before?"): quoted, so it reads as asked.
        return f"Please answer “{str(label).strip()}”"
    if kind == CHECKBOX:
        return f"Please tick “{text}”" if text else "Please tick this box"
    if kind == CHOICE:
        # A choice's label is often no noun ("Contact me by"): quoted, it reads whatever it is.
        return f"Please make a choice for “{text}”" if text else "Please make a choice"
    return f"Please enter {field_phrase(label)}"


def error_messages(label, kind=TYPED):
    """A Django field's `error_messages` in plain words: empty, too long and, for typed formats, not readable."""
    phrase = field_phrase(label)
    messages = {
        "required": required_message(label, kind),
        # Django fills in the numbers (MaxLengthValidator's params).
        "max_length": f"{phrase[:1].upper()}{phrase[1:]} must be %(limit_value)d characters or fewer "
        "(it has %(show_value)d)",
    }
    if kind in _INVALID:
        messages["invalid"] = _INVALID[kind].format(phrase=phrase)
    return messages


def kind_of(field):
    """The kind of a Django form field, for the verb and the format its messages name."""
    for field_class, kind in (
        (forms.BooleanField, CHECKBOX),
        (forms.ChoiceField, CHOICE),  # MultipleChoiceField and TypedChoiceField too
        (forms.EmailField, EMAIL),
        (forms.URLField, URL),
        (forms.IntegerField, NUMBER),  # DecimalField and FloatField too
        (forms.DateField, DATE),
        (forms.DateTimeField, DATE),
    ):
        if isinstance(field, field_class):
            return kind
    return TYPED


def use_plain_errors(fields):
    """Give each of `fields` (a form's fields by name) error messages in plain words built from its label."""
    for field in fields.values():
        field.error_messages.update(error_messages(field.label, kind_of(field)))
