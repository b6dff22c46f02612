"""Seals for Wagtail admin surfaces that are not per-site on their own (DESIGN.md section 2).

Each function is registered as a hook in wagtail_hooks.py. They all ask the same question: which clinics may this
user work on? For pages that is where the user holds any page permission; superusers (network admins) see all.
"""

from django.core.exceptions import PermissionDenied
from django.urls import get_resolver
from wagtail.models import GroupPagePermission, Page, Site


def sites_with_page_permissions(user):
    """The clinics in whose page tree the user holds any page permission."""
    if user.is_superuser:
        return Site.objects.all()
    roots = GroupPagePermission.objects.filter(group__user=user).values_list("page__path", flat=True)
    sites = Site.objects.select_related("root_page")
    return [site for site in sites if any(site.root_page.path.startswith(path) for path in roots)]


def visible_pages(user):
    """Every page of the clinics the user works on, plus the tree root (the chooser starts there)."""
    if user.is_superuser:
        return Page.objects.all()
    condition = Page.objects.filter(depth=1)
    for site in sites_with_page_permissions(user):
        condition = condition | Page.objects.filter(path__startswith=site.root_page.path)
    return condition


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
)


def network_admin_only(request, admin_path):
    """Serve a Wagtail admin URL (`admin_path`, relative to /admin/) for superusers only."""
    if not (request.user.is_authenticated and request.user.is_superuser):
        raise PermissionDenied
    # get_resolver() roots a URLconf at "/", as the project root is.
    match = get_resolver("wagtail.admin.urls").resolve(f"/{admin_path}")
    return match.func(request, *match.args, **match.kwargs)
