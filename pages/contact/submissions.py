"""Contact-form submissions in the admin: the listing with its state filter, one submission, marking them handled.

Each view looks submissions up among `handling.submissions_for(user)` only, so another clinic's submission or form
answers 404 on every URL and method, and a posted id of another clinic's submission changes nothing.
"""

import django_filters
from django import forms
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.utils import get_user_display_name, get_valid_next_url_from_request
from wagtail.admin.views.generic import InspectView, WagtailAdminTemplateMixin
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.forms.views import SubmissionsListFilterSet, SubmissionsListView
from wagtail.log_actions import registry as log_registry

from pages.contact import handling
from pages.contact.models import SubmissionState

STATE_PARAMETER = "state"
SELECTED_PARAMETER = "selected-submissions"


def submission_url(submission):
    return reverse("contact_submission", args=[submission.pk])


def listing_url(page_id):
    return reverse("wagtailforms:list_submissions", args=[page_id])


def display_value(value):
    """A stored answer as staff read it: lists (checkboxes, multiple select) joined, nothing for no answer."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else value


def state_display(submission):
    """{"status", "label", "by", "at"} of the submission's state, for the listing and the single view."""
    state = handling.state_of(submission)
    status = state.status if state is not None else SubmissionState.NEW
    return {
        "status": status,
        "label": SubmissionState(status).label,
        "new": status == SubmissionState.NEW,
        "by": (get_user_display_name(state.changed_by) if state.changed_by else "a deleted user") if state else "",
        "at": handling.admin_date(state.changed_at) if state else "",
    }


class ContactSubmissionsFilterSet(SubmissionsListFilterSet):
    state = django_filters.ChoiceFilter(
        label="State",
        choices=SubmissionState.choices,
        empty_label="All",
        method="filter_state",
        widget=forms.RadioSelect,
    )

    def filter_state(self, queryset, name, value):
        return handling.filter_by_state(queryset, value)


class ContactSubmissionsListView(SubmissionsListView):
    """Form data of a contact page: each row links to the whole submission and shows whether it was handled."""

    results_template_name = "pages/admin/contact/list_submissions.html"
    filterset_class = ContactSubmissionsFilterSet

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("contact_state__changed_by")

    # Exports end with the state columns, as the listing shows them; no name of who changed it (staff data that a
    # shared spreadsheet does not need).
    EXPORT_STATE_COLUMNS = {"contact_state": "State", "contact_state_changed": "State changed"}

    def as_spreadsheet(self, queryset, spreadsheet_format):
        self.list_export = [*self.list_export, *self.EXPORT_STATE_COLUMNS]
        self.export_headings = {**self.export_headings, **self.EXPORT_STATE_COLUMNS}
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        state = handling.state_of(item)
        row["contact_state"] = SubmissionState(handling.status_of(item)).label
        row["contact_state_changed"] = handling.admin_date(state.changed_at) if state is not None else ""
        return row

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_export:
            return context
        names = [heading["name"] for heading in context["data_headings"]]
        context["rows"] = [
            {
                "submission": submission,
                "url": submission_url(submission),
                "date": submission.submit_time,
                "date_text": handling.admin_date(submission.submit_time),
                # The first data field is the submission date, shown in its own cell.
                "fields": [display_value(submission.get_data().get(name)) for name in names[1:]],
                "state": state_display(submission),
            }
            for submission in context["submissions"]
        ]
        context["state_url"] = reverse("contact_submissions_state", args=[self.form_page.pk])
        context["states"] = SubmissionState.choices
        return context


def form_page_for(user, page_id):
    """The form page `page_id` if the user may read its submissions; else 404, as for a page that does not exist."""
    page = handling.forms_for(user).filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


class ContactSubmissionsStateView(WagtailAdminTemplateMixin, TemplateView):
    """Mark the submissions ticked in the listing new or handled: GET asks to confirm, POST does it.

    Ids come in the query string, as for Wagtail's "Delete selected submissions"; ids that are not the page's
    submissions (another form's, another clinic's) are ignored.
    """

    template_name = "pages/admin/contact/confirm_state.html"
    header_icon = "form"

    def dispatch(self, request, page_id):
        self.page = form_page_for(request.user, page_id)
        self.status = request.GET.get(STATE_PARAMETER)
        if self.status not in SubmissionState.values:
            # Checked after the page: another clinic's form is a 404 whatever the state asked for.
            return HttpResponseBadRequest("Unknown state.")
        ids = [pk for pk in request.GET.getlist(SELECTED_PARAMETER) if pk.isdigit()]
        self.submissions = handling.submissions_for(request.user).filter(page_id=self.page.pk, pk__in=ids)
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return f"Mark as {SubmissionState(self.status).label.lower()}"

    def get_page_subtitle(self):
        return self.page.title

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or listing_url(self.page.pk)

    def post(self, request, page_id):
        changed = handling.set_state(self.submissions, self.status, request.user, bulk=True)
        noun = "submission" if len(changed) == 1 else "submissions"
        messages.success(request, f"{len(changed)} {noun} marked as {SubmissionState(self.status).label.lower()}.")
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selected = list(self.submissions.select_related("contact_state").order_by("-submit_time", "-pk"))
        context.update(
            {
                "state_label": SubmissionState(self.status).label.lower(),
                "count": len(selected),
                "unchanged": sum(1 for submission in selected if handling.status_of(submission) == self.status),
                "dates": [handling.admin_date(submission.submit_time) for submission in selected],
                "next_url": self.get_success_url(),
            }
        )
        return context


class ContactSubmissionView(InspectView):
    """One submission: every answer, under the form's field labels in their order, its state and its history."""

    model = FormSubmission
    # Wagtail would ask for a global FormSubmission permission; who may read is decided by submissions_for().
    any_permission_required = None
    template_name = "pages/admin/contact/submission.html"
    header_icon = "form"
    page_title = "Submission"

    def get_object(self, queryset=None):
        submission = (
            handling.submissions_for(self.request.user)
            .select_related("page", "contact_state__changed_by")
            .filter(pk=self.pk)
            .first()
        )
        if submission is None:
            # Not found and "another clinic's" look the same: a URL must not confirm that a submission exists.
            raise Http404
        return submission

    @cached_property
    def form_page(self):
        return self.object.page.specific

    def get_page_subtitle(self):
        # Never str(submission): Wagtail's is the whole form_data.
        return f"{self.form_page.title}, {handling.admin_date(self.object.submit_time)}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailforms:index"), "label": "Forms"},
            {"url": listing_url(self.form_page.pk), "label": "Form data", "sublabel": self.form_page.title},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_fields_context(self):
        """(label, value) of every answer: the form's fields in their order, then answers to fields since removed."""
        data = dict(self.object.form_data)
        fields = []
        for name, label in self.form_page.get_data_fields():
            if name == "submit_time":
                continue
            fields.append({"label": label, "value": display_value(data.pop(name, None))})
        fields += [{"label": name, "value": display_value(value)} for name, value in data.items()]
        return fields

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = state_display(self.object)
        other = SubmissionState.HANDLED if state["new"] else SubmissionState.NEW
        context.update(
            {
                "submission": self.object,
                "form_page": self.form_page,
                "submitted": handling.admin_date(self.object.submit_time),
                "state": state,
                "change_state": {
                    "url": reverse("contact_submission_state", args=[self.object.pk]),
                    "status": other,
                    "label": f"Mark as {SubmissionState(other).label.lower()}",
                },
                "history": [
                    {
                        "message": entry.message,
                        "user": get_user_display_name(entry.user) if entry.user else "",
                        "at": handling.admin_date(entry.timestamp),
                    }
                    for entry in log_registry.get_logs_for_instance(self.object)
                    .select_related("user")
                    .order_by("-timestamp", "-pk")
                ],
                "listing_url": listing_url(self.form_page.pk),
            }
        )
        return context


class ContactSubmissionStateView(View):
    """POST only: mark one submission new or handled, then back to it (or to where staff were)."""

    # What the URL's `pk` names, for anything that reads it off the view (as on Wagtail's own model views).
    model = FormSubmission
    http_method_names = ["get", "post"]

    def get_submission(self, request, pk):
        # Looked up before the method is checked, so another clinic's id is a 404 whatever the method.
        submissions = handling.submissions_for(request.user).filter(pk=pk)
        if not submissions.exists():
            raise Http404
        return submissions

    def get(self, request, pk):
        self.get_submission(request, pk)
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        submissions = self.get_submission(request, pk)
        status = request.POST.get(STATE_PARAMETER)
        if status not in SubmissionState.values:
            return HttpResponseBadRequest("Unknown state.")
        label = SubmissionState(status).label.lower()
        if handling.set_state(submissions, status, request.user):
            messages.success(request, f"Submission marked as {label}.")
        else:
            messages.warning(request, f"This submission is already {label}: nothing changed.")
        return redirect(get_valid_next_url_from_request(request) or reverse("contact_submission", args=[pk]))
