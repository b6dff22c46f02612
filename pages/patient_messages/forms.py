"""The "Leave a message" form under procedure and recovery pages.

The spam traps come from pages/antispam.py. Two things differ from the contact form:

- The honeypot does not refuse the message: it is stored as spam, for a moderator to look at, and the sender sees
  the usual confirmation (a program learns nothing). A form sent sooner than the time trap allows is refused as on
  the contact form, with everything typed and its token kept, asking the patient to press Send again: a person
  whose browser filled in their name and email and who wrote "Thanks, very helpful!" is quick, and must not lose
  the message to the spam pile. The wait counts from when the form was first shown, so pressing Send again a moment
  later goes through; a program that posts again at once is refused again, and never reaches the moderators'
  queue. A missing, forged or expired time token is refused, as on the contact form.
- The time token doubles as the form's one-time token: each rendering signs a random nonce into it, so a hash of it
  identifies one filled-in form, and a resubmitted or double-clicked form is recognised (antispam's
  `one_time_purpose` and `token_hash`).
"""

from django import forms

from pages import antispam, plain_errors
from pages.patient_messages import rules
from pages.patient_messages.models import MAX_BODY_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH

# Settings prefix of the thresholds (PATIENT_MESSAGE_RATE_LIMIT_SECONDS etc., see pages/antispam.py).
SPAM_SETTINGS_PREFIX = "PATIENT_MESSAGE"
PURPOSE_PREFIX = "patient-message"

# The trap that marks a message as spam instead of refusing it.
BOT_FLAGS = {antispam.HONEYPOT: rules.FLAG_HONEYPOT}


def form_purpose(page_pk, token=None):
    """The time-trap purpose of one rendering of the form on page `page_pk` (antispam.one_time_purpose)."""
    return antispam.one_time_purpose(f"{PURPOSE_PREFIX}:{page_pk}", token)


def normalise_newlines(text):
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class PlainTextField(forms.CharField):
    """Text kept exactly as typed, except that line breaks are stored as "\\n".

    Browsers send a textarea's line breaks as CRLF but count them as one character against `maxlength`; counting
    them as two here would refuse a message the browser let the patient type. For the same reason CRLF alone is
    no change of an existing text.
    """

    def to_python(self, value):
        return normalise_newlines(super().to_python(value))

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return normalise_newlines(initial) != self.to_python(data)


class PatientMessageForm(antispam.SpamProtectedFormMixin, forms.Form):
    """Name, email, message and whether to be emailed when the clinic replies, plus antispam's honeypot and signed
    time token.

    Build it with `for_page(page, data)`. Lengths are the model's, so nothing valid here fails when saved.
    """

    # Sent too fast is said after the health-details question (submission.time_trap), not by the form itself.
    too_fast_is_an_error = False

    name = forms.CharField(
        label="Name",
        max_length=MAX_NAME_LENGTH,
        help_text="Shown with your message, so you may prefer a first name or initials.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=MAX_EMAIL_LENGTH,
        help_text="Your email address will not be published.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = PlainTextField(
        label="Message",
        max_length=MAX_BODY_LENGTH,
        help_text=f"Plain text, up to {MAX_BODY_LENGTH} characters.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    reply_notice = forms.BooleanField(
        label="Email me when the clinic replies",
        required=False,
        help_text="One email with a link to this page; it does not contain your message or the reply. Your "
        "address is used for nothing else.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "patient-message-%s")
        super().__init__(*args, **kwargs)
        plain_errors.use_plain_errors({name: self.fields[name] for name in ("name", "email", "message")})

    @classmethod
    def for_page(cls, page, data=None):
        token = data.get(cls.time_token_field_name) if data is not None else None
        return cls(
            data,
            spam_purpose=form_purpose(page.pk, token),
            spam_policy=antispam.SpamPolicy.from_settings(SPAM_SETTINGS_PREFIX),
        )

    def add_error(self, field, error):
        # The mixin reports every trap as a form error; the honeypot is recorded as a spam flag instead (bot_flags).
        if field is None and getattr(error, "code", None) in BOT_FLAGS:
            return
        super().add_error(field, error)

    @property
    def bot_flags(self):
        """FLAG_HONEYPOT when the honeypot caught this submission, for rules.decide()."""
        flag = BOT_FLAGS.get(self.spam_problem)
        return [flag] if flag else []
