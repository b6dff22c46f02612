"""Patient messages: public comments under clinical pages, shown only after a person at the clinic approves them.

A message is health-related personal data. The author's email is never rendered publicly and never part of
`__str__` (which Wagtail's audit log uses as the entry's label); only `.approved()` messages reach a public page.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from pages import antispam, moderation
from pages.models.clinics import ClinicSettings

STATUS_CHOICES = [
    (moderation.PENDING, "Pending"),
    (moderation.APPROVED, "Approved"),
    (moderation.REJECTED, "Rejected"),
    (moderation.SPAM, "Spam"),
]

MAX_NAME_LENGTH = 80
MAX_EMAIL_LENGTH = 254
MAX_BODY_LENGTH = 2000
MAX_REPLY_LENGTH = 2000


# Anchors on the page: the messages section, and the form (a refused message comes back scrolled to it).
SECTION_ANCHOR = "patient-messages"
FORM_ANCHOR = "leave-a-message"
# Set while a form's message is being stored, so two requests carrying the same form cannot both store it.
FORM_TOKEN_CLAIM_KEY = "patient-messages:form-token:{}"  # noqa: S105 - a cache key, not a credential


def join_as_words(items):
    """["a phone number", "an email address"] -> "a phone number and an email address"."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


class PatientMessagesMixin(RoutablePageMixin, models.Model):
    """A page that may show a "Leave a message" form and its approved messages (procedure and recovery pages).

    Routes (Wagtail's RoutablePageMixin): the page itself lists the approved messages and shows the form; the form
    posts to `messages/`, which stores the message and redirects to `messages/thanks/` (POST/redirect/GET), or
    shows the page again with everything the patient typed and why it was not sent: 400 invalid, 403 closed,
    409 duplicate, 429 too soon after another message; 200 with a question when it looks like personal health
    information. The rules themselves are pure functions in pages/moderation.py.
    """

    accept_messages = models.BooleanField(
        "accept patient messages",
        default=True,
        help_text="Show approved messages and the 'Leave a message' form under this page. Untick to close "
        "messages on this page (approved messages stay visible).",
    )

    message_panels = [FieldPanel("accept_messages")]
    messages_per_page = 20

    class Meta:
        abstract = True

    # --- Showing the messages and the form ----------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.method == "POST" or self.messages_are_open(request):
            # The form carries a CSRF token and a one-time token, and after a POST what the patient typed: no
            # cache, shared or private, may keep a copy or hand the same token to another patient.
            add_never_cache_headers(response)
        return response

    def messages_are_open(self, request):
        clinic = ClinicSettings.for_request(request)
        return moderation.messages_are_open(
            self.accept_messages, self.first_published_at, clinic.messages_close_after_days, timezone.now()
        )

    def approved_messages(self):
        """What the public list shows, oldest first: never the email, which is not even loaded.

        Filter and order match the (page, status, submitted_at) index, so a long list costs a COUNT and one slice.
        """
        return (
            PatientMessage.objects.approved()
            .filter(page_id=self.pk)
            .order_by("submitted_at", "pk")
            .only("pk", "author_name", "body", "submitted_at", "reply")
        )

    def get_context(self, request, *args, message_state=None, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.patient_messages_context(request, **(message_state or {})))
        return context

    def patient_messages_context(self, request, form=None, health_info=(), refused_text=""):
        """The template variables of the messages section; `form` is a submitted form shown again."""
        from pages.forms import PatientMessageForm  # pages.forms imports this module

        paginator = Paginator(self.approved_messages(), self.messages_per_page)
        requested = request.GET.get("messages")
        # Numbered oldest first, so a page number keeps its messages as new ones arrive; without a number the
        # newest page is shown, as WordPress does by default.
        listed = paginator.get_page(requested or paginator.num_pages)
        is_open = self.messages_are_open(request)
        if is_open and form is None:
            form = PatientMessageForm.for_page(self)
        typed = form["message"].value() if form is not None and form.is_bound else refused_text
        page_url = self.get_url(request) or ""
        return {
            "patient_messages": listed,
            "patient_messages_url": page_url,
            "messages_open": is_open,
            "message_form": form if is_open else None,
            # The fragment brings a refused patient straight back to the form and its errors.
            "message_form_action": f"{self.message_route_url(request, 'patient_message_submit')}#{FORM_ANCHOR}",
            "message_health_info": list(health_info),
            "message_health_info_text": join_as_words(health_info),
            # Urgent symptoms in what the patient typed: the call-us advice is shown even before it is sent.
            "message_urgent": bool(moderation.urgent_symptoms_found(typed or "")),
            "message_refused_text": refused_text,
            "message_preview": getattr(request, "is_preview", False),
        }

    def message_route_url(self, request, name):
        """The address of one of the routes below, as routablepageurl builds it (without the tag's app)."""
        base = self.get_url(request) or ""
        return (base if base.endswith("/") else base + "/") + self.reverse_subpage(name)

    def render_message_response(self, request, *, status, **message_state):
        context = self.get_context(request, message_state=message_state)
        return TemplateResponse(request, self.get_template(request), context, status=status)

    # --- Receiving a message ------------------------------------------------------------------------------------

    @path("messages/", name="patient_message_submit")
    def submit_patient_message(self, request):
        from pages import forms as message_forms  # pages.forms imports this module

        if request.method != "POST":
            # Someone followed or reloaded the form's address: take them to the form.
            return HttpResponseRedirect(f"{self.get_url(request)}#{FORM_ANCHOR}")
        if not self.messages_are_open(request):
            # Closed since the form was shown: nothing is stored, but the text is handed back for the patient to keep.
            refused_text = request.POST.get("message", "")[:MAX_BODY_LENGTH]
            return self.render_message_response(request, status=403, refused_text=refused_text)

        form = message_forms.PatientMessageForm.for_page(self, request.POST)
        if not form.is_valid():
            return self.render_message_response(request, status=400, form=form)
        name, email, body = (form.cleaned_data[field] for field in ("name", "email", "message"))
        urgent = bool(moderation.urgent_symptoms_found(body))

        if form.token_hash and self.form_token_was_used(form.token_hash):
            # Sent again (a reload, the back button or a double click): its message exists or is being stored.
            return self.redirect_to_thanks(request, urgent)
        if PatientMessage.objects.filter(author_email=email, page_id=self.pk, body=body).exists():
            form.add_error("message", message_forms.DUPLICATE_MESSAGE)
            return self.render_message_response(request, status=409, form=form)
        health_info = moderation.health_info_found(body)
        if health_info and request.POST.get("send_anyway") != "1":
            # Not an error: a question. The patient edits the text or confirms; a confirmed one is flagged.
            return self.render_message_response(request, status=200, form=form, health_info=health_info)

        # Only a message about to be stored takes a flood slot: correcting a mistake does not hold anyone up.
        ip = antispam.client_ip(request.META, getattr(settings, "ANTISPAM_TRUSTED_PROXIES", 0))
        flood = message_forms.flood_problem(cache, ip=ip, email=email, policy=form.spam_policy)
        if flood:
            field = "email" if flood == message_forms.FLOOD_BY_EMAIL else None
            form.add_error(field, message_forms.flood_message(flood, form.spam_policy))
            response = self.render_message_response(request, status=429, form=form)
            response["Retry-After"] = str(form.spam_policy.rate_limit_seconds)
            return response

        claim_key = FORM_TOKEN_CLAIM_KEY.format(form.token_hash)
        # add() is atomic in the shared cache: of two requests carrying the same form, one stores the message.
        if form.token_hash and not cache.add(claim_key, 1, timeout=form.spam_policy.max_age + 60):
            return self.redirect_to_thanks(request, urgent)
        rules = ClinicSettings.for_request(request).moderation_rules()
        decision = moderation.decide(body, name, email, rules, bot_flags=form.bot_flags)
        try:
            self.store_patient_message(form, decision, message_forms.ip_hash(ip))
        except Exception:
            # Nothing was stored: the same form must still be accepted when the patient sends it again.
            if form.token_hash:
                cache.delete(claim_key)
            raise
        return self.redirect_to_thanks(request, decision.is_urgent)

    def form_token_was_used(self, token_hash):
        return (
            cache.get(FORM_TOKEN_CLAIM_KEY.format(token_hash)) is not None
            or PatientMessage.objects.filter(form_token_hash=token_hash).exists()
        )

    def store_patient_message(self, form, decision, ip_hash):
        """Save the message with the status and flags moderation.decide() chose; tell the clinic once committed."""
        from pages.tasks import notify_new_patient_message  # the task module loads task backends: not at import time

        with transaction.atomic():
            message = PatientMessage(
                site=self.get_site(),
                page=self,
                author_name=form.cleaned_data["name"],
                author_email=form.cleaned_data["email"],
                body=form.cleaned_data["message"],
                status=decision.status,
                submitted_at=timezone.now(),
                ip_hash=ip_hash,
                form_token_hash=form.token_hash,
            )
            message.flag_list = decision.flags
            message.save()
            if decision.status != moderation.SPAM:
                # Spam is kept for review but announces nothing: moderators are not paged for programs.
                transaction.on_commit(lambda: notify_new_patient_message.enqueue(message.pk))
        return message

    def redirect_to_thanks(self, request, urgent):
        # Only a flag travels in the address, never anything the patient wrote.
        query = "?urgent=1" if urgent else ""
        return HttpResponseRedirect(self.message_route_url(request, "patient_message_thanks") + query)

    @path("messages/thanks/", name="patient_message_thanks")
    def patient_message_thanks(self, request):
        context = {
            "page": self,
            "self": self,
            "request": request,
            "urgent": request.GET.get("urgent") == "1",
            "patient_messages_url": self.get_url(request),
            "section_anchor": SECTION_ANCHOR,
        }
        return TemplateResponse(request, "pages/patient_message_thanks.html", context)


class PatientMessageQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=moderation.APPROVED)

    def pending(self):
        return self.filter(status=moderation.PENDING)

    def with_flag(self, flag):
        return self.filter(flags__contains=f",{flag},")

    def in_sites(self, sites):
        return self.filter(site__in=sites)


class PatientMessage(models.Model):
    """One message a patient left under one page of one clinic."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="clinic", on_delete=models.CASCADE, related_name="patient_messages"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="page", on_delete=models.CASCADE, related_name="patient_messages"
    )
    author_name = models.CharField(
        "name", max_length=MAX_NAME_LENGTH, help_text="As the patient typed it; shown with the message."
    )
    author_email = models.EmailField(
        "email", max_length=MAX_EMAIL_LENGTH, help_text="Never shown publicly; only for the clinic to reply."
    )
    body = models.TextField(
        "message",
        max_length=MAX_BODY_LENGTH,
        help_text="Plain text, shown exactly as typed once approved. Edit it to remove personal details before "
        "approving: the message is then marked as redacted.",
    )
    status = models.CharField("status", max_length=10, choices=STATUS_CHOICES, default=moderation.PENDING)
    # Comma-delimited on both ends (",urgent,links,") so one flag can be filtered without matching another.
    flags = models.CharField("flags", max_length=200, blank=True, default="")
    submitted_at = models.DateTimeField("submitted", default=timezone.now)
    # A keyed hash of the sender's IP address (never the address) for flood checks and spam patterns.
    ip_hash = models.CharField("IP hash", max_length=64, blank=True, default="")
    # A hash of the form's one-time token: a resubmitted or double-clicked form creates no second message.
    form_token_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    moderated_at = models.DateTimeField("moderated", null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="moderated by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.TextField(
        "clinic reply",
        max_length=MAX_REPLY_LENGTH,
        blank=True,
        help_text="Shown publicly under the message once it is approved, e.g. 'Thank you, we are glad it helped.' "
        "Never include personal details.",
    )
    replied_at = models.DateTimeField("replied", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="replied by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    redacted = models.BooleanField(
        "redacted", default=False, help_text="The clinic edited the text before approving it."
    )
    erased_at = models.DateTimeField(
        "erased", null=True, blank=True, help_text="When the patient's data was erased on request."
    )

    objects = PatientMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "patient message"
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            # The public list under a page: approved messages of one page, oldest first.
            models.Index(fields=["page", "status", "submitted_at"], name="message_page_status_time"),
            # The moderators' list: one clinic's messages by status, newest first.
            models.Index(fields=["site", "status", "submitted_at"], name="message_site_status_time"),
            # Duplicate checks and data-subject requests.
            models.Index(fields=["author_email", "page"], name="message_email_page"),
        ]

    def __str__(self):
        # No name, email or text: this is the label of every audit-log entry about the message.
        return f"Message #{self.pk} on page #{self.page_id}"

    def get_absolute_url(self):
        return f"{self.page.url}#message-{self.pk}"

    @property
    def flag_list(self):
        return [flag for flag in self.flags.split(",") if flag]

    @flag_list.setter
    def flag_list(self, flags):
        self.flags = f",{','.join(sorted(set(flags)))}," if flags else ""

    @property
    def flag_labels(self):
        return [moderation.FLAG_LABELS.get(flag, flag) for flag in self.flag_list]

    @property
    def is_urgent(self):
        return moderation.FLAG_URGENT in self.flag_list
