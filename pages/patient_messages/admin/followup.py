"""Follow-up of an urgent message: whether the clinic has contacted the patient or handled it, and an internal note.

It is the clinic's own record, apart from moderation: it never reaches a public page or the patient, and its audit
entries say which state was set, never what the note says.
"""

from django import forms
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.views import View
from wagtail.admin import messages

from pages.patient_messages.admin.scope import ScopedViewMixin
from pages.patient_messages.audit import message_label
from pages.patient_messages.forms import PlainTextField
from pages.patient_messages.models import FollowUp, PatientMessage
from pages.patient_messages.moderation import follow_up


class FollowUpForm(forms.Form):
    state = forms.ChoiceField(label="Follow-up", choices=FollowUp.choices, required=False, widget=forms.RadioSelect)
    note = PlainTextField(
        strip=False,
        label="Internal note",
        required=False,
        max_length=PatientMessage._meta.get_field("followup_note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=PatientMessage._meta.get_field("followup_note").help_text,
    )

    @classmethod
    def for_message(cls, message):
        return cls(initial={"state": message.followup_state, "note": message.followup_note}, prefix="followup")


class PatientMessageFollowUpView(ScopedViewMixin, View):
    """POST only: record the follow-up of one message of the user's clinics, then back to the message."""

    http_method_names = ["get", "post"]

    def get_message(self, pk):
        # Looked up before the method is checked, so another clinic's id is a 404 whatever the method.
        message = self.get_scoped_queryset().select_related("page").filter(pk=pk).first()
        if message is None:
            raise Http404
        return message

    def get(self, request, pk):
        self.get_message(pk)
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        message = self.get_message(pk)
        form = FollowUpForm(request.POST, prefix="followup")
        if not form.is_valid():
            messages.error(
                request,
                "The follow-up was not saved: " + " ".join(e for errors in form.errors.values() for e in errors),
            )
        else:
            try:
                follow_up(
                    self.get_scoped_queryset(),
                    pk,
                    request.user,
                    state=form.cleaned_data["state"],
                    note=form.cleaned_data["note"],
                )
            except PermissionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"{message_label(message)}: follow-up saved.")
        return redirect(self.get_inspect_url_for(message))
