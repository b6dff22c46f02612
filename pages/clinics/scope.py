"""Which clinics a user may act on, and which clinic holds a page: the one place that answers both.

Pages are scoped by Wagtail's page permissions on each clinic's tree (GroupPagePermission rows on the clinic's
home page); everything else a clinic owns (patient messages, form submissions, settings) by GroupSitePermission rows
on its Site, the mechanism Wagtail uses for per-site settings; images and documents by the clinic's collection.
`create_clinic` grants all three from the role catalogue (roles.py). Network admins (superusers) reach every clinic.

`ClinicScope.of(user)` is built once per request: it is kept on the user object, which Django builds afresh for
each request, so the many checks that serve one admin page share its queries.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from wagtail.models import GroupPagePermission, Page, Site
from wagtail.permissions import policy_registry

from pages.clinics.roles import MEDIA_ACTIONS, PAGE_EDIT_CODENAMES


def clinic_name(site_name, hostname, display_name=""):
    """How a clinic is named: the display name patients see (when given), else its Site's name, else its hostname."""
    return display_name or site_name or hostname


@dataclass(frozen=True)
class Clinic:
    """One clinic (Site) as listings, filters and reports name it."""

    pk: int
    name: str
    hostname: str
    root_path: str


CLINIC_FIELDS = ("pk", "site_name", "hostname", "root_page__path")


def _clinics(sites):
    """Clinics of a Site queryset, sorted by name, in one query."""
    rows = sites.order_by("site_name", "hostname", "pk").values_list(*CLINIC_FIELDS)
    return [Clinic(pk, clinic_name(name, hostname), hostname, path) for pk, name, hostname, path in rows]


class ClinicDirectory:
    """Every clinic by the tree path of its root page, from one query, to name the clinic of many pages."""

    def __init__(self, clinics=None):
        self.clinics = _clinics(Site.objects.all()) if clinics is None else list(clinics)
        self._by_root_path = {}
        for clinic in self.clinics:
            # Two Sites on one root page are one clinic under two hostnames: keep the first name.
            self._by_root_path.setdefault(clinic.root_path, clinic)

    def __iter__(self):
        return iter(self.clinics)

    def for_path(self, path):
        """The clinic whose tree holds the page at tree path `path` (the deepest matching root), or None."""
        for end in range(len(path), 0, -Page.steplen):
            clinic = self._by_root_path.get(path[:end])
            if clinic is not None:
                return clinic
        return None


def clinic_of(page, directory=None):
    """The clinic whose tree holds `page` (a Page with its tree path), or None.

    Works for pages that are not routable yet (drafts, a page being created under its parent). With a
    `directory` it costs no query; without one, one small query over the page's ancestors.
    """
    path = getattr(page, "path", None)
    if not path:
        return None
    if directory is not None:
        return directory.for_path(path)
    ancestor_paths = [path[:end] for end in range(Page.steplen, len(path) + 1, Page.steplen)]
    row = (
        Site.objects.filter(root_page__path__in=ancestor_paths)
        .order_by("-root_page__depth", "site_name", "hostname", "pk")
        .values_list(*CLINIC_FIELDS)
        .first()
    )
    if row is None:
        return None
    pk, name, hostname, root_path = row
    return Clinic(pk, clinic_name(name, hostname), hostname, root_path)


def pages_in_sites(sites):
    """A Page queryset of everything in the given clinics' trees (Sites with root pages, or Clinics)."""
    if isinstance(sites, QuerySet):
        sites = sites.select_related("root_page")
    condition = Q(pk__in=[])
    for site in sites:
        root_path = site.root_path if isinstance(site, Clinic) else site.root_page.path
        condition |= Q(path__startswith=root_path)
    return Page.objects.filter(condition)


class ClinicScope:
    """What one user may reach, clinic by clinic. Build it with `ClinicScope.of(user)`."""

    def __init__(self, user):
        self.user = user
        self._by_permission = {}

    @classmethod
    def of(cls, user):
        scope = getattr(user, "_clinic_scope", None)
        if scope is None:
            scope = cls(user)
            user._clinic_scope = scope
        return scope

    @property
    def active(self):
        return bool(self.user.is_authenticated and self.user.is_active)

    @property
    def is_network_admin(self):
        return self.active and self.user.is_superuser

    # --- Site permissions: messages, form submissions, settings --------------------------------------------------

    def sites_for(self, permission):
        """The Sites on which the user holds `permission` ("app_label.codename") as a queryset.

        Superusers and holders of the global Django permission get every clinic, as in Wagtail's
        SitePermissionPolicy; everyone else the clinics whose groups grant it through GroupSitePermission.
        """
        if not self.active:
            return Site.objects.none()
        if self.user.is_superuser or self.user.has_perm(permission):
            return Site.objects.all()
        app_label, codename = permission.split(".")
        return Site.objects.filter(
            group_permissions__group__user=self.user,
            group_permissions__permission__codename=codename,
            group_permissions__permission__content_type__app_label=app_label,
        ).distinct()

    def clinics_for(self, permission):
        """The clinics of `sites_for(permission)`, sorted by name; one query, then kept for the request."""
        if permission not in self._by_permission:
            self._by_permission[permission] = _clinics(self.sites_for(permission))
        return self._by_permission[permission]

    def site_ids_for(self, permission):
        return sorted(clinic.pk for clinic in self.clinics_for(permission))

    # --- Page permissions: the clinics' trees ------------------------------------------------------------------

    @cached_property
    def _all_sites(self):
        return list(Site.objects.select_related("root_page"))

    def _page_permissions(self):
        """The user's GroupPagePermission rows as Wagtail's page policy caches them for the request: no query of
        their own once Wagtail checked a page permission."""
        return policy_registry.get_by_type(Page).get_cached_permissions_for_user(self.user)

    @cached_property
    def page_sites(self):
        """The clinics in whose tree the user holds any page permission, as Sites with their root pages."""
        sites = self._all_sites
        if self.is_network_admin:
            return sites
        if not self.active:
            return []
        roots = GroupPagePermission.objects.filter(group__user=self.user).values_list("page__path", flat=True)
        return [site for site in sites if any(site.root_page.path.startswith(root) for root in roots)]

    @cached_property
    def network_roots(self):
        """Tree paths the user holds page permissions on outside every clinic's tree: the procedure library's root
        for its editors and reviewers. A permission on a page above a clinic's tree is no network root."""
        if not self.active or self.user.is_superuser:
            return []
        roots = {permission.page.path for permission in self._page_permissions()}
        if not roots:
            return []
        clinic_paths = [site.root_page.path for site in self._all_sites]
        return sorted(
            root for root in roots if not any(path.startswith(root) or root.startswith(path) for path in clinic_paths)
        )

    @property
    def edits_pages(self):
        """Whether the user may edit pages anywhere (a clinic's, the library's): no query of its own."""
        if not self.active:
            return False
        if self.user.is_superuser:
            return True
        return any(permission.permission.codename in PAGE_EDIT_CODENAMES for permission in self._page_permissions())

    def network_pages(self):
        """The pages of the network trees the user works on (network_roots), outside every clinic."""
        condition = Q(pk__in=[])
        for root in self.network_roots:
            condition |= Q(path__startswith=root)
        return Page.objects.filter(condition)

    def editable_clinics(self, directory):
        """The clinics of `directory` in whose tree the user may edit pages: the only ones a report may offer."""
        if not self.active:
            return []
        if self.user.is_superuser:
            return list(directory)
        # The permission rows Wagtail's page policy caches on the user for the request: no query of its own.
        paths = [
            permission.page.path
            for permission in self._page_permissions()
            if permission.permission.codename in PAGE_EDIT_CODENAMES
        ]
        return [
            clinic
            for clinic in directory
            if any(clinic.root_path.startswith(path) or path.startswith(clinic.root_path) for path in paths)
        ]

    def pages(self):
        """Every page of the user's clinics, plus the tree root (the page chooser starts there)."""
        if self.is_network_admin:
            return Page.objects.all()
        return Page.objects.filter(depth=1) | pages_in_sites(self.page_sites) | self.network_pages()

    def own_pages(self):
        """The pages of the user's clinics, without the tree root."""
        return self.pages().filter(depth__gt=1)

    # --- Everything of a clinic --------------------------------------------------------------------------------

    def sites(self):
        """Clinics where the user holds a page permission (editors, reviewers) or a site permission (moderators)."""
        with_pages = [site.pk for site in self.page_sites]
        return Site.objects.filter(Q(pk__in=with_pages) | Q(group_permissions__group__user=self.user)).distinct()

    def media(self, model):
        """The images or documents (`model`) in the collections the user holds any permission on."""
        return policy_registry.get_by_type(model).instances_user_has_any_permission_for(self.user, MEDIA_ACTIONS)

    def collections(self, model):
        """The collections whose images or documents (`model`) the user may see."""
        return policy_registry.get_by_type(model).collections_user_has_any_permission_for(self.user, MEDIA_ACTIONS)
