"""Reports → "Clinical pages due for review": overdue first, then those due within REVIEW_WINDOW_DAYS.

It lists only pages the user may edit (queries.py), and its clinic filter offers only the clinics the user edits.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from pages.clinics.scope import ClinicDirectory, ClinicScope
from pages.review.queries import (
    REVIEW_WINDOW_DAYS,
    can_review_clinical_pages,
    clinical_page_models,
    describe_review_rows,
    page_relation,
    pages_due_for_review,
)
from pages.security import neutralise_spreadsheet_formula

REPORT_URL_NAME = "pages_clinical_review_report"
REPORT_RESULTS_URL_NAME = "pages_clinical_review_report_results"


class ClinicalReviewFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Review status",
        choices=[("overdue", "Overdue"), ("due_soon", f"Due within {REVIEW_WINDOW_DAYS} days")],
        method="filter_status",
        empty_label="All",
        widget=forms.RadioSelect,
    )
    page_type = django_filters.ChoiceFilter(
        label="Page type",
        choices=lambda: [
            (model._meta.model_name, str(model._meta.verbose_name).capitalize()) for model in clinical_page_models()
        ],
        method="filter_page_type",
        empty_label="All",
        widget=forms.RadioSelect,
    )
    # Choices are set per user in __init__, from the clinics they may edit.
    clinic = django_filters.ChoiceFilter(label="Clinic", choices=[], method="filter_clinic", empty_label="All")

    class Meta:
        model = Page
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, clinics=(), today=None):
        self.clinics = {str(clinic.pk): clinic for clinic in clinics}
        self.today = today or timezone.localdate()
        super().__init__(data, queryset, request=request, prefix=prefix)
        if len(self.clinics) > 1:
            self.filters["clinic"].extra["choices"] = [(pk, clinic.name) for pk, clinic in self.clinics.items()]
        else:
            # A single-clinic user has nothing to choose between.
            del self.filters["clinic"]

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(review_due__lt=self.today)
        if value == "due_soon":
            return queryset.filter(review_due__gte=self.today)
        return queryset

    def filter_page_type(self, queryset, name, value):
        relations = {model._meta.model_name: page_relation(model) for model in clinical_page_models()}
        if value in relations:
            return queryset.filter(**{f"{relations[value]}__isnull": False})
        return queryset

    def filter_clinic(self, queryset, name, value):
        clinic = self.clinics.get(value)
        if clinic is None:
            return queryset
        return queryset.filter(path__startswith=clinic.root_path)


class ReviewDateColumn(Column):
    """A review date, with an "Overdue" or "Due soon" tag when `show_status` is set."""

    cell_template_name = "pages/admin/review_date_cell.html"

    def __init__(self, name, show_status=False, **kwargs):
        super().__init__(name, **kwargs)
        self.show_status = show_status


class ClinicalReviewReportView(ReportView):
    """Reports → Clinical pages due for review: overdue first, then those due within REVIEW_WINDOW_DAYS."""

    page_title = "Clinical pages due for review"
    header_icon = "calendar-check"
    index_url_name = REPORT_URL_NAME
    index_results_url_name = REPORT_RESULTS_URL_NAME
    filterset_class = ClinicalReviewFilterSet
    default_ordering = "review_due"
    paginate_by = 50
    columns = [
        TitleColumn(
            "title",
            label="Title",
            accessor="get_admin_display_title",
            get_url=lambda page: page.edit_url,
            sort_key="title",
        ),
        Column("page_type_label", label="Page type"),
        Column("clinic_name", label="Clinic"),
        Column("reviewer", label="Reviewer"),
        ReviewDateColumn("review_last", label="Last reviewed", sort_key="review_last"),
        ReviewDateColumn("review_due", label="Next review due", sort_key="review_due", show_status=True),
    ]
    list_export = [
        "get_admin_display_title",
        "page_type_label",
        "clinic_name",
        "reviewer",
        "reviewer_credentials",
        "review_last",
        "review_due",
        "review_status",
    ]
    export_headings = {
        "get_admin_display_title": "Title",
        "page_type_label": "Page type",
        "clinic_name": "Clinic",
        "reviewer": "Reviewer",
        "reviewer_credentials": "Reviewer credentials",
        "review_last": "Last reviewed",
        "review_due": "Next review due",
        "review_status": "Review status",
    }
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        str: {ReportView.FORMAT_CSV: neutralise_spreadsheet_formula},
    }

    def dispatch(self, request, *args, **kwargs):
        # The Reports menu hides the item from users without page edit rights, but a URL can be typed or shared.
        if not can_review_clinical_pages(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def clinic_directory(self):
        return ClinicDirectory()

    def get_filename(self):
        return f"clinical-pages-due-for-review-{self.today.isoformat()}"

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["clinics"] = ClinicScope.of(self.request.user).editable_clinics(self.clinic_directory)
        kwargs["today"] = self.today
        return kwargs

    def get_base_queryset(self):
        return pages_due_for_review(self.request.user, self.today)

    def order_queryset(self, queryset):
        # Tie-breakers keep pagination stable when many pages share a due date.
        return queryset.order_by(self.ordering or self.default_ordering, "review_due", "path")

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return "No clinical pages match these filters."
        return f"No clinical pages you can edit are overdue for review or due within {REVIEW_WINDOW_DAYS} days."

    def decorate_paginated_queryset(self, object_list):
        # Decorates the rows in place: the table already holds this same (now evaluated) list of pages.
        describe_review_rows(object_list, self.clinic_directory, self.today)
        return object_list


class ClinicalReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return can_review_clinical_pages(request.user)
