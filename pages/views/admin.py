"""Admin views for medical review: the "Clinical pages due for review" report and its dashboard panel.

Both list only pages the user may edit (Wagtail's page permission policy, action "change"; superusers: all), so a
clinic's staff see their own clinic's pages and nothing about any other clinic. Both run a fixed number of queries
whatever the number of clinics or pages: the review dates come from one query joining every clinical page type, and
the clinic of each row is matched in Python against one query of Sites.
"""

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page, Site, get_page_models
from wagtail.permissions import policy_registry

from pages.models import MedicalReviewMixin

# "Due soon" means due within this many days; the report and the dashboard panel share it.
REVIEW_WINDOW_DAYS = 30
DASHBOARD_LIMIT = 5

REPORT_URL_NAME = "pages_clinical_review_report"
REPORT_RESULTS_URL_NAME = "pages_clinical_review_report_results"

# Page permission codenames that let a user edit pages (with "add" only, their own pages), as in the policy.
EDIT_CODENAMES = {"add_page", "change_page"}


def page_permission_policy():
    return policy_registry.get_by_type(Page)


def can_review_clinical_pages(user):
    """Whether `user` may edit any page, and so may have clinical pages to keep reviewed.

    Answered from the user's page permissions, which Wagtail caches on the user for the request, so showing the menu
    item on every admin page costs no query of its own. Moderators (no page permissions) get False.
    """
    return bool(user.is_authenticated and page_permission_policy().user_has_permission(user, "change"))


def clinical_page_models():
    """Page types with a medical review, i.e. those using MedicalReviewMixin, that extend Page directly.

    Only direct subclasses: the review fields are then reachable from Page through one join each.
    """
    return [
        model for model in get_page_models() if issubclass(model, MedicalReviewMixin) and Page in model._meta.parents
    ]


def _relation(model):
    """The name of the Page → `model` join (the reverse side of its `page_ptr` parent link)."""
    return model._meta.parents[Page].related_query_name()


def _review_field(name):
    fields = [F(f"{_relation(model)}__{name}") for model in clinical_page_models()]
    return Coalesce(*fields) if len(fields) > 1 else fields[0]


def with_review_dates(pages):
    """`pages` (a Page queryset) narrowed to clinical pages and annotated with their review fields.

    Annotations: review_due, review_last, reviewer, reviewer_credentials, page_type_label. One query, whatever the
    number of clinical page types: each type's table is LEFT JOINed and exactly one of them matches a clinical page.
    """
    type_label = Case(
        *[
            When(**{f"{_relation(model)}__isnull": False}, then=Value(str(model._meta.verbose_name).capitalize()))
            for model in clinical_page_models()
        ],
        default=Value(""),
        output_field=CharField(),
    )
    return (
        # An alias copies its original's content, review dates included: the original is the page to review.
        pages.filter(alias_of__isnull=True)
        .annotate(
            review_due=_review_field("next_review_due"),
            review_last=_review_field("last_reviewed"),
            reviewer=_review_field("reviewer_name"),
            reviewer_credentials=_review_field("reviewer_credentials"),
            page_type_label=type_label,
        )
        .filter(review_due__isnull=False)
    )


def review_cutoff(today):
    return today + datetime.timedelta(days=REVIEW_WINDOW_DAYS)


def pages_due_for_review(user, today):
    """Clinical pages `user` may edit whose next review is overdue or due within REVIEW_WINDOW_DAYS of `today`.

    Review dates are those of the page as saved (its published version once published): a new review date in a
    draft counts once a medical reviewer publishes it.
    """
    editable = page_permission_policy().instances_user_has_permission_for(user, "change")
    return with_review_dates(editable).filter(review_due__lte=review_cutoff(today))


@dataclass(frozen=True)
class Clinic:
    pk: int
    name: str
    root_path: str


class ClinicDirectory:
    """Every clinic (Site) by the tree path of its root page, from one query, to name the clinic of many pages."""

    def __init__(self):
        rows = Site.objects.order_by("site_name", "hostname").values_list(
            "pk", "site_name", "hostname", "root_page__path"
        )
        self.clinics = [Clinic(pk, name or hostname, path) for pk, name, hostname, path in rows]
        self._by_root_path = {}
        for clinic in self.clinics:
            # Two Sites on one root page are one clinic under two hostnames: keep the first name.
            self._by_root_path.setdefault(clinic.root_path, clinic)

    def for_path(self, path):
        """The clinic whose tree holds the page at tree path `path` (the deepest matching root), or None."""
        for end in range(len(path), 0, -Page.steplen):
            clinic = self._by_root_path.get(path[:end])
            if clinic is not None:
                return clinic
        return None

    def editable_by(self, user):
        """The clinics in whose tree `user` may edit pages: the only clinics a filter may offer them."""
        if not user.is_active:
            return []
        if user.is_superuser:
            return self.clinics
        # The same cached permission rows the page permission policy reads: no extra query.
        paths = [
            perm.page.path
            for perm in page_permission_policy().get_cached_permissions_for_user(user)
            if perm.permission.codename in EDIT_CODENAMES
        ]
        return [
            clinic
            for clinic in self.clinics
            if any(clinic.root_path.startswith(path) or path.startswith(clinic.root_path) for path in paths)
        ]


def describe_review_rows(pages, clinics, today):
    """Add what the listing shows to each page: its clinic, edit URL and whether its review is overdue."""
    for page in pages:
        clinic = clinics.for_path(page.path)
        page.clinic_name = clinic.name if clinic else ""
        page.edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        page.review_overdue = page.review_due < today
        page.review_status = "Overdue" if page.review_overdue else "Due soon"
    return pages


def neutralise_spreadsheet_formula(value):
    """Stop a title such as '=HYPERLINK(...)' running as a formula when the CSV is opened in a spreadsheet.

    Wagtail guards its XLSX export against formulas but writes CSV cells as they are.
    """
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


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
        relations = {model._meta.model_name: _relation(model) for model in clinical_page_models()}
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
        kwargs["clinics"] = self.clinic_directory.editable_by(self.request.user)
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


class ClinicalReviewPanel(Component):
    """Dashboard: the user's clinical pages overdue or due soon (the first few), linking to the full report.

    Renders nothing when there are none. Queries: one count, and when there is something to show, one for the rows
    and one for the clinics' names.
    """

    name = "clinical_review_due"
    template_name = "pages/admin/clinical_review_panel.html"
    # Above Wagtail's workflow panels (210-220): an overdue review is something to act on first.
    order = 150

    def get_context_data(self, parent_context=None):
        user = parent_context["request"].user
        today = timezone.localdate()
        pages = pages_due_for_review(user, today)
        counts = pages.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(review_due__lt=today)))
        rows = []
        if counts["total"]:
            rows = describe_review_rows(
                list(pages.order_by("review_due", "path")[:DASHBOARD_LIMIT]), ClinicDirectory(), today
            )
        due_soon = counts["total"] - counts["overdue"]
        parts = []
        if counts["overdue"]:
            parts.append(f"{counts['overdue']} overdue")
        if due_soon:
            parts.append(f"{due_soon} due within {REVIEW_WINDOW_DAYS} days")
        return {
            "pages": rows,
            "total": counts["total"],
            "counts_summary": ", ".join(parts),
            "report_url": reverse(REPORT_URL_NAME),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["total"]:
            return ""
        return get_template(self.template_name).render(context)
