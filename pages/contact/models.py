"""Contact pages built with Wagtail's form builder: each clinic chooses its own fields.

What a patient sends is personal (often health) data. It is stored as a FormSubmission that only the clinic's
moderators can read in the admin (see pages/wagtail_hooks.py); the notification email only says that something
arrived. Every submission passes the shared spam checks in pages/antispam.py first.
"""

import contextlib
import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from modelcluster.fields import ParentalKey
from wagtail.admin.mail import send_mail
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField, FormMixin, FormSubmission
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField

from pages import adverts, antispam, plain_errors
from pages.clinics.models import ClinicSettings
from pages.content.blocks import PARAGRAPH_FEATURES
from pages.content.references import ClinicFormPageForm, PageReferencesMixin
from pages.page_cache.refusal import tokens_refused
from pages.patient_messages.models import staff_member

# Settings prefix of the contact form's spam thresholds (CONTACT_RATE_LIMIT_SECONDS etc., see pages/antispam.py).
SPAM_SETTINGS_PREFIX = "CONTACT"
DEFAULT_SUBJECT = "New contact form submission"
# The query parameter of the confirmation a stored submission redirects to.
SENT_PARAMETER = "sent"
# Editors name their own fields; these common names get the matching autocomplete token (WCAG 1.3.5).
AUTOCOMPLETE_BY_NAME = {
    "name": "name",
    "your_name": "name",
    "full_name": "name",
    "phone": "tel",
    "your_phone": "tel",
    "phone_number": "tel",
    "your_phone_number": "tel",
    "telephone": "tel",
}


class ContactFormField(AbstractFormField):
    """One field of a clinic's contact form, e.g. 'Your name' (single line, required)."""

    page = ParentalKey("pages.ContactPage", on_delete=models.CASCADE, related_name="form_fields")

    class Meta(AbstractFormField.Meta):
        verbose_name = "contact form field"


class UsedContactFormToken(models.Model):
    """A contact form that was sent: the hash of its one-time token, unique, so the database says "already sent".

    A row outlives its token's maximum age by a day at most: an older token is refused by the time trap anyway.
    """

    page = models.ForeignKey("pages.ContactPage", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "sent contact form"

    def __str__(self):
        return f"Sent contact form #{self.pk}"


class SubmissionState(models.TextChoices):
    """Where a submission stands for the clinic's staff: NEW until someone has dealt with it."""

    NEW = "new", "New"
    HANDLED = "handled", "Handled"


class ContactSubmissionState(models.Model):
    """Who last marked a contact-form submission new or handled, and when. No row: new, nobody has touched it.

    A row of its own rather than a column on Wagtail's FormSubmission, which is not ours to migrate.
    """

    submission = models.OneToOneField(
        FormSubmission, on_delete=models.CASCADE, primary_key=True, related_name="contact_state"
    )
    status = models.CharField("state", max_length=16, choices=SubmissionState.choices, default=SubmissionState.NEW)
    changed_by = staff_member("changed by")
    changed_at = models.DateTimeField("changed at", default=timezone.now)

    class Meta:
        verbose_name = "contact submission state"
        ordering = ["-changed_at"]

    def __str__(self):
        return f"State of form submission #{self.submission_id}"


class FormAlreadySent(Exception):
    """The submitted form's one-time token was used before: its submission is stored."""


class ContactPage(PageReferencesMixin, AbstractEmailForm):
    """A contact form. Submissions are stored for the clinic's staff; the email only says that one arrived."""

    # Wagtail's form-page form (it checks the form fields) with the clinic's reference rule (PageReferencesMixin).
    base_form_class = ClinicFormPageForm

    intro = RichTextField(
        "introduction",
        features=PARAGRAPH_FEATURES,
        blank=True,
        help_text="Shown above the form, e.g. 'Send us a question and we will reply within two working days.'",
    )
    thank_you_text = RichTextField(
        "thank-you message",
        features=PARAGRAPH_FEATURES,
        blank=True,
        help_text="Shown after sending, e.g. 'Thank you. We will be in touch within two working days.'",
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel(
                            "from_address",
                            help_text="Sender of the notification, e.g. 'website@example.com'. "
                            "Leave empty for the platform's address.",
                        ),
                        FieldPanel(
                            "to_address",
                            help_text="Who is told that a submission arrived, e.g. 'frontdesk@example.com'; "
                            "separate several with commas. Leave empty to use the notification email in "
                            "Clinic settings.",
                        ),
                    ]
                ),
                FieldPanel(
                    "subject",
                    help_text=f"Subject of the notification, e.g. 'New message from the website'. "
                    f"Leave empty for '{DEFAULT_SUBJECT} (<clinic>)'. Never put patient details here.",
                ),
            ],
            heading="Notification email (it never contains what was submitted)",
        ),
    ]

    parent_page_types = ["pages.ClinicHomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "contact page"

    # --- The patient's form -------------------------------------------------------------------------------------

    @property
    def spam_purpose(self):
        """Names this page in the form's time-trap token, so a token taken from another form is refused."""
        return f"contact-page:{self.pk}"

    def form_purpose(self, token=None):
        """The time-trap purpose of one rendering of this page's form (a fresh nonce, or the posted token's)."""
        return antispam.one_time_purpose(self.spam_purpose, token)

    def get_form_class(self):
        return type("ContactForm", (antispam.SpamProtectedFormMixin, super().get_form_class()), {})

    def get_form_parameters(self):
        return {**super().get_form_parameters(), "spam_policy": antispam.SpamPolicy.from_settings(SPAM_SETTINGS_PREFIX)}

    def get_form(self, *args, **kwargs):
        # Each rendering signs its own nonce (antispam.one_time_purpose), so one filled-in form is one token.
        data = args[0] if args else kwargs.get("data")
        token = data.get(antispam.SpamProtectedFormMixin.time_token_field_name) if data is not None else None
        kwargs["spam_purpose"] = self.form_purpose(token)
        form = super().get_form(*args, **kwargs)
        # The clinic's own labels, in plain words: "Please tell us how we can help", not "This field is required."
        plain_errors.use_plain_errors(
            {name: form.fields[name] for name in form.fields if name not in form.antispam_field_names}
        )
        for name, field in form.fields.items():
            input_type = getattr(field.widget, "input_type", None)
            token = "email" if input_type == "email" else AUTOCOMPLETE_BY_NAME.get(name)
            if token and input_type in {"email", "text", "tel"}:
                field.widget.attrs.setdefault("autocomplete", token)
        return form

    # What a patient typed stays out of error reports (serve is a method, not a view, hence the wrapper).
    @method_decorator(sensitive_post_parameters())
    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and tokens_refused(request):
            # Sent without its CSRF token (no script, pages/page_cache/tokens.py): nothing is stored; the form comes
            # back with what was typed and its tokens inline, to send again.
            data = request.POST.copy()
            data.pop(antispam.SpamProtectedFormMixin.time_token_field_name, None)
            form = self.get_form(data, request.FILES, page=self, user=request.user)
            form.is_valid()  # invalid without a token: the missing-token error, and a renewed token
            response = self.render_form(request, form)
        elif request.method == "POST":
            response = self.serve_submission(request, *args, **kwargs)
        elif request.GET.get(SENT_PARAMETER) == "1":
            # Where a stored submission redirects to: reloading it sends nothing again.
            response = self.render_landing_page(request, *args, **kwargs)
        else:
            # The empty form's tokens come from the token endpoint, so this answer is the same for everyone and
            # pages.page_cache.middleware lets caches keep it.
            return super().serve(request, *args, **kwargs)
        # After a POST the page carries what the patient typed and its tokens: no cache, shared or private, may
        # keep a copy.
        add_never_cache_headers(response)
        return response

    def serve_submission(self, request, *args, **kwargs):
        """FormMixin.serve's POST branch, with the rate limit between validation and saving.

        Only valid submissions count towards the limit, so a patient correcting a mistake is not held up.
        """
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        if not form.is_valid():
            return self.render_form(request, form)
        if form.token_hash and UsedContactFormToken.objects.filter(token_hash=form.token_hash).exists():
            # Sent before: never "please slow down" for the same form.
            return HttpResponseRedirect(f"{self.get_url(request)}?{SENT_PARAMETER}=1", status=303)
        advert = self.advert_problem(form)
        if advert is not None:
            # Told, not silently dropped: a patient who mentioned a listed word can take it out and send again.
            # Before the rate limit, so that doing so is never "too soon".
            form.add_error(None, advert.message)
            return self.render_form(request, form)
        if not antispam.rate_limit_allows(request, SPAM_SETTINGS_PREFIX.lower(), form.spam_policy):
            form.add_error(None, antispam.rate_limit_message(form.spam_policy))
            response = self.render_form(request, form, status=429)
            response["Retry-After"] = str(form.spam_policy.rate_limit_seconds)
            return response
        # A reload, the back button or a double click is thanked again, stored and announced once.
        with contextlib.suppress(FormAlreadySent):
            self.process_form_submission(form)
        # POST/redirect/GET: reloading the confirmation must not post the form again.
        return HttpResponseRedirect(f"{self.get_url(request)}?{SENT_PARAMETER}=1", status=303)

    def advert_problem(self, form):
        """Whether what was typed reads like an advert by the clinic's spam words and link limit (Clinic settings,
        shared with patient messages); None when it does not or the page has no clinic."""
        clinic_settings = self.clinic_settings()
        if clinic_settings is None:
            return None
        rules = clinic_settings.moderation_rules()
        values = [value for value in form.cleaned_data.values() if value]
        texts = [str(item) for value in values for item in (value if isinstance(value, list | tuple) else [value])]
        return adverts.advert_problem(texts, spam_words=rules.disallowed_words, link_limit=rules.link_limit)

    def render_form(self, request, form, status=200):
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def process_form_submission(self, form):
        """Store the submission, then notify staff from a background task once it is committed.

        EmailFormMixin would email every value, synchronously, in the request; it is skipped on purpose.
        """
        from pages.contact.notifications import notify_form_submission  # loads task backends: not at import time

        try:
            with transaction.atomic():
                if form.token_hash:
                    self.use_form_token(form)
                submission = FormMixin.process_form_submission(self, form)
        except IntegrityError as error:
            if form.token_hash and UsedContactFormToken.objects.filter(token_hash=form.token_hash).exists():
                raise FormAlreadySent from error
            raise
        transaction.on_commit(lambda: notify_form_submission.enqueue(submission.pk))
        return submission

    def use_form_token(self, form):
        """Record the form's token as used (unique: a second use raises IntegrityError) and forget expired ones."""
        expired = timezone.now() - datetime.timedelta(seconds=form.spam_policy.max_age) - datetime.timedelta(days=1)
        UsedContactFormToken.objects.filter(used_at__lt=expired).delete()
        UsedContactFormToken.objects.create(page=self, token_hash=form.token_hash)

    # --- The staff notification ---------------------------------------------------------------------------------

    def clinic_settings(self):
        site = self.get_site()
        return ClinicSettings.for_site(site) if site is not None else None

    def notification_recipients(self, clinic_settings=None):
        """The page's "to" addresses, else the clinic's notification email; may be empty (then nothing is sent)."""
        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        if addresses:
            return addresses
        clinic_settings = clinic_settings or self.clinic_settings()
        if clinic_settings is not None and clinic_settings.notification_email:
            return [clinic_settings.notification_email]
        return []

    def submissions_admin_url(self, submission_id=None):
        """The admin page of one submission (when `submission_id` is given), else the form's list of submissions."""
        if submission_id is None:
            path = reverse("wagtailforms:list_submissions", args=[self.pk])
        else:
            path = reverse("contact_submission", args=[submission_id])
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path

    def clinic_name(self, clinic_settings=None):
        clinic_settings = clinic_settings or self.clinic_settings()
        return clinic_settings.display_name if clinic_settings is not None else ""

    def render_email(self, form=None, clinic_settings=None, submission_id=None):
        """The notification text. It ignores `form` on purpose: what the patient typed never goes by email.

        It links to the submission itself when its id is known (the notification task), else to the form's list.
        """
        clinic = self.clinic_name(clinic_settings) or "your clinic"
        return (
            f'A new submission has arrived on the page "{self.title}" for {clinic}.\n\n'
            f"Log in to read it:\n{self.submissions_admin_url(submission_id)}\n\n"
            "To protect patients' privacy this email does not contain what was submitted. "
            "Please do not forward submissions by email.\n"
        )

    def notification_subject(self, clinic_settings=None):
        clinic = self.clinic_name(clinic_settings)
        return self.subject or (f"{DEFAULT_SUBJECT} ({clinic})" if clinic else DEFAULT_SUBJECT)

    def send_submission_notification(self, connection=None, submission_id=None):
        """Send the content-free notification now (the notification task calls this, with its mail connection and
        the submission's id); returns the number of emails sent."""
        clinic_settings = self.clinic_settings()
        recipients = self.notification_recipients(clinic_settings)
        if not recipients:
            return 0
        return send_mail(
            self.notification_subject(clinic_settings),
            self.render_email(clinic_settings=clinic_settings, submission_id=submission_id),
            recipients,
            self.from_address or None,
            connection=connection,
        )

    def send_mail(self, form):
        """Wagtail's hook for emailing a submission: here only the content-free notification, whatever `form` holds."""
        return self.send_submission_notification()
