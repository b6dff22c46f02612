"""Patient messages → the moderators' listing: filters, search and counts per status.

It shows the clinics the user moderates and nothing else, and runs a fixed number of queries whatever the number
of clinics or messages.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    ButtonsColumnMixin,
    Column,
    TitleColumn,
)
from wagtail.admin.views import generic

from pages.clinics.scope import clinic_name
from pages.patient_messages import rules
from pages.patient_messages.admin.cells import PlainColumn, PlainDateColumn, PlainStatusTagColumn, icon, plain_buttons
from pages.patient_messages.admin.scope import EXCERPT_LENGTH, SEARCH_FIELDS, ScopedViewMixin, moderator_scope, url_name
from pages.patient_messages.models import PatientMessage, Status, urgent_pending_first

# --- Listing -------------------------------------------------------------------------------------------------------


class PatientMessageFilterSet(WagtailFilterSet):
    """Filters of the moderators' listing. Clinic and page choices come from the user's clinics only."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=Status.choices, empty_label="All", widget=forms.RadioSelect
    )
    flag = django_filters.ChoiceFilter(
        label="Flag",
        choices=list(rules.FLAG_LABELS.items()),
        method="filter_flag",
        empty_label="Any or none",
    )
    # Choices are set per user in __init__.
    clinic = django_filters.ChoiceFilter(label="Clinic", choices=[], method="filter_clinic", empty_label="All")
    page = django_filters.ChoiceFilter(label="Page", choices=[], method="filter_page", empty_label="All")
    submitted_at = django_filters.DateFromToRangeFilter(label="Submitted", widget=DateRangePickerWidget)

    class Meta:
        model = PatientMessage
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, scope=None):
        self.scope = scope if scope is not None else moderator_scope(request)
        super().__init__(data, queryset, request=request, prefix=prefix)
        if len(self.scope.clinics) > 1:
            self.filters["clinic"].extra["choices"] = [(str(clinic.pk), clinic.name) for clinic in self.scope.clinics]
        else:
            # A single-clinic moderator has nothing to choose between.
            del self.filters["clinic"]
        self.filters["page"].extra["choices"] = self.scope.page_choices(
            clinic_id=self.chosen_id("clinic", self.scope.site_ids), page_id=self.chosen_id("page")
        )

    def chosen_id(self, name, allowed=None):
        """The id in the submitted filter `name` (a clinic among `allowed`, or a page), or None."""
        value = str((self.data or {}).get(name) or "")
        chosen = int(value) if value.isdigit() else None
        return chosen if allowed is None or chosen in allowed else None

    def filter_flag(self, queryset, name, value):
        return queryset.with_flag(value)

    def filter_clinic(self, queryset, name, value):
        # The value was validated against the user's clinics; the listing's queryset is scoped besides.
        return queryset.filter(site_id=value)

    def filter_page(self, queryset, name, value):
        return queryset.filter(page_id=value)


def scoped_listing(request, scope):
    """The user's messages narrowed by the listing's filters and search in `request.GET`, as the listing shows them.

    Bulk actions' "select all in listing" uses this, so it acts on what the moderator sees, never on more.
    """
    queryset = scope.messages()
    filterset = PatientMessageFilterSet(request.GET, queryset, request=request, scope=scope)
    if filterset.is_valid():
        queryset = filterset.qs
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if query:
        # The same lookups as the listing's search (BaseListingView.search_queryset with SEARCH_FIELDS).
        condition = Q()
        for field in SEARCH_FIELDS:
            condition |= Q(**{f"{field}__icontains": query})
        queryset = queryset.filter(condition)
    return queryset


def excerpt(message):
    """The start of the message on one line: enough to moderate from the listing, the rest is on Inspect."""
    if message.erased_at:
        return "(erased on the patient's request)"
    text = " ".join(message.body.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def title_id(message):
    # Referenced by the row's checkbox (aria-describedby), as Wagtail's snippet listings do.
    return f"patient_message_{message.pk}_title"


class MessageTitleColumn(ButtonsColumnMixin, TitleColumn):
    """The message's start, linking to Inspect, led by "Urgent symptoms" when it has them.

    The flag sits in this first column as well as under Flags: on a phone (390 px) the table scrolls sideways and
    only the first columns are in view, and the flag must never be off-screen.

    Written as HTML here rather than through Wagtail's title-cell and button templates (the same markup): those
    cost about 1.7 ms a row, a third of a 50-row page.
    """

    cell_template_name = "pages/admin/messages/title_cell.html"

    def __init__(self, *args, get_buttons, **kwargs):
        super().__init__(*args, **kwargs)
        self._get_buttons = get_buttons

    def get_buttons(self, instance, parent_context):
        return self._get_buttons(instance)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["urgent"] = instance.is_urgent
        return context

    def render_cell_html(self, instance, parent_context):
        buttons = plain_buttons(self.get_buttons(instance, parent_context))
        if buttons is None:
            return super().render_cell_html(instance, parent_context)
        urgent = (
            format_html(
                '<strong class="w-text-critical-200 clinic-message-urgent">{} Urgent symptoms</strong>',
                icon("warning", "w-w-4 w-h-4"),
            )
            if instance.is_urgent
            else ""
        )
        return format_html(
            '<td class="{}title"><div class="title-wrapper">{}<a href="{}"><span id="{}">{}</span></a></div>{}</td>',
            f"{self.classname} " if self.classname else "",
            urgent,
            self.get_link_url(instance, parent_context),
            self.get_title_id(instance, parent_context),
            self.get_value(instance),
            format_html('<ul class="actions">{}</ul>', buttons) if buttons else "",
        )


class FlagsColumn(Column):
    """The message's flags by name, urgent symptoms first and highlighted: that patient may need a call today."""

    cell_template_name = "pages/admin/messages/flags_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["flags"] = flag_display(instance)
        return context


# Status counts stop counting here: a moderator needs to know there are "10,000+", not the exact figure.
STATUS_COUNT_CAP = 10_000


def count_up_to(queryset, cap):
    """The number of rows of `queryset`, counted no further than cap + 1 (a LIMIT under the COUNT)."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def capped_count(queryset, cap=STATUS_COUNT_CAP):
    """The number of rows of `queryset` as shown: exact up to `cap`, "10,000+" beyond (reads at most cap + 1)."""
    count = count_up_to(queryset, cap)
    return f"{cap:,}+" if count > cap else count


class CappedPaginator(WagtailPaginator):
    """The listing's pages, counting at most STATUS_COUNT_CAP + 1 messages: past the cap the listing says
    "10,000+ patient messages" and offers the pages of the first 10,000 (filters and search narrow it). A full
    COUNT of a busy clinic's messages, or of a search through all of them, would cost more than the page itself."""

    @cached_property
    def _counted(self):
        return count_up_to(self.object_list, STATUS_COUNT_CAP)

    @property
    def capped(self):
        return self._counted > STATUS_COUNT_CAP

    @cached_property
    def count(self):
        return min(self._counted, STATUS_COUNT_CAP)

    @cached_property
    def items_count_label(self):
        if self.capped:
            return f"{STATUS_COUNT_CAP:,}+ {self.verbose_name_plural}"
        return super().items_count_label


def flag_display(message):
    """[{"label", "urgent"}] of the message's flags, the urgent one first."""
    flags = sorted(message.flag_list, key=lambda flag: flag != rules.FLAG_URGENT)
    return [{"label": rules.FLAG_LABELS.get(flag, flag), "urgent": flag == rules.FLAG_URGENT} for flag in flags]


class PatientMessageIndexView(ScopedViewMixin, generic.IndexView):
    """Patient messages → the user's clinics' messages, pending urgent ones first then newest first, with filters,
    search and counts per status."""

    paginator_class = CappedPaginator

    @cached_property
    def _permission_answers(self):
        return {}

    def user_has_permission(self, permission):
        """Asked again for every row's buttons (edit, inspect, delete): the answer of a model-wide permission is the
        same for all of one request's rows, so the policy is asked once each."""
        if permission not in self._permission_answers:
            self._permission_answers[permission] = super().user_has_permission(permission)
        return self._permission_answers[permission]

    def user_has_any_permission(self, permissions):
        key = ("any", *permissions)
        if key not in self._permission_answers:
            self._permission_answers[key] = super().user_has_any_permission(permissions)
        return self._permission_answers[key]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # No spreadsheet export: a file of patients' messages would leave the admin, its permissions and its audit
        # trail. Wagtail would otherwise answer ?export=csv even with no columns to export.
        self.is_export = False

    def get_base_queryset(self):
        return self.get_scoped_queryset().select_related("site", "page")

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "scope": self.scope}

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        ordering = list(queryset.query.order_by)
        if "ordering" not in self.request.GET:
            # Unless the moderator sorts by a column: pending messages with urgent symptoms first (the dashboard
            # promises it), as that patient may need a call today.
            queryset = queryset.annotate(urgent_pending=urgent_pending_first())
            ordering = ["urgent_pending", *ordering]
        # Newest first within any other ordering, then a tie-breaker that keeps pagination stable.
        return queryset.order_by(*ordering, *[key for key in ("-submitted_at", "-pk") if key not in ordering])

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="patient_message"),
            MessageTitleColumn(
                "excerpt",
                label="Message",
                accessor=excerpt,
                classname="clinic-message-excerpt",
                get_url=self.get_inspect_url_for,
                get_title_id=title_id,
                get_buttons=self.get_list_buttons,
            ),
            PlainColumn("author_name", label="Name"),
            PlainColumn(
                "clinic",
                label="Clinic",
                accessor=lambda message: clinic_name(message.site.site_name, message.site.hostname),
            ),
            PlainColumn("page", label="Page", accessor="page.title"),
            PlainStatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda message: message.status == Status.PENDING,
            ),
            FlagsColumn("flags", label="Flags"),
            PlainDateColumn("submitted_at", label="Submitted", sort_key="submitted_at"),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem("History", url=reverse(url_name("history"), args=[quote(instance.pk)]), icon_name="history")
        )
        return buttons

    def status_counts(self):
        """[{label, count, url, current}] per status for the user's clinics (or the chosen clinic).

        One small query per status, each reading at most STATUS_COUNT_CAP + 1 entries of the (site, status, ...)
        index: past the cap the count reads "10,000+", so a clinic with a million messages costs what one with ten
        thousand does.
        """
        queryset = self.scope.messages().order_by()
        params = {}
        filters = self.filters
        if filters and filters.is_valid() and filters.form.cleaned_data.get("clinic"):
            params["clinic"] = filters.form.cleaned_data["clinic"]
            queryset = queryset.filter(site_id=params["clinic"])
        current = self.request.GET.get("status")
        return [
            {
                "status": status,
                "label": label,
                "count": capped_count(queryset.filter(status=status)),
                "url": f"{self.index_url}?{urlencode({**params, 'status': status})}",
                "current": status == current,
            }
            for status, label in Status.choices
        ]

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "No patient messages match these filters."
        return "There are no patient messages in the clinics you moderate."

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["status_counts"] = self.status_counts()
        paginator = context.get("paginator")
        context["count_capped"] = bool(paginator and paginator.capped)
        return context
