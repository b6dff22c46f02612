"""Seals for Wagtail admin surfaces that are not per-site on their own (DESIGN.md section 2).

Each function is registered as a hook in wagtail_hooks.py. They all ask the same question: which clinics may this
user work on? For pages that is where the user holds any page permission; superusers (network admins) see all.
"""

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
