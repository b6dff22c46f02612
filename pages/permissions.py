"""Which clinics a user may act on: the one place that answers it for everything that is not a page.

Pages are scoped by Wagtail's page permissions on each clinic's tree. Everything else a clinic owns (form
submissions, patient messages, settings) is scoped here, from GroupSitePermission rows that `create_clinic` grants
to the clinic's groups, the same mechanism Wagtail uses for per-site settings.
"""

from django.db.models import Q, QuerySet
from wagtail.models import Page, Site


def clinic_sites_for(user, permission):
    """The Sites (clinics) on which `user` holds `permission` ("app_label.codename").

    Superusers (network admins) and holders of the global Django permission get every clinic, as in Wagtail's
    SitePermissionPolicy; everyone else gets the clinics whose groups grant it through GroupSitePermission.
    """
    if not (user.is_authenticated and user.is_active):
        return Site.objects.none()
    if user.is_superuser or user.has_perm(permission):
        return Site.objects.all()
    app_label, codename = permission.split(".")
    return Site.objects.filter(
        group_permissions__group__user=user,
        group_permissions__permission__codename=codename,
        group_permissions__permission__content_type__app_label=app_label,
    ).distinct()


def pages_in_sites(sites):
    """A Page queryset of everything in the given clinics' trees (a Site queryset, or Sites with root pages loaded)."""
    if isinstance(sites, QuerySet):
        sites = sites.select_related("root_page")
    condition = Q(pk__in=[])
    for site in sites:
        condition |= Q(path__startswith=site.root_page.path)
    return Page.objects.filter(condition)
