"""Receiving one patient message: every rule the "Leave a message" form is sent through, in order.

`receive(page, request)` answers with an `Outcome` and never with an HTTP response: the page (page.py) turns the
outcome into one. Each rule is one named step that either lets the message through or says why not; a patient
whose message is refused always gets back the form with everything they typed.

No answer may depend on what an email address sent before: anyone can type anyone's address, and approved
messages are public, so such an answer would confirm who wrote one. The two rules that read the address's history
(the email flood limit and the duplicate rule) answer as if the message had been accepted, and the duplicate rule
runs last, so that every refusal before it is the one a new message would get. What a sender can tell apart
depends only on what they sent themselves: their text, their form, their own internet connection.
"""

import enum
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from pages import antispam
from pages.clinics.models import ClinicSettings
from pages.patient_messages import flood, rules
from pages.patient_messages.forms import PatientMessageForm
from pages.patient_messages.models import MAX_BODY_LENGTH, PatientMessage, Status

# A short lock while a form's message is being stored, so two requests carrying the same form do not both try.
# Only the database says "already sent" (a unique constraint on the token's hash): a lock whose holder died
# (a worker killed mid-INSERT) merely expires, and until then a resend is told to wait, form and text kept.
FORM_TOKEN_CLAIM_KEY = "patient-messages:form-token:{}"  # noqa: S105 - a cache key, not a credential
# Set once a form has taken its flood slots, so sending the same form again (after a failed attempt) never
# counts against the patient's flood limit a second time.
FORM_FLOOD_PAID_KEY = "patient-messages:flood-paid:{}"
# What receiving a message reads of the clinic's settings: whether messages are closed, and the moderation rules
# (ClinicSettings.moderation_rules). Only these columns, without the logo and privacy page a rendered page joins.
SUBMISSION_SETTINGS_FIELDS = (
    "site_id",
    "messages_close_after_days",
    "message_link_limit",
    "message_disallowed_words",
    "message_moderation_words",
)
STILL_SENDING_MESSAGE = (
    "Your message is still being sent. Please wait a few seconds and press Send again; what you typed is still "
    "below, and it will not be sent twice."
)


class Result(enum.Enum):
    STORED = "stored"
    ALREADY_SENT = "already sent"  # the same form again: a reload, the back button or a double click
    CLOSED = "closed"
    INVALID = "invalid"
    DUPLICATE = "duplicate"  # already stored from this address: answered as sent, not stored twice
    HEALTH_QUESTION = "health question"  # not an error: the patient edits the text or confirms it
    TOO_SOON = "too soon"
    STILL_SENDING = "still sending"  # the same form is being stored by another request right now


@dataclass(frozen=True)
class Outcome:
    result: Result
    form: PatientMessageForm | None = None
    urgent: bool = False
    health_info: tuple = ()
    # What a patient typed into a form that can no longer be shown (messages closed), handed back to keep.
    refused_text: str = ""
    retry_after: int | None = None
    message: PatientMessage | None = None

    @property
    def sent(self):
        """Whether the patient may be thanked: the message is stored, or was already."""
        return self.result in (Result.STORED, Result.ALREADY_SENT, Result.DUPLICATE)


@dataclass
class Submission:
    """One valid form posted to one page, with what the steps below read of it."""

    page: object
    request: object
    form: PatientMessageForm
    # The clinic's settings (SUBMISSION_SETTINGS_FIELDS), read once.
    clinic: ClinicSettings
    # Spam flags set by the steps (the email flood limit) on top of the form's own traps.
    held_flags: list = field(default_factory=list)
    # The cache key of the form's lock while this request holds it.
    lock_key: str | None = None

    @property
    def body(self):
        return self.form.cleaned_data["message"]

    @property
    def email(self):
        return self.form.cleaned_data["email"]

    @property
    def token_hash(self):
        return self.form.token_hash

    @property
    def urgent(self):
        return bool(rules.urgent_symptoms_found(self.body))

    @property
    def ip(self):
        return antispam.client_ip(self.request.META, getattr(settings, "ANTISPAM_TRUSTED_PROXIES", 0))

    @cached_property
    def stored_token_hashes(self):
        """The form-token hashes of the stored messages that are this form's, or the same text from the same email
        on the same page: one query for `already_sent` and `duplicate`, which each read their part at their step.

        Both match by an index (the unique token hash; email and page), and the second set is at most a few rows:
        a duplicate is never stored.
        """
        same_form = Q(form_token_hash=self.token_hash) if self.token_hash else Q(pk__in=[])
        same_text = Q(author_email=self.email, page_id=self.page.pk, body=self.body)
        return set(PatientMessage.objects.filter(same_form | same_text).values_list("form_token_hash", flat=True))


def clinic_for_submission(page, request):
    """The settings of the clinic the page is served for (SUBMISSION_SETTINGS_FIELDS only), in one small query;
    the full row (created when missing) only for a clinic without one."""
    site_id = page.get_url_parts(request)[0]
    clinic = ClinicSettings.objects.filter(site_id=site_id).only(*SUBMISSION_SETTINGS_FIELDS).first()
    return clinic or ClinicSettings.for_request(request)


def receive(page, request):
    """Check and store the message posted to `page`; the Outcome says what happened and what to show."""
    clinic = clinic_for_submission(page, request)
    if not page.messages_are_open(request, clinic):
        # Closed since the form was shown: nothing is stored, but the text is handed back for the patient to keep.
        return Outcome(Result.CLOSED, refused_text=request.POST.get("message", "")[:MAX_BODY_LENGTH])
    form = PatientMessageForm.for_page(page, request.POST)
    if not form.is_valid():
        return Outcome(Result.INVALID, form=form)
    submission = Submission(page, request, form, clinic)
    # The order is part of the privacy rule above: every step before `duplicate` reads only what the sender sent
    # (and takes the same flood slots for a duplicate as for a new message), so a duplicate is refused or thanked
    # exactly when a new message would be.
    # The form's lock comes before the flood limit: a double click or a resend of one form is never "too soon".
    try:
        for step in (already_sent, health_question, time_trap, claim_form, flood_limit, duplicate):
            outcome = step(submission)
            if outcome is not None:
                release_form(submission)
                return outcome
    except BaseException:
        # The database away mid-check (answered 503, pages/public/unavailable.py): the resend must not wait.
        release_form(submission)
        raise
    return store(submission)


def ask_to_send_again(page, request):
    """The form came without its CSRF token (the page's token script did not run): nothing is checked against the
    flood limits or stored. The form comes back with everything typed, a fresh one-time token and the
    missing-token message asking to send it again; the answer carries the CSRF token inline."""
    if not page.messages_are_open(request):
        return Outcome(Result.CLOSED, refused_text=request.POST.get("message", "")[:MAX_BODY_LENGTH])
    data = request.POST.copy()
    data.pop(PatientMessageForm.time_token_field_name, None)
    form = PatientMessageForm.for_page(page, data)
    form.is_valid()  # always invalid without a token: the missing-token error, and a renewed token to send with
    return Outcome(Result.INVALID, form=form)


def form_token_was_used(token_hash):
    """Whether a message of this form is stored: the database's word, never the cache's."""
    return PatientMessage.objects.filter(form_token_hash=token_hash).exists()


def already_sent(submission):
    """The same filled-in form again and its message is stored: the patient is simply thanked."""
    if submission.token_hash and submission.token_hash in submission.stored_token_hashes:
        return Outcome(Result.ALREADY_SENT, urgent=submission.urgent)
    return None


def health_question(submission):
    """Personal health details in a public message: asked about once; a confirmed message is flagged."""
    health_info = rules.health_info_found(submission.body)
    if health_info and submission.request.POST.get("send_anyway") != "1":
        return Outcome(Result.HEALTH_QUESTION, form=submission.form, health_info=tuple(health_info))
    return None


def time_trap(submission):
    """Sent sooner than a person fills the form in: nothing is stored and the form comes back with the text, asking
    to press Send again. The token keeps its time, so a person's second press passes; a program posting again at
    once is refused every time. Asked after the health-details question, which a person answers first anyway."""
    if submission.form.refuse_too_fast():
        return Outcome(Result.INVALID, form=submission.form)
    return None


def flood_limit(submission):
    """Too soon after another message from the same internet connection, or with the same email address.

    Only a message about to be stored takes a flood slot: correcting a mistake does not hold anyone up. The
    connection's limit is said (429, "please slow down"): the sender knows what their own connection sent. The
    email's limit is not: saying it would tell anyone who types an address that it sent a message a moment ago.
    Such a message is thanked like any other and kept as spam, flagged "Sent too fast", for a moderator to look at
    and without a notification; a flood through many connections under one address pages nobody.
    """
    policy = submission.form.spam_policy
    paid_key = FORM_FLOOD_PAID_KEY.format(submission.token_hash) if submission.token_hash else None
    # Marked paid first, atomically (add): a form that finds the mark took its slots on an earlier attempt that
    # stored nothing. The mark goes again when the slots were refused, so the form has paid only when it passed.
    if paid_key and not cache.add(paid_key, 1, timeout=policy.max_age + 60):
        return None
    problem = flood.flood_problem(cache, ip=submission.ip, email=submission.email, policy=policy)
    if problem is None:
        return None
    if paid_key:
        cache.delete(paid_key)
    if problem == flood.FLOOD_BY_EMAIL:
        submission.held_flags.append(rules.FLAG_TIME_TRAP)
        return None
    submission.form.add_error(None, flood.flood_message(problem, policy))
    return Outcome(Result.TOO_SOON, form=submission.form, retry_after=policy.rate_limit_seconds)


def claim_form(submission):
    """Take the form's short lock; add() is atomic in the shared cache, so of two requests carrying the same form
    only one goes on to store it at a time. The other answers from the database: thanked if the message is stored
    by now, else asked to send again in a moment, with the form and everything typed."""
    token_hash = submission.token_hash
    if not token_hash:
        return None
    submission.lock_key = FORM_TOKEN_CLAIM_KEY.format(token_hash)
    if cache.add(submission.lock_key, 1, timeout=settings.PATIENT_MESSAGE_SEND_LOCK_SECONDS):
        return None
    submission.lock_key = None  # another request's lock: not ours to release
    # A double click: the other request is storing it right now, which takes milliseconds. Wait for its row a
    # moment (bounded), so that both answers are "thank you"; a lock whose holder died asks to send again.
    deadline = time.monotonic() + settings.PATIENT_MESSAGE_SEND_WAIT_SECONDS
    while True:
        if form_token_was_used(token_hash):
            return Outcome(Result.ALREADY_SENT, urgent=submission.urgent)
        if time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    submission.form.add_error(None, STILL_SENDING_MESSAGE)
    return Outcome(Result.STILL_SENDING, form=submission.form, retry_after=2)


def release_form(submission):
    """Give back this request's lock on the form (a no-op without one)."""
    if getattr(submission, "lock_key", None):
        cache.delete(submission.lock_key)
        submission.lock_key = None


def duplicate(submission):
    """The same text from the same address on the same page, in a new form: thanked, not stored twice.

    Thanked rather than told: "you already sent this" would confirm to anyone who types an approved message and a
    guessed address that the address wrote it. Sending that form again meets this rule again, and is thanked again.
    """
    # Any stored match that is not this very form (whose row `already_sent` answered): the same text again.
    if any(not submission.token_hash or stored != submission.token_hash for stored in submission.stored_token_hashes):
        return Outcome(Result.DUPLICATE, urgent=submission.urgent)
    return None


def store(submission):
    """Save the message with the status and flags the rules choose; tell the clinic once it is committed."""
    from pages.patient_messages.notifications import notify_new_patient_message  # loads task backends: not at import

    form, page = submission.form, submission.page
    decision = rules.decide(
        submission.body,
        form.cleaned_data["name"],
        submission.email,
        submission.clinic.moderation_rules(),
        bot_flags=form.bot_flags + submission.held_flags,
    )
    status = Status.SPAM if decision.is_spam else Status.PENDING
    # Outside a transaction (every request) the INSERT is one of its own, committed at once; inside a caller's,
    # a savepoint keeps a refused INSERT (the unique form token) from spoiling the rest of it.
    in_transaction = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if in_transaction else nullcontext():
            message = PatientMessage(
                site_id=submission.clinic.site_id,
                page=page,
                author_name=form.cleaned_data["name"],
                author_email=submission.email,
                body=submission.body,
                status=status,
                submitted_at=timezone.now(),
                ip_hash=flood.ip_hash(submission.ip),
                form_token_hash=submission.token_hash,
                reply_notice=form.cleaned_data.get("reply_notice", False),
            )
            message.flag_list = decision.flags
            message.save()
            if status != Status.SPAM:
                # Spam is kept for review but announces nothing: moderators are not paged for programs.
                transaction.on_commit(lambda: notify_new_patient_message.enqueue(message.pk))
    except IntegrityError:
        if not (submission.token_hash and form_token_was_used(submission.token_hash)):
            raise
        # Another request stored this form's message first (the unique token): the patient is thanked once.
        return Outcome(Result.ALREADY_SENT, urgent=submission.urgent)
    finally:
        # Stored or not, the lock goes: stored, the database answers a resend; not stored (an error, or a worker
        # stopped with SystemExit mid-INSERT), the same form must be accepted when the patient sends it again.
        release_form(submission)
    return Outcome(Result.STORED, urgent=decision.is_urgent, message=message)
