"""Spam protection for the forms patients fill in: a honeypot, a signed time trap and a per-IP rate limit.

Used by contact pages and meant for every other public form (patient messages). The checks are plain functions
that take their inputs (and the clock) as arguments, so they are unit-tested without a request; the form mixin and
`rate_limit_allows` connect them to Django. No check is silent: a refused patient sees why and keeps what they
typed, because a person caught by mistake must be able to send their message.

Settings (each optional; `<PREFIX>` is the form's prefix, "CONTACT" for contact pages):

- `<PREFIX>_TIME_TRAP_SECONDS` (3): a form sent sooner than this after it was shown is refused.
- `<PREFIX>_TIME_TRAP_MAX_AGE` (86400): a form shown longer ago than this is refused (and given a fresh token).
- `<PREFIX>_RATE_LIMIT_SECONDS` (15) and `<PREFIX>_RATE_LIMIT_COUNT` (1): at most COUNT accepted submissions per
  SECONDS from one IP address; 0 seconds turns the limit off.
- `ANTISPAM_TRUSTED_PROXIES` (0): how many reverse proxies in front of the app append to X-Forwarded-For. Behind a
  load balancer it must be set, or every patient shares the proxy's address and therefore one rate limit.
"""

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

# Problem codes (a ValidationError's `code`); "token" here is the time-trap token, not a credential.
HONEYPOT = "honeypot"
MISSING_TOKEN = "missing_token"  # noqa: S105
BAD_TOKEN = "bad_token"  # noqa: S105
EXPIRED_TOKEN = "expired_token"  # noqa: S105
TOO_FAST = "too_fast"
RATE_LIMITED = "rate_limited"

MESSAGES = {
    HONEYPOT: (
        "Your message was not sent because a hidden anti-spam box was filled in, which usually means a computer "
        "program filled in the form. If you are a person, please check your details and send it again."
    ),
    MISSING_TOKEN: (
        "We could not check that this form came from our website, so your message was not sent. "
        "Please check your details and send it again."
    ),
    BAD_TOKEN: (
        "We could not check that this form came from our website, so your message was not sent. "
        "Please check your details and send it again."
    ),
    EXPIRED_TOKEN: (
        "This form was open for a long time, so for your security your message was not sent. "
        "What you typed is still below: please check it and send it again."
    ),
    TOO_FAST: (
        "That was quicker than a person usually fills in this form, so your message was not sent yet. "
        "Everything you typed is still below: please press Send again."
    ),
    RATE_LIMITED: (
        "A message was sent from your internet connection a moment ago. Please wait {seconds} seconds and send "
        "this one again; what you typed is still below. If you already sent this message, you do not need to "
        "send it again."
    ),
}

# Problems after which the patient needs a new token: resending the same one would fail the same way.
TOKEN_RENEWING_PROBLEMS = {MISSING_TOKEN, BAD_TOKEN, EXPIRED_TOKEN}

# Salts keep these signatures and hashes from being valid for any other use of SECRET_KEY.
TIME_TRAP_SALT = "pages.antispam.time-trap"
RATE_LIMIT_SALT = "pages.antispam.rate-limit"


@dataclass(frozen=True)
class SpamPolicy:
    """The thresholds one form uses; `from_settings("CONTACT")` reads the CONTACT_* settings."""

    min_seconds: int = 3
    max_age: int = 24 * 60 * 60
    rate_limit_seconds: int = 15
    rate_limit_count: int = 1

    @classmethod
    def from_settings(cls, prefix):
        values = {
            "min_seconds": _setting(f"{prefix}_TIME_TRAP_SECONDS", cls.min_seconds),
            "max_age": _setting(f"{prefix}_TIME_TRAP_MAX_AGE", cls.max_age),
            "rate_limit_seconds": _setting(f"{prefix}_RATE_LIMIT_SECONDS", cls.rate_limit_seconds),
            "rate_limit_count": _setting(f"{prefix}_RATE_LIMIT_COUNT", cls.rate_limit_count),
        }
        if values["rate_limit_count"] < 1:
            raise ImproperlyConfigured(f"{prefix}_RATE_LIMIT_COUNT must be 1 or more.")
        return cls(**values)


def _setting(name, default):
    value = getattr(settings, name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return value


# --- Pure functions -------------------------------------------------------------------------------------------


def honeypot_problem(value):
    """HONEYPOT when the field people never see was filled in (by a program), else None."""
    return HONEYPOT if value and str(value).strip() else None


class _TimeTrapSigner(signing.TimestampSigner):
    """A TimestampSigner whose clock is an argument, so tokens can be issued 'ten seconds ago' in tests."""

    def __init__(self, now=None):
        super().__init__(salt=TIME_TRAP_SALT)
        self.now = now

    def timestamp(self):
        return signing.b62_encode(int(time.time() if self.now is None else self.now))


def issue_time_token(purpose, *, now=None):
    """A signed token saying "the form for `purpose` was shown at `now`" (default: the current time).

    `purpose` names the form (e.g. "contact-page:12"), so a token from one form is refused by another.
    """
    return _TimeTrapSigner(now).sign(purpose)


# The random part of a one-time purpose (one_time_purpose).
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def one_time_purpose(prefix, token=None):
    """The time-trap purpose of one rendering of a form: `prefix` (the form, e.g. "contact-page:12") and a nonce.

    For a submitted form the nonce is read back from its token; the signature then proves that this form issued
    it. Without a well-formed one a fresh nonce is used, so the token is refused as forged and the re-rendered form
    gets a token that works. Each rendering's token is then unique, and its hash (`token_hash`) names one filled-in
    form: a resubmitted, reloaded or double-clicked form is recognised.
    """
    prefix = f"{prefix}:"
    if token:
        claimed = token.rsplit(":", 2)[0]  # the signed value of "value:timestamp:signature"
        if claimed.startswith(prefix) and NONCE.fullmatch(claimed[len(prefix) :]):
            return claimed
    return prefix + secrets.token_urlsafe(16)


def time_token_problem(token, purpose, *, now=None, min_seconds=3, max_age=24 * 60 * 60):
    """Why `token` does not show a person filling in the form for `purpose`, or None when it does.

    The issue time is inside the signature, so a program cannot claim to have waited: MISSING_TOKEN, BAD_TOKEN
    (forged, altered or from another form), TOO_FAST (younger than `min_seconds`) or EXPIRED_TOKEN (older than
    `max_age`).
    """
    if not token:
        return MISSING_TOKEN
    signer = _TimeTrapSigner()
    try:
        # Checks the signature over purpose and timestamp; the age is checked below against our own clock.
        signed_purpose = signer.unsign(token)
        issued_at = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
    except (signing.BadSignature, ValueError, IndexError):
        return BAD_TOKEN
    if not constant_time_compare(signed_purpose, purpose):
        return BAD_TOKEN
    age = (time.time() if now is None else now) - issued_at
    if age < min_seconds:
        return TOO_FAST
    if age > max_age:
        return EXPIRED_TOKEN
    return None


def client_ip(meta, trusted_proxies=0):
    """The address a request came from, given request.META and how many proxies we trust.

    With N trusted proxies, each appended the address it received the request from to X-Forwarded-For, so the
    Nth entry from the right is the one our own proxies vouch for. Anything further left was written by the
    client and could be forged to dodge the rate limit.
    """
    remote_addr = meta.get("REMOTE_ADDR", "")
    if trusted_proxies <= 0:
        return remote_addr
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < trusted_proxies:
        # Fewer hops than configured: the request did not come through all our proxies; trust only the socket.
        return remote_addr
    return forwarded[-trusted_proxies]


def rate_limit_key(scope, ip, secret):
    """The cache key counting `scope` submissions from `ip`: a keyed SHA-256 hash, so the cache holds no IP."""
    digest = salted_hmac(RATE_LIMIT_SALT, ip, secret=secret, algorithm="sha256").hexdigest()
    return f"antispam:{scope}:{digest}"


def take_rate_limit_slot(cache, key, *, seconds, limit=1):
    """Count one submission under `key`; True while at most `limit` were counted in the current window.

    Only atomic cache operations (`add`, `incr`), so concurrent workers sharing Redis cannot both slip through.
    The window starts at the first submission and is not extended by refused ones.
    """
    if seconds <= 0:
        return True
    if cache.add(key, 1, timeout=seconds):
        return True
    if limit <= 1:
        # add() alone decides: the key exists, so this window's one submission has been made.
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this submission opens the next one, unless another worker
        # opened it in the meantime (then refusing is the safe side of a race measured in microseconds).
        return cache.add(key, 1, timeout=seconds)
    if count == 1:
        # Django's Redis incr() is EXISTS then INCR; a key expiring in between is re-created without an expiry,
        # which would block this address for good. Give it back its window.
        cache.touch(key, seconds)
    return count <= limit


# --- Django glue ----------------------------------------------------------------------------------------------


def rate_limit_allows(request, scope, policy, cache=None):
    """Count this request's submission for `scope`; False when its IP address has sent too many lately."""
    from django.core.cache import cache as default_cache

    ip = client_ip(request.META, getattr(settings, "ANTISPAM_TRUSTED_PROXIES", 0))
    key = rate_limit_key(scope, ip, settings.SECRET_KEY)
    return take_rate_limit_slot(
        cache or default_cache, key, seconds=policy.rate_limit_seconds, limit=policy.rate_limit_count
    )


def rate_limit_message(policy):
    return MESSAGES[RATE_LIMITED].format(seconds=policy.rate_limit_seconds)


class _AlwaysEmptyInput(forms.TextInput):
    """Renders without a value, so a honeypot that browser autofill filled is empty again when the form returns."""

    def format_value(self, value):
        return None


class SpamProtectedFormMixin:
    """Adds a honeypot and a signed time trap to a Django form; put it before the form class in the bases.

    Pass `spam_purpose` (what the form is for, e.g. "contact-page:12") and optionally `spam_policy`. Refusals are
    non-field errors, so the form comes back with the patient's input; `spam_problem` says which check failed.
    The two fields are removed from `cleaned_data`, so they are never stored with the submission. Templates render
    the patient's fields from `patient_fields` and the two traps from `honeypot` and `time_token`.
    """

    # Names with a hyphen: Wagtail's form builder makes snake_case names, so an editor's field cannot clash.
    honeypot_field_name = "hp-website"
    # False: a form sent too fast is still valid here and `spam_problem` says TOO_FAST; the caller refuses it after
    # its own questions to the patient (the patient messages' health-details question), so those come first.
    too_fast_is_an_error = True
    time_token_field_name = "form-token"  # noqa: S105 - a field name, not a credential

    def __init__(self, *args, spam_purpose="form", spam_policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.spam_purpose = spam_purpose
        self.spam_policy = spam_policy or SpamPolicy()
        self.spam_problem = None
        self.fields[self.honeypot_field_name] = forms.CharField(
            label="Leave this field empty",
            required=False,
            widget=_AlwaysEmptyInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[self.time_token_field_name] = forms.CharField(
            required=False,
            widget=forms.HiddenInput,
            # Issued when the empty form is shown; a bound form carries the patient's original token.
            initial=None if self.is_bound else issue_time_token(spam_purpose),
        )

    @property
    def antispam_field_names(self):
        return (self.honeypot_field_name, self.time_token_field_name)

    @property
    def patient_fields(self):
        """The form's own fields, without the traps, in order."""
        return [field for field in self if field.name not in self.antispam_field_names]

    @property
    def honeypot(self):
        return self[self.honeypot_field_name]

    @property
    def time_token(self):
        return self[self.time_token_field_name]

    @property
    def token_hash(self):
        """A SHA-256 hash of the submitted time token ("" when there was none): the filled-in form's one-time id."""
        token = getattr(self, "submitted_token", "")
        return hashlib.sha256(token.encode()).hexdigest() if token else ""

    def clean(self):
        cleaned_data = super().clean()
        # Kept before the trap fields leave cleaned_data.
        self.submitted_token = cleaned_data.get(self.time_token_field_name) or ""
        token_problem = time_token_problem(
            cleaned_data.get(self.time_token_field_name),
            self.spam_purpose,
            min_seconds=self.spam_policy.min_seconds,
            max_age=self.spam_policy.max_age,
        )
        self.spam_problem = honeypot_problem(cleaned_data.get(self.honeypot_field_name)) or token_problem
        # What the patient has to correct is said first. The token keeps its time, so the corrected form is judged
        # by how long the patient took in all: a person passes, a program that posts again at once does not.
        if self.spam_problem == TOO_FAST and (self._errors or not self.too_fast_is_an_error):
            pass
        elif self.spam_problem:
            self.add_error(None, ValidationError(MESSAGES[self.spam_problem], code=self.spam_problem))
        if token_problem in TOKEN_RENEWING_PROBLEMS:
            self._renew_time_token()
        for name in self.antispam_field_names:
            cleaned_data.pop(name, None)
        return cleaned_data

    def refuse_too_fast(self):
        """With `too_fast_is_an_error` False: say the form was sent too fast; True when it was (and is now invalid)."""
        if self.spam_problem != TOO_FAST:
            return False
        self.add_error(None, ValidationError(MESSAGES[TOO_FAST], code=TOO_FAST))
        return True

    def _renew_time_token(self):
        # The re-rendered form shows self.data; give it a token the next attempt can pass with.
        self.data = self.data.copy()
        self.data[self.add_prefix(self.time_token_field_name)] = issue_time_token(self.spam_purpose)
