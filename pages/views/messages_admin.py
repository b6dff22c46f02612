"""The moderators' views of one patient message: inspect, moderate (approve, reject, spam, restore), reply and
redact, delete (network admins only), history and usage.

Each looks the message up among the user's clinics' messages only (see messages_moderation), so another clinic's
message is a 404 on every URL and a POST to it changes nothing.
"""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from pages.models import PatientMessage
from pages.views.messages_listing import flag_display
from pages.views.messages_moderation import (
    ACTIONS,
    LOG_REDACT,
    LOG_REPLY,
    ScopedViewMixin,
    can_apply,
    can_redact,
    moderate,
    url_name,
)

# --- One message: inspect, moderate, edit, delete, history, usage --------------------------------------------------


class PatientMessageInspectView(ScopedViewMixin, generic.InspectView):
    """The whole message, the patient's email, its flags and history, and the moderation buttons."""

    def get_object(self, queryset=None):
        message = (
            self.get_scoped_queryset()
            .select_related("site", "page", "moderated_by", "replied_by")
            .filter(pk=self.pk)
            .first()
        )
        if message is None:
            # Not found and "another clinic's" look the same: a URL must not confirm that a message exists.
            raise Http404
        return message

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        buttons.append(
            Button("History", url=reverse(url_name("history"), args=[quote(self.object.pk)]), icon_name="history")
        )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = self.object
        erased = message.erased_at is not None
        context.update(
            {
                "clinic_name": message.site.site_name or message.site.hostname,
                "flags": flag_display(message),
                "moderation_actions": [
                    {
                        "label": action.label,
                        "classname": action.classname,
                        "url": reverse(url_name("moderate"), args=[quote(message.pk), action.name]),
                    }
                    for action in ACTIONS.values()
                    if can_apply(action, message.status, erased)
                ],
                "can_redact": can_redact(message.status, erased),
                "edit_url": reverse(url_name("edit"), args=[quote(message.pk)]),
                "history_url": reverse(url_name("history"), args=[quote(message.pk)]),
                "public_url": message.page.get_url(request=self.request) if message.page.live else None,
            }
        )
        return context


class PatientMessageModerateView(ScopedViewMixin, View):
    """POST only: approve, reject, mark as spam or restore one message, then back to where the moderator was."""

    http_method_names = ["get", "post"]

    def get_message(self, pk, action):
        # Looked up before the method is checked, so another clinic's id is a 404 whatever the method.
        message = self.get_scoped_queryset().filter(pk=pk).first()
        if message is None or action not in ACTIONS:
            raise Http404
        return message

    def get(self, request, pk, action):
        self.get_message(pk, action)
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk, action):
        message = self.get_message(pk, action)
        moderation_action = ACTIONS[action]
        changed = moderate(self.get_scoped_queryset().filter(pk=pk), moderation_action, request.user)
        if changed:
            messages.success(request, f"{message} {moderation_action.past}.")
        elif message.erased_at is not None:
            messages.warning(request, f"{message} was erased on the patient's request and can no longer be moderated.")
        else:
            message.refresh_from_db(fields=["status"])
            messages.warning(request, f"{message} is already {message.get_status_display().lower()}: nothing changed.")
        return redirect(get_valid_next_url_from_request(request) or self.get_inspect_url_for(message))


def normalise_newlines(text):
    return (text or "").replace("\r\n", "\n")


class PlainTextField(forms.CharField):
    """Plain text kept as typed (no stripping); browsers send line breaks as CRLF, which alone is no change."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        return normalise_newlines(super().to_python(value))

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return normalise_newlines(initial) != self.to_python(data)


class PatientMessageEditForm(forms.ModelForm):
    """The clinic's public reply and, while the message is pending, its text (redaction)."""

    body = PlainTextField(
        label="Message",
        max_length=PatientMessage._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Remove personal details (phone numbers, dates of birth, record numbers) before approving. "
        "Saving a changed text marks the message as redacted in the audit log.",
    )
    reply = PlainTextField(
        label="Clinic reply",
        required=False,
        max_length=PatientMessage._meta.get_field("reply").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=PatientMessage._meta.get_field("reply").help_text,
    )

    class Meta:
        model = PatientMessage
        fields = ["body", "reply"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        message = self.instance
        erased = message.erased_at is not None
        if erased:
            for field in self.fields.values():
                field.disabled = True
                field.help_text = "Erased on the patient's request: nothing is left to edit."
        elif not can_redact(message.status, erased):
            self.fields["body"].disabled = True
            self.fields["body"].help_text = (
                "Only pending messages can be redacted, so that the public text is always the text a moderator "
                "approved. Restore the message to pending first."
            )

    def clean(self):
        cleaned_data = super().clean()
        body = self.fields["body"]
        submitted = self.data.get(self.add_prefix("body"))
        # Browsers do not send a disabled field: a changed text arriving anyway comes from a form opened while the
        # message was pending, and someone has moderated it since. Say so rather than drop the redaction silently.
        if (
            body.disabled
            and submitted is not None
            and normalise_newlines(submitted) != normalise_newlines(self.instance.body)
        ):
            raise forms.ValidationError(
                "This message is no longer pending (it was moderated since you opened it), so its text can no "
                "longer be edited. Nothing was saved: reload the page to see it as it is now."
            )
        return cleaned_data


class PatientMessageEditView(ScopedViewMixin, generic.EditView):
    """Edit the public reply, and redact the text of a pending message. Both steps go to the audit log."""

    success_message = "%(model_name)s '%(object)s' saved."

    def get_queryset(self):
        return self.get_scoped_queryset().select_related("site", "page")

    def get_success_url(self):
        return self.get_inspect_url_for(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clinic_name"] = self.object.site.site_name or self.object.site.hostname
        return context

    def save_instance(self):
        """Save what changed, with who and when, and log it; the row is locked and its status re-checked."""
        form = self.form
        user = self.request.user
        message = self.get_scoped_queryset().select_for_update().get(pk=self.object.pk)
        update_fields = []
        if "body" in form.changed_data:
            if not can_redact(message.status, message.erased_at is not None):
                # Changed in the instant between the check in is_valid and this lock.
                raise PermissionDenied("This message is no longer pending: its text can no longer be edited.")
            message.body = form.cleaned_data["body"]
            message.redacted = True
            update_fields += ["body", "redacted"]
            log(message, LOG_REDACT, user=user, data={"status": message.status})
        if "reply" in form.changed_data and message.erased_at is None:
            message.reply = form.cleaned_data["reply"]
            message.replied_at = timezone.now() if message.reply else None
            message.replied_by = user if message.reply else None
            update_fields += ["reply", "replied_at", "replied_by"]
            log(message, LOG_REPLY, user=user, data={"removed": not message.reply})
        if update_fields:
            message.save(update_fields=update_fields)
        return message

    def get_success_message(self):
        if not self.form.changed_data:
            return f"{self.object}: nothing changed."
        return super().get_success_message()


class PatientMessageDeleteView(ScopedViewMixin, generic.DeleteView):
    """Network admins only (the permission policy refuses "delete" to everyone else)."""

    def get_queryset(self):
        return self.get_scoped_queryset()


class PatientMessageHistoryView(ScopedViewMixin, HistoryView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class PatientMessageUsageView(ScopedViewMixin, UsageView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset()
