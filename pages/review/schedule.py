"""Reports → "Clinical review schedule": every clinical page the user may edit, by next review date, for planning.

The due-for-review report shows only what needs action in the next REVIEW_WINDOW_DAYS; this one shows the whole
year ahead (and pages never reviewed, last). Same scoping, columns, clinic filter and export as that report.
"""

import django_filters
from django import forms
from django.db.models import F
from django.utils.functional import cached_property

from pages.review.queries import REVIEW_WINDOW_DAYS, review_cutoff, review_schedule
from pages.review.report import ClinicalReviewFilterSet, ClinicalReviewReportView

SCHEDULE_URL_NAME = "pages_clinical_review_schedule"
SCHEDULE_RESULTS_URL_NAME = "pages_clinical_review_schedule_results"


class ReviewScheduleFilterSet(ClinicalReviewFilterSet):
    status = django_filters.ChoiceFilter(
        label="Review status",
        choices=[
            ("overdue", "Overdue"),
            ("due_soon", f"Due within {REVIEW_WINDOW_DAYS} days"),
            ("later", "Later"),
            ("unreviewed", "Not reviewed yet"),
        ],
        method="filter_status",
        empty_label="All",
        widget=forms.RadioSelect,
    )

    def filter_status(self, queryset, name, value):
        cutoff = review_cutoff(self.today)
        if value == "overdue":
            return queryset.filter(review_due__lt=self.today)
        if value == "due_soon":
            return queryset.filter(review_due__gte=self.today, review_due__lte=cutoff)
        if value == "later":
            return queryset.filter(review_due__gt=cutoff)
        if value == "unreviewed":
            return queryset.filter(review_due__isnull=True)
        return queryset


class ReviewScheduleView(ClinicalReviewReportView):
    page_title = "Clinical review schedule"
    index_url_name = SCHEDULE_URL_NAME
    index_results_url_name = SCHEDULE_RESULTS_URL_NAME
    filterset_class = ReviewScheduleFilterSet

    def get_filename(self):
        return f"clinical-review-schedule-{self.today.isoformat()}"

    def get_base_queryset(self):
        return review_schedule(self.request.user)

    def order_queryset(self, queryset):
        # Pages never reviewed have no date: they come last, whichever way the dates are sorted.
        ordering = self.ordering or self.default_ordering
        field = F(ordering.lstrip("-"))
        first = field.desc(nulls_last=True) if ordering.startswith("-") else field.asc(nulls_last=True)
        return queryset.order_by(first, F("review_due").asc(nulls_last=True), "path")

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return "No clinical pages match these filters."
        return "You cannot edit any clinical pages yet."
