"""Telling an advert from a patient's message by what it says: the clinic's spam words and a limit on links.

Shared by both patient forms with the clinic's own lists (Clinic settings, `ClinicSettings.moderation_rules()`):
a patient message that reads like an advert is kept as spam for a moderator (patient_messages/rules.py), a
contact form is not sent and the sender is told why (contact/models.py). How a form was sent (honeypot, time
trap, rate limit) is pages/antispam.py. Pure functions of the text.
"""

import re
from dataclasses import dataclass

SPAM_WORDS = "spam_words"
LINKS = "links"

MESSAGES = {
    SPAM_WORDS: (
        "Your message was not sent because it mentions {found}, which we usually only see in advertising. If you "
        "are a patient, please take {it} out and send it again, or call us."
    ),
    LINKS: (
        "Your message was not sent because it has {found} links, which we usually only see in advertising. Please "
        "take the links out (you can say in words what you saw) and send it again, or call us."
    ),
}

# What a new clinic's "words that make a message spam" starts with (Clinic settings, where the clinic edits it):
# the advertising that reaches clinic forms, and nothing a patient writes about their care or their name.
DEFAULT_SPAM_WORDS = (
    "viagra",
    "cialis",
    "casino",
    "online casino",
    "poker",
    "sports betting",
    "seo services",
    "seo agency",
    "search engine optimization",
    "backlinks",
    "link building",
    "guest post",
    "crypto",
    "cryptocurrency",
    "bitcoin",
    "forex",
    "binary options",
    "payday loans",
    "replica watches",
    "essay writing",
)
# A text with this many links or more is an advert (0 turns the rule off).
DEFAULT_LINK_LIMIT = 2

# Top-level domains adverts use, for links written without "http" or "www" ("cheap-pills.shop").
_BARE_LINK_TLDS = (
    "com|net|org|info|biz|io|co|me|ru|cn|xyz|top|shop|store|online|site|club|live|app|pro|vip|icu|buzz|link|click"
)
LINK = re.compile(
    r"https?://\S+|\bwww\.\S+|<a\s|\[url\b"
    # A bare domain, not the domain of an email address (nothing of it right after "@" or joined to one after it).
    rf"|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_BARE_LINK_TLDS})\b(?![@\w-]|\.\w)",
    re.IGNORECASE,
)


def word_list(text):
    """One word or phrase per line, blank lines ignored, compared case-insensitively."""
    return tuple(line.strip().lower() for line in (text or "").splitlines() if line.strip())


def count_links(text):
    return len(LINK.findall(text or ""))


def matching_words(words, *texts):
    """The listed words or phrases that appear as whole words in any of `texts`."""
    haystack = "\n".join(t for t in texts if t)
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", haystack, re.IGNORECASE)]


@dataclass(frozen=True)
class AdvertProblem:
    code: str  # SPAM_WORDS or LINKS
    found: tuple  # the words found, or (the number of links,)

    @property
    def message(self):
        if self.code == LINKS:
            return MESSAGES[LINKS].format(found=self.found[0])
        quoted = [f"“{word}”" for word in self.found]
        found = ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]
        return MESSAGES[SPAM_WORDS].format(found=found, it="them" if len(quoted) > 1 else "it")


def advert_problem(texts, *, spam_words=(), link_limit=DEFAULT_LINK_LIMIT):
    """Why `texts` (what one form holds) read like an advert: the clinic's spam words, or `link_limit` links or
    more (0: no limit); None when they do not."""
    words = matching_words(spam_words, *texts)
    if words:
        return AdvertProblem(SPAM_WORDS, tuple(words))
    links = sum(count_links(text) for text in texts)
    if link_limit and links >= link_limit:
        return AdvertProblem(LINKS, (links,))
    return None
