"""Moderation rules for patient messages: pure functions of the text and the clinic's settings.

Nothing here publishes anything: every message starts pending (or spam) and only a person approves it. The rules
decide which pile a message lands in and why (its flags), and what to tell the patient before it is sent. They know
no statuses (models.Status): `decide` says whether a message is spam, the submission stores it as such.
"""

import re
from dataclasses import dataclass, field

from pages import adverts
from pages.clinics import phones
from pages.patient_messages import health_details

# Flags: why a message was held or classed as spam. Stored on the message for moderators to filter by.
FLAG_LINKS = "links"
FLAG_DISALLOWED_WORDS = "disallowed_words"
FLAG_MODERATION_WORDS = "moderation_words"
FLAG_HEALTH_INFO = "health_info"
FLAG_URGENT = "urgent"
FLAG_DUPLICATE = "duplicate"
FLAG_HONEYPOT = "honeypot"
FLAG_TIME_TRAP = "time_trap"

FLAG_LABELS = {
    FLAG_URGENT: "Urgent symptoms",
    FLAG_HEALTH_INFO: "Personal health information",
    FLAG_MODERATION_WORDS: "Moderation words",
    FLAG_DISALLOWED_WORDS: "Disallowed words",
    FLAG_LINKS: "Links",
    FLAG_DUPLICATE: "Duplicate",
    FLAG_HONEYPOT: "Hidden field filled in",
    FLAG_TIME_TRAP: "Sent too fast",
}
SPAM_FLAGS = {FLAG_LINKS, FLAG_DISALLOWED_WORDS, FLAG_HONEYPOT, FLAG_TIME_TRAP}

# Symptoms after a spinal injection that need a phone call, not a public message.
URGENT_PATTERNS = {
    "fever": re.compile(r"\b(?:fever|feverish|high temperature|chills)\b", re.IGNORECASE),
    "numbness or weakness": re.compile(
        r"\b(?:numb|numbness|weak|weakness|can(?:no|')?t (?:feel|move) my (?:legs?|arms?|feet|foot|hands?))\b",
        re.IGNORECASE,
    ),
    "bladder or bowel control": re.compile(
        r"\b(?:bladder|bowels?|incontinen\w*|wet myself|can(?:no|')?t (?:pee|urinate))\b", re.IGNORECASE
    ),
    "severe or worsening pain": re.compile(
        r"\b(?:severe|unbearable|excruciating|agony|worst) (?:pain|headache)\b"
        r"|\bpain (?:is )?(?:getting|much|even) worse\b|\bworse and worse\b|\bworsening pain\b",
        re.IGNORECASE,
    ),
    "bleeding or infection": re.compile(r"\b(?:bleeding|pus|swollen and red|red and swollen)\b", re.IGNORECASE),
    "breathing or chest pain": re.compile(
        r"\b(?:chest pain|can(?:no|')?t breathe|short(?:ness)? of breath)\b", re.IGNORECASE
    ),
}


@dataclass(frozen=True)
class ModerationRules:
    """A clinic's moderation settings (ClinicSettings), as plain values. Defaults follow WordPress."""

    link_limit: int = adverts.DEFAULT_LINK_LIMIT  # this many links or more: spam; 0 turns the rule off
    disallowed_words: tuple = ()
    moderation_words: tuple = ()


@dataclass(frozen=True)
class Decision:
    is_spam: bool
    flags: frozenset = field(default_factory=frozenset)

    @property
    def is_urgent(self):
        return FLAG_URGENT in self.flags


def health_info_found(text, region=None):
    """What kinds of personal health information `text` seems to contain, e.g. ["a phone number"]
    (health_details.py says how each is found). Phone numbers without a country code are read in `region`, by
    default the clinics' (CLINIC_PHONE_REGION)."""
    return health_details.health_details_found(text, region or phones.region())


def urgent_symptoms_found(text):
    """Which urgent symptoms `text` mentions, e.g. ["fever", "numbness or weakness"]."""
    return [kind for kind, pattern in URGENT_PATTERNS.items() if pattern.search(text or "")]


def decide(text, name, email, rules, *, bot_flags=()):
    """Whether a new message is spam (else it waits for a moderator), and its flags. Never "approve": approval is
    always a person's decision.

    `bot_flags` are FLAG_HONEYPOT (the form's honeypot) and FLAG_TIME_TRAP (the email flood limit) from the
    submission's own checks.
    """
    flags = set(bot_flags)
    if rules.link_limit and adverts.count_links(text) >= rules.link_limit:
        flags.add(FLAG_LINKS)
    if adverts.matching_words(rules.disallowed_words, text, name, email):
        flags.add(FLAG_DISALLOWED_WORDS)
    if adverts.matching_words(rules.moderation_words, text, name, email):
        flags.add(FLAG_MODERATION_WORDS)
    if health_info_found(text):
        flags.add(FLAG_HEALTH_INFO)
    if urgent_symptoms_found(text):
        flags.add(FLAG_URGENT)
    return Decision(bool(flags & SPAM_FLAGS), frozenset(flags))


def messages_are_open(enabled, first_published_at, close_after_days, now):
    """Whether a page still accepts messages: its own switch, then the clinic's 'close after N days' (0: never)."""
    if not enabled:
        return False
    if not close_after_days or first_published_at is None:
        return True
    return (now - first_published_at).days < close_after_days


# --- How staff name a message ----------------------------------------------------------------------------------------

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_name(name):
    """The patient as moderators call them: first name and last initial ("Maria Lopez" -> "Maria L.")."""
    words = (name or "").split()
    if len(words) < 2:
        return words[0] if words else ""
    return f"{words[0]} {words[-1][0].upper()}."


def message_name(author_name, page_title, submitted, today):
    """How the admin names a message: "Maria L. on Facet joint injections, 2 Dec" (the year when it is not this one).

    `submitted` and `today` are dates in the clinic's time zone. Never the text or the email: this is also the label
    of the message's audit-log entries. A message without a name (erased on the patient's request) says so.
    """
    who = short_name(author_name) or "Erased message"
    when = f"{submitted.day} {MONTHS[submitted.month - 1]}"
    if submitted.year != today.year:
        when += f" {submitted.year}"
    return f"{who} on {page_title}, {when}"
