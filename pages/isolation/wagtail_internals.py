"""The upgrade checklist: every part of Wagtail the project relies on that is not a documented, stable API.

Wagtail is not multi-tenant, so the seals and a few speed-ups reach into its internals. Each entry names the part,
why the project needs it, and where it is used; `missing()` checks that each is still there, and
tests/isolation/test_wagtail_internals.py fails when one is gone or when Wagtail's version moves past
CHECKED_VERSION. On an upgrade: read each entry's use against the new release, then raise CHECKED_VERSION.
"""

import importlib
import inspect
from dataclasses import dataclass

# The Wagtail release (major, minor) every entry was last checked against.
CHECKED_VERSION = (8, 0)


@dataclass(frozen=True)
class Internal:
    target: str  # "module:attribute.path"
    why: str
    used_in: str
    # For a private attribute that Wagtail sets or reads: text that must still appear in the target's source.
    source_contains: str = ""


INTERNALS = (
    Internal(
        "wagtail.models.sites:Site.find_for_request",
        "the host middleware stores the request's clinic where Wagtail looks for it, so nothing falls back to the "
        "default site",
        "pages/clinics/hosts.py",
        source_contains="request._wagtail_site",
    ),
    Internal(
        "wagtail.models.sites:get_site_for_hostname",
        "Wagtail's hostname and port matching, without its fallback to the default site",
        "pages/clinics/hosts.py",
    ),
    Internal(
        "wagtail.admin.urls:display_custom_404",
        "shadow views answer 'not found' with the admin's own 404 page",
        "pages/isolation/shadows.py",
    ),
    Internal(
        "wagtail.admin.urls:urlpatterns",
        "a shadow hands a checked request to Wagtail's view for the same admin path, resolved from this URLconf",
        "pages/isolation/shadows.py",
    ),
    Internal(
        "wagtail.admin.views.pages.listing:PageFilterSet.base_filters",
        "the explorer's site, owner and edited-by filter querysets are wrapped once at start-up",
        "pages/isolation/filters.py",
    ),
    Internal(
        "wagtail.admin.views.pages.listing:GenericPageFilterSet.base_filters",
        "the same filters of the page-type listing",
        "pages/isolation/filters.py",
    ),
    Internal(
        "wagtail.admin.viewsets.pages:base_page_viewset.set_privacy_view_class",
        "the page privacy dialog's view class is replaced to offer the clinic's own groups",
        "pages/isolation/wagtail_hooks.py",
    ),
    Internal(
        "wagtail.images.views.chooser:viewset.choose_view_class",
        "the image chooser's view class is replaced to suggest the clinic's own tags",
        "pages/isolation/wagtail_hooks.py",
    ),
    Internal(
        "wagtail.admin.models:popular_tags_for_model",
        "the tag filters keep Wagtail's popular-tags behaviour for network admins",
        "pages/isolation/tags.py",
    ),
    Internal(
        "wagtail.admin.views.tags:TAGS_AUTOCOMPLETE_LIMIT",
        "the clinic tag autocomplete returns as many tags as Wagtail's",
        "pages/isolation/tags.py",
    ),
    Internal(
        "wagtail.admin.views.bulk_action.registry:bulk_action_registry.get_bulk_action_class",
        "the bulk-action shadow finds the action a URL names before narrowing its selection",
        "pages/isolation/bulk.py",
    ),
    Internal(
        "wagtail.admin.views.bulk_action:BulkAction.get_all_objects_in_listing_query",
        "'select all' is Wagtail's own selection intersected with the user's clinics",
        "pages/isolation/bulk.py, pages/patient_messages/admin/bulk.py",
    ),
    Internal(
        "wagtail.permission_policies.sites:SitePermissionPolicy",
        "patient messages use Wagtail's per-site policy (internal, outside the deprecation policy)",
        "pages/patient_messages/admin/permissions.py",
    ),
    Internal(
        "wagtail.permission_policies.pages:PagePermissionPolicy.get_cached_permissions_for_user",
        "the clinics a user edits are read from the page permissions Wagtail already cached for the request",
        "pages/clinics/scope.py",
    ),
    Internal(
        "wagtail.models.workflows:AbstractGroupApprovalTask._user_in_groups",
        "the 'awaiting your review' panel fills Wagtail's per-request cache of group checks in one query",
        "pages/review/panels.py",
        source_contains='cache_attr = "_group_approval_task_checks"',
    ),
    Internal(
        "wagtail.admin.views.home:WorkflowObjectsToModeratePanel",
        "the 'awaiting your review' panel is Wagtail's, with its group checks made in one query",
        "pages/review/panels.py",
    ),
    Internal(
        "wagtail.admin.views.mixins:SpreadsheetExportMixin.preprocess_field_value",
        "every CSV data cell of every admin export is neutralised against spreadsheet formulas",
        "pages/isolation/exports.py",
    ),
    Internal(
        "wagtail.admin.views.mixins:SpreadsheetExportMixin.get_heading",
        "every export's column headings are neutralised too (an XLSX heading starting with = is a live formula)",
        "pages/isolation/exports.py",
    ),
    Internal(
        "wagtail.admin.forms.pages:PageViewRestrictionForm",
        "the privacy dialog's 'any logged-in users' choice is relabelled 'signed-in staff of this clinic'",
        "pages/isolation/filters.py",
        source_contains="restriction_type",
    ),
    Internal(
        "wagtail.models.reference_index:ReferenceIndex._extract_references_from_object",
        "every reference a page or setting holds (foreign keys, blocks, rich text) is checked against its clinic",
        "pages/clinics/references.py",
    ),
    Internal(
        "wagtail.rich_text.rewriters:FIND_A_TAG",
        "a refused rich-text link is taken out of a form shown again",
        "pages/content/references.py",
    ),
    Internal(
        "wagtail.rich_text.rewriters:FIND_EMBED_TAG",
        "a refused embedded image is taken out of a form shown again",
        "pages/content/references.py",
    ),
    Internal(
        "wagtail.documents.views.serve:serve",
        "a document is served by Wagtail's own view once its clinic's host is checked",
        "pages/isolation/public.py",
    ),
    Internal(
        "wagtail.documents.views.serve:authenticate_with_password",
        "the password form of a private collection is answered on its clinic's host only",
        "pages/isolation/public.py",
    ),
    Internal(
        "wagtail.views:authenticate_with_password",
        "the password form of a private page is answered on its clinic's host only",
        "pages/isolation/public.py",
    ),
)


def resolve(target):
    module_name, _, path = target.partition(":")
    value = importlib.import_module(module_name)
    for name in path.split("."):
        value = getattr(value, name)
    return value


def missing():
    """The entries that no longer hold, each with the reason: an empty list means the checklist still passes."""
    problems = []
    for internal in INTERNALS:
        try:
            value = resolve(internal.target)
        except (ImportError, AttributeError) as error:
            problems.append(f"{internal.target} ({internal.used_in}): {error}")
            continue
        if internal.source_contains and internal.source_contains not in inspect.getsource(value):
            problems.append(f"{internal.target} ({internal.used_in}): no longer mentions {internal.source_contains}")
    return problems
