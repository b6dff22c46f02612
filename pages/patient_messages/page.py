"""The "Leave a message" section of a page: its approved messages, its form and the routes the form posts to."""

from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from pages.clinics.models import ClinicSettings
from pages.contact.models import ContactPage
from pages.page_cache.refusal import tokens_refused
from pages.patient_messages import public_list, rules, submission
from pages.patient_messages.forms import PatientMessageForm
from pages.patient_messages.models import PatientMessage

# Anchors on the page: the messages section, and the form (a refused message comes back scrolled to it).
SECTION_ANCHOR = "patient-messages"
FORM_ANCHOR = "leave-a-message"
# The HTTP status of each answer that shows the form again.
REFUSAL_STATUS = {
    submission.Result.CLOSED: 403,
    submission.Result.INVALID: 400,
    submission.Result.HEALTH_QUESTION: 200,
    submission.Result.TOO_SOON: 429,
    submission.Result.STILL_SENDING: 409,
}


def join_as_words(items):
    """["a phone number", "an email address"] -> "a phone number and an email address"."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


class PatientMessagesMixin(RoutablePageMixin, models.Model):
    """A page that may show a "Leave a message" form and its approved messages (procedure and recovery pages).

    Routes (Wagtail's RoutablePageMixin): the page itself lists the approved messages and shows the form; the form
    posts to `messages/`, which stores the message and redirects to `messages/thanks/` (POST/redirect/GET), or
    shows the page again with everything the patient typed and why it was not sent: 400 invalid, 403 closed,
    429 too soon after another message from the same connection, 409 while the same form is still being stored by
    another request; 200 with a question when it looks like personal
    health information. A message the sender already sent is thanked like a new one (submission.py says why).
    The rules themselves are pure functions in pages/patient_messages/rules.py.
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
        if request.method == "POST":
            # After a POST the form carries what the patient typed and its tokens inline: no cache, shared or
            # private, may keep a copy. A GET's form has empty token fields (pages/page_cache/tokens.py), so the
            # page is the same for everyone and pages.page_cache.middleware lets caches keep it.
            add_never_cache_headers(response)
        return response

    def messages_are_open(self, request, clinic=None):
        """Whether this page accepts messages now (its switch, the clinic's "close after N days"); `clinic` is the
        clinic's settings when the caller has them already."""
        clinic = clinic or ClinicSettings.for_request(request)
        return rules.messages_are_open(
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
        # Without a number the newest page is shown, as WordPress does by default.
        listed = public_list.messages_page(
            self.approved_messages(), self.messages_per_page, request.GET.get("messages")
        )
        is_open = self.messages_are_open(request)
        if is_open and form is None:
            form = PatientMessageForm.for_page(self)
        typed = form["message"].value() if form is not None and form.is_bound else refused_text
        page_url = self.get_url(request) or ""
        return {
            # A POST answer carries the CSRF and one-time tokens inline; a GET's come from the token endpoint.
            "message_tokens_inline": request.method == "POST",
            "message_tokens_url": f"{reverse('form_tokens')}?page={self.pk}",
            "patient_messages": listed,
            "patient_messages_url": page_url,
            "messages_open": is_open,
            "message_form": form if is_open else None,
            # The fragment brings a refused patient straight back to the form and its errors.
            "message_form_action": f"{self.message_route_url(request, 'patient_message_submit')}#{FORM_ANCHOR}",
            "message_health_info": list(health_info),
            "message_health_info_text": join_as_words(health_info),
            # Where private details belong instead: looked up only when the warning is shown.
            "message_private_contact_url": self.private_contact_url(request) if health_info else "",
            # Urgent symptoms in what the patient typed: the call-us advice is shown even before it is sent.
            "message_urgent": bool(rules.urgent_symptoms_found(typed or "")),
            "message_refused_text": refused_text,
            "message_preview": getattr(request, "is_preview", False),
        }

    def private_contact_url(self, request):
        """The address of this clinic's live, public contact page, or "" when it has none."""
        site = self.get_site()
        contact = ContactPage.objects.live().public().in_site(site).order_by("path").first() if site else None
        return (contact.get_url(request) or "") if contact else ""

    def message_route_url(self, request, name):
        """The address of one of the routes below, as routablepageurl builds it (without the tag's app)."""
        base = self.get_url(request) or ""
        return (base if base.endswith("/") else base + "/") + self.reverse_subpage(name)

    def render_message_response(self, request, *, status, **message_state):
        context = self.get_context(request, message_state=message_state)
        return TemplateResponse(request, self.get_template(request), context, status=status)

    # --- Receiving a message ------------------------------------------------------------------------------------

    @path("messages/", name="patient_message_submit")
    # A patient's name, email and message stay out of error reports (a page route is a method, hence the wrapper).
    @method_decorator(sensitive_post_parameters())
    def submit_patient_message(self, request):
        if request.method != "POST":
            # Someone followed or reloaded the form's address: take them to the form.
            return HttpResponseRedirect(f"{self.get_url(request)}#{FORM_ANCHOR}")
        if tokens_refused(request):
            # Sent without its CSRF token (no script): nothing is checked or stored, the form comes back to send again.
            outcome = submission.ask_to_send_again(self, request)
        else:
            outcome = submission.receive(self, request)
        if outcome.sent:
            return self.redirect_to_thanks(request, outcome.urgent)
        response = self.render_message_response(
            request,
            status=REFUSAL_STATUS[outcome.result],
            form=outcome.form,
            health_info=outcome.health_info,
            refused_text=outcome.refused_text,
        )
        if outcome.retry_after is not None:
            response["Retry-After"] = str(outcome.retry_after)
        return response

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
