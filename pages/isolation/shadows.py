"""Page chooser scoping and shadowed admin URLs (network-admin-only endpoints, views that must name own pages).

The URL patterns are in pages/isolation/urls.py, the chooser hook in wagtail_hooks.py. For pages, the clinics a user
works on are those where the user holds any page permission (ClinicScope.page_sites); superusers (network
admins) see all.
"""

from functools import update_wrapper

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import get_resolver
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access

from pages.clinics.scope import ClinicScope


def visible_pages(user):
    """Every page of the clinics the user works on, plus the tree root (the chooser starts there)."""
    return ClinicScope.of(user).pages()


def visible_media(user, model):
    """The images or documents (`model`) in the collections the user holds any permission on."""
    return ClinicScope.of(user).media(model)


def page_chooser_queryset(pages, request):
    """The page chooser lists (and searches) only the user's own clinics' pages."""
    if request.user.is_superuser:
        return pages
    return pages.filter(pk__in=visible_pages(request.user).values("pk"))


# Admin endpoints that list every clinic's objects and that clinic staff never need: the admin API's image and
# document endpoints (the admin's own choosers are HTML views scoped by collection) and the workflow task chooser
# (workflows are managed by network admins). They are answered for network admins only; clinic staff get 403.
NETWORK_ADMIN_ONLY_PREFIXES = (
    "api/main/images/",
    "api/main/documents/",
    "workflows/task_chooser/",
    # Counts and names the last-edited page of each page type across every clinic (see filters.py).
    "reports/page-types-usage/",
)


def admin_view(view):
    """`view` behind the decorators Wagtail puts on each of its own admin URLs (admin access and the user's admin
    language, the admin's 404 page, no caching), for views that answer at Wagtail's paths from outside its URLconf."""
    # Imported here: Wagtail's admin URLconf loads every hooks module, and wagtail_hooks.py imports this package.
    from wagtail.admin.urls import display_custom_404

    return update_wrapper(never_cache(display_custom_404(require_admin_access(view))), view)


def wagtail_match(admin_path):
    """Wagtail's own ResolverMatch for `admin_path` (relative to /admin/): its view, decorators and all."""
    # get_resolver() roots a URLconf at "/", as the project root is.
    return get_resolver("wagtail.admin.urls").resolve(f"/{admin_path}")


def wagtail_view(request, admin_path):
    """Answer with Wagtail's own view for `admin_path` (relative to /admin/), decorators and all."""
    match = wagtail_match(admin_path)
    return match.func(request, *match.args, **match.kwargs)


def network_admin_only(request, admin_path):
    """Serve a Wagtail admin URL (`admin_path`, relative to /admin/) for superusers only (signed-out visitors are
    sent to the login page by Wagtail's own view)."""
    if request.user.is_authenticated and not request.user.is_superuser:
        raise PermissionDenied
    return wagtail_view(request, admin_path)


# Admin URLs that show the pages named in their query string (?id=...) without checking that the user may see them:
# each must be a page of the user's clinics; otherwise 404, as for a page that does not exist. Page ids in a URL's
# path (the chooser's parent, the move confirmation, the workflow cancellation, ...) are sealed by ids.py. The view
# behind the URL is Wagtail's own, unchanged.
OWN_PAGES_ONLY = (r"choose-page/chosen-multiple/",)


def all_in(queryset, ids):
    """Whether every id (as sent in a URL) names a row of `queryset`; anything that is not an id fails."""
    sent = {str(value) for value in ids}
    wanted = {int(value) for value in sent if value.isdigit()}
    return len(wanted) == len(sent) and queryset.filter(pk__in=wanted).count() == len(wanted)


def page_ids_in(request, ids):
    """Whether every id names a page the user may see (the tree root counts: the chooser starts there)."""
    return all_in(visible_pages(request.user), ids)


def own_pages_only(request, admin_path, **page_ids):
    """Refuse pages outside the user's clinics, then hand over to Wagtail. urls.py puts it behind `admin_view`, so a
    refusal is the admin's own 404 page, as for a page that does not exist, and signed-out visitors log in first."""
    ids = list(page_ids.values()) + request.GET.getlist("id")
    if not request.user.is_superuser and not page_ids_in(request, ids):
        raise Http404
    return wagtail_view(request, admin_path)
