"""The moderators' views of one patient message: inspect, moderate (approve, reject, spam, restore), reply and
redact, delete (network admins only), history and usage.

Each looks the message up among the user's clinics' messages only (scope.py), so another clinic's
message is a 404 on every URL and a POST to it changes nothing.
"""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.button import Button

from pages.clinics.scope import clinic_name
from pages.patient_messages.admin.followup import FollowUpForm
from pages.patient_messages.admin.listing import flag_display
from pages.patient_messages.admin.queue import after_action_url, next_pending
from pages.patient_messages.admin.scope import ScopedViewMixin, url_name
from pages.patient_messages.audit import message_label
from pages.patient_messages.forms import PlainTextField, normalise_newlines
from pages.patient_messages.models import PatientMessage
from pages.patient_messages.moderation import ACTIONS, can_apply, can_redact, edit_message, moderate

# Keyboard shortcuts on Inspect, through Wagtail's own `w-kbd` controller: single keys, ignored while the focus is
# in a text field, and off for anyone who turned keyboard shortcuts off in their account's preferences.
SHORTCUTS = {"approve": "a", "reject": "r", "spam": "s"}
NEXT_SHORTCUT = "n"


class MessageViewMixin(ScopedViewMixin):
    """For the views of one message: headings and breadcrumbs name it as moderators do ("Maria L. on ..., 2 Dec")."""

    def get_page_subtitle(self):
        return message_label(self.object)

    def get_breadcrumbs_items(self):
        # Wagtail's last crumb is `str(message)` ("Message #14 on page #7"), which is the model's id-only name.
        generic_name = str(self.object)
        return [
            {**item, "label": message_label(self.object)} if item.get("label") == generic_name else item
            for item in super().get_breadcrumbs_items()
        ]


class PatientMessageInspectView(MessageViewMixin, generic.InspectView):
    """The whole message, the patient's email, its flags and history, and the moderation buttons."""

    def get_object(self, queryset=None):
        message = (
            self.get_scoped_queryset()
            .select_related("site", "page", "moderated_by", "replied_by", "followup_by")
            .filter(pk=self.pk)
            .first()
        )
        if message is None:
            # Not found and "another clinic's" look the same: a URL must not confirm that a message exists.
            raise Http404
        return message

    def next_url(self):
        following = next_pending(self.scope, self.object)
        return self.get_inspect_url_for(following) if following else None

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
                "clinic_name": clinic_name(message.site.site_name, message.site.hostname),
                "flags": flag_display(message),
                "moderation_actions": [
                    {
                        "label": action.label,
                        "classname": action.classname,
                        "url": reverse(url_name("moderate"), args=[quote(message.pk), action.name]),
                        "shortcut": SHORTCUTS.get(action.name),
                    }
                    for action in ACTIONS.values()
                    if can_apply(action, message.status, erased)
                ],
                "next_url": self.next_url(),
                # Follow-up is for urgent messages (and any that already has one); never for erased ones.
                "show_follow_up": not erased
                and bool(message.is_urgent or message.followup_state or message.followup_note),
                "follow_up_form": FollowUpForm.for_message(message),
                "follow_up_url": reverse(url_name("follow_up"), args=[quote(message.pk)]),
                "next_shortcut": NEXT_SHORTCUT,
                "can_redact": can_redact(message.status, erased),
                "edit_url": reverse(url_name("edit"), args=[quote(message.pk)]),
                "history_url": reverse(url_name("history"), args=[quote(message.pk)]),
                "public_url": message.page.get_url(request=self.request) if message.page.live else None,
            }
        )
        return context


class PatientMessageModerateView(ScopedViewMixin, View):
    """POST only: approve, reject, mark as spam or restore one message, then on to the clinic's next pending message
    (or to a safe `next` URL when one is given)."""

    http_method_names = ["get", "post"]

    def get_message(self, pk, action):
        # Looked up before the method is checked, so another clinic's id is a 404 whatever the method.
        message = self.get_scoped_queryset().select_related("page").filter(pk=pk).first()
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
        name = message_label(message)
        if changed:
            messages.success(request, f"{name}: {moderation_action.past}.")
        elif message.erased_at is not None:
            messages.warning(request, f"{name} was erased on the patient's request and can no longer be moderated.")
        else:
            message.refresh_from_db(fields=["status"])
            messages.warning(request, f"{name} is already {message.get_status_display().lower()}: nothing changed.")
        return redirect(get_valid_next_url_from_request(request) or after_action_url(request, self.scope, message))


class PatientMessageEditForm(forms.ModelForm):
    """The clinic's public reply and, while the message is pending, its text (redaction)."""

    body = PlainTextField(
        strip=False,
        label="Message",
        max_length=PatientMessage._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Remove personal details (phone numbers, dates of birth, record numbers) before approving. "
        "Saving a changed text marks the message as redacted in the audit log.",
    )
    reply = PlainTextField(
        strip=False,
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


class PatientMessageEditView(MessageViewMixin, generic.EditView):
    """Edit the public reply, and redact the text of a pending message. Both steps go to the audit log."""

    def get_queryset(self):
        return self.get_scoped_queryset().select_related("site", "page")

    def get_success_url(self):
        return after_action_url(self.request, self.scope, self.object)

    @cached_property
    def approve_too(self):
        """Whether the moderator chose "Save and approve": the reply (or redaction) and the approval in one step."""
        return bool(self.request.POST.get("approve"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clinic_name"] = clinic_name(self.object.site.site_name, self.object.site.hostname)
        context["can_approve"] = can_apply(ACTIONS["approve"], self.object.status, self.object.erased_at is not None)
        return context

    def save_instance(self):
        """Save what changed, with who and when, and log it (moderation.edit_message locks and re-checks the row)."""
        changed = self.form.changed_data
        try:
            with transaction.atomic():
                message = edit_message(
                    self.get_scoped_queryset(),
                    self.object.pk,
                    self.request.user,
                    body=self.form.cleaned_data["body"] if "body" in changed else None,
                    reply=self.form.cleaned_data["reply"] if "reply" in changed else None,
                )
                self.approved = self.approve_too and bool(
                    moderate(self.get_scoped_queryset().filter(pk=message.pk), ACTIONS["approve"], self.request.user)
                )
                return message
        except PermissionError as error:
            # Moderated in the instant between the check in is_valid and the lock.
            raise PermissionDenied(str(error)) from error

    def get_success_message(self):
        name = message_label(self.object)
        if getattr(self, "approved", False):
            return f"{name}: saved and approved."
        if not self.form.changed_data:
            return f"{name}: nothing changed."
        return f"{name}: saved."


class PatientMessageDeleteView(MessageViewMixin, generic.DeleteView):
    """Network admins only (the permission policy refuses "delete" to everyone else)."""

    def get_queryset(self):
        return self.get_scoped_queryset().select_related("page")


class PatientMessageHistoryView(MessageViewMixin, HistoryView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset().select_related("page")


class PatientMessageUsageView(MessageViewMixin, UsageView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset().select_related("page")
