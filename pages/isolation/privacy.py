"""Page privacy "signed in" means signed-in staff of the page's clinic, not anyone with an account on the install.

Wagtail's "Private, accessible to any logged-in users" restriction (PageViewRestriction.LOGIN) admits every
authenticated user (BaseViewRestriction.accept_request). Here every clinic's staff share one user table, so a page
an ASCPM editor made private for "logged-in users" was served to Spinal Diagnostics' moderator signed in on
ASCPM's host.

A `before_serve_page` hook (Wagtail's documented hook, run before its own check_view_restrictions) treats a
signed-in user who holds no role in the restricted page's clinic as not signed in for that page: redirected to the
login page, as Wagtail does for a failed restriction. Network admins (superusers) pass everywhere. Enforced when
the page is served, it covers every restriction already stored without a data migration. The privacy dialog names
the option for what it now means (filters.ClinicSetPrivacyView).

"A role in the clinic" is ClinicScope.sites(): the clinics where the user holds a page permission (editors,
medical reviewers) or a site permission (moderators). Every role in the catalogue (roles.py) holds one of the two;
collection permissions alone name no clinic, since a Collection is tied to a Site by nothing but its name.

Password and group restrictions keep Wagtail's meaning: a shared password admits whoever knows it, and the groups
restriction names its groups (the dialog offers only the clinic's own).
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail.models import PageViewRestriction

from pages.clinics.scope import ClinicScope, clinic_of

LOGIN_RESTRICTION_LABEL = "Private, accessible to signed-in staff of this clinic"


def passes_login_restriction(user, restricted_page):
    """Whether a signed-in `user` may see pages under a "signed in" restriction set on `restricted_page`."""
    scope = ClinicScope.of(user)
    if not scope.active:
        return False
    if scope.is_network_admin:
        return True
    clinic = clinic_of(restricted_page)
    if clinic is None:
        # Outside every clinic's tree: nobody's staff, so network admins only.
        return False
    # By root page, so a clinic served under two hostnames (two Sites on one root) is one clinic.
    return scope.sites().filter(root_page__path=clinic.root_path).exists()


def login_restrictions_refused(page, user):
    """The "signed in" restrictions on `page` (or its ancestors) that `user` does not pass."""
    restrictions = page.get_view_restrictions().filter(restriction_type=PageViewRestriction.LOGIN)
    return [r for r in restrictions.select_related("page") if not passes_login_restriction(user, r.page)]


def refuse_other_clinics_staff(page, request, serve_args, serve_kwargs):
    """Wagtail's `before_serve_page` hook: another clinic's staff are sent to sign in, as anonymous visitors are."""
    user = request.user
    # Anonymous visitors are Wagtail's to refuse, network admins pass: neither costs a query here.
    if not user.is_authenticated or user.is_superuser:
        return None
    if not login_restrictions_refused(page, user):
        return None
    # The login page Wagtail's own check sends a refused visitor to (wagtail.wagtail_hooks.require_wagtail_login).
    login_url = getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None) or reverse("wagtailcore_login")
    response = redirect_to_login(request.get_full_path(), login_url)
    # As Wagtail does for every restricted page: no cache may keep either answer.
    add_never_cache_headers(response)
    return response
