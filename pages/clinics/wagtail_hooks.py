"""Clinics' admin registrations: the admin's own stylesheet (clinic_site/static/css/admin.css) and the Clinicians."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import register_permission_policy

from pages.clinics.admin.viewset import clinician_viewset
from pages.clinics.clinicians import Clinician

# Per-clinic permissions (GroupSitePermission rows, as for clinic settings), registered before the viewset asks.
register_permission_policy(Clinician, SitePermissionPolicy(Clinician))


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_admin_viewset")
def register_clinician_viewset():
    return clinician_viewset
