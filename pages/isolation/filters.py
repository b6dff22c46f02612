"""Filter choices of Wagtail's page listings and reports, limited to the user's clinics.

Vanilla Wagtail fills many filter drop-downs from the whole install: the explorer's and page-type listing's "Site",
"Owner" and "Edited by" filters list every site and every page owner; the site-history report's "User" filter
lists everyone who ever did anything; the workflow reports offer every workflow, task and requester; the
locked-pages report every user who locked a page. The rows were already the user's own; the choices named other
clinics and their staff.

Each filter keeps Wagtail's own choices, narrowed to what belongs to the user's clinics (sites where the user
holds a page or site permission; their pages, groups, workflows and tasks; the people in those groups or acting
on those pages). Network admins see Wagtail's choices unchanged.

- The page listings route through Wagtail's page viewsets, which build their filtersets themselves, so the
  filters' querysets on PageFilterSet are wrapped once, at start-up (`narrow_page_listing_filters`).
- The reports are plain views: subclasses with narrowed filtersets answer their URLs (see urls.py).
- The page privacy form offers the user's clinics' groups only ("Private, accessible to users in specific
  groups"), and names the "logged-in users" option for the clinic's staff it admits (privacy.py): its view class
  is set on Wagtail's page viewset (wagtail_hooks.py).
- The page-types usage report counts and names pages across every site by design; it is for network admins only.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from wagtail.admin.views.page_privacy import SetPrivacyView
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.views.reports.locked_pages import LockedPagesReportFilterSet, LockedPagesView
from wagtail.admin.views.reports.workflows import (
    WorkflowReportFilterSet,
    WorkflowTasksReportFilterSet,
    WorkflowTasksView,
    WorkflowView,
)
from wagtail.models import (
    GroupPagePermission,
    GroupSitePermission,
    PageLogEntry,
    PageViewRestriction,
    Task,
    Workflow,
    WorkflowState,
)

from pages.clinics.scope import ClinicScope
from pages.isolation.privacy import LOGIN_RESTRICTION_LABEL

User = get_user_model()


# --- What belongs to the user's clinics --------------------------------------------------------------------------


def own_pages(user):
    return ClinicScope.of(user).own_pages()


def own_sites(user):
    return ClinicScope.of(user).sites()


def own_groups(user):
    """The groups of the user's clinics: those with permissions on their trees or on the sites themselves."""
    sites = own_sites(user).select_related("root_page")
    roots = [site.root_page_id for site in sites]
    return Group.objects.filter(
        Q(pk__in=GroupPagePermission.objects.filter(page__in=roots).values("group"))
        | Q(pk__in=GroupSitePermission.objects.filter(site__in=sites).values("group"))
    )


def clinic_people(user):
    """Members of the user's clinics' groups, and anyone who acted on the user's clinics' pages."""
    acted = PageLogEntry.objects.filter(page__in=own_pages(user).values("pk")).values("user")
    return User.objects.filter(Q(groups__in=own_groups(user)) | Q(pk__in=acted) | Q(pk=user.pk)).distinct()


def own_workflows(user):
    return Workflow.objects.filter(workflow_pages__page__in=own_pages(user).values("pk"))


def own_tasks(user):
    return Task.objects.filter(workflow_tasks__workflow__in=own_workflows(user))


def page_owners(user):
    return User.objects.filter(pk__in=own_pages(user).values("owner"))


def page_editors(user):
    edits = PageLogEntry.objects.filter(action="wagtail.edit", page__in=own_pages(user).values("pk"))
    return User.objects.filter(pk__in=edits.values("user"))


def workflow_requesters(user):
    return User.objects.filter(
        pk__in=WorkflowState.objects.filter(workflow__in=own_workflows(user)).values("requested_by")
    )


def page_lockers(user):
    return User.objects.filter(pk__in=own_pages(user).values("locked_by"))


# --- Narrowing -----------------------------------------------------------------------------------------------------


def narrowed(choices, allowed):
    """A filter queryset (or Wagtail's callable of the request) narrowed to `allowed(user)` for clinic staff."""

    def queryset(request):
        base = choices(request) if callable(choices) else choices
        if request is None or request.user.is_superuser:
            return base
        return base.filter(pk__in=allowed(request.user).values("pk"))

    queryset.narrowed = True
    return queryset


PAGE_LISTING_FILTERS = {"site": own_sites, "owner": page_owners, "edited_by": page_editors}


def narrow_page_listing_filters():
    """Wrap the explorer's and page-type listing's filter querysets (once; safe to call again)."""
    for filterset in (PageFilterSet, GenericPageFilterSet):
        for name, allowed in PAGE_LISTING_FILTERS.items():
            choice_filter = filterset.base_filters[name]
            if not getattr(choice_filter.queryset, "narrowed", False):
                choice_filter.queryset = narrowed(choice_filter.queryset, allowed)


class NarrowedChoicesMixin:
    """A filterset whose choice filters named in `narrowed_filters` offer only the user's clinics' objects."""

    narrowed_filters = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, allowed in self.narrowed_filters.items():
            choice_filter = self.filters.get(name)
            if choice_filter is None:
                continue
            # Wagtail sets some choices in the filterset's __init__ (extra["queryset"]), others as `queryset`.
            current = choice_filter.queryset or choice_filter.extra.get("queryset")
            choice_filter.queryset = narrowed(current, allowed)(self.request)
            choice_filter.extra["queryset"] = choice_filter.queryset


class ClinicSiteHistoryFilterSet(NarrowedChoicesMixin, SiteHistoryReportFilterSet):
    narrowed_filters = {"user": clinic_people}


class ClinicWorkflowReportFilterSet(NarrowedChoicesMixin, WorkflowReportFilterSet):
    narrowed_filters = {"workflow": own_workflows, "requested_by": workflow_requesters}


class ClinicWorkflowTasksReportFilterSet(NarrowedChoicesMixin, WorkflowTasksReportFilterSet):
    narrowed_filters = {"workflow": own_workflows, "task": own_tasks}


class ClinicLockedPagesReportFilterSet(NarrowedChoicesMixin, LockedPagesReportFilterSet):
    narrowed_filters = {"locked_by": page_lockers}


class ClinicLogEntriesView(LogEntriesView):
    filterset_class = ClinicSiteHistoryFilterSet


class ClinicWorkflowView(WorkflowView):
    filterset_class = ClinicWorkflowReportFilterSet


class ClinicWorkflowTasksView(WorkflowTasksView):
    filterset_class = ClinicWorkflowTasksReportFilterSet


class ClinicLockedPagesView(LockedPagesView):
    filterset_class = ClinicLockedPagesReportFilterSet


class ClinicSetPrivacyView(SetPrivacyView):
    """Page privacy: "specific groups" lists the user's clinics' groups (and any already chosen), not everyone's;
    "logged-in users" is named for what it admits here, the clinic's own staff (privacy.py enforces it)."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Relabelled in the form only: the model's choices are Wagtail's, and changing them would need a migration.
        form.fields["restriction_type"].choices = [
            (value, LOGIN_RESTRICTION_LABEL if value == PageViewRestriction.LOGIN else label)
            for value, label in form.fields["restriction_type"].choices
        ]
        if "groups" in form.fields and not self.request.user.is_superuser:
            chosen = self.restriction.groups.values("pk") if self.restriction else Group.objects.none()
            form.fields["groups"].queryset = Group.objects.filter(
                Q(pk__in=own_groups(self.request.user).values("pk")) | Q(pk__in=chosen)
            ).order_by("name")
        return form


# Report URLs (relative to /admin/reports/) and the views that answer them, as in wagtail/admin/urls/reports.py.
REPORT_VIEWS = {
    "site-history/": ClinicLogEntriesView,
    "workflow/": ClinicWorkflowView,
    "workflow_tasks/": ClinicWorkflowTasksView,
    "locked/": ClinicLockedPagesView,
}
