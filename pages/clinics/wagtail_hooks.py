"""Clinics' admin registrations: the admin's own stylesheet (clinic_site/static/css/admin.css), the Clinicians
(with their photo chooser), the network admins' Clinics overview and their dashboard's count of undelivered
notifications with its re-send button."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.images.views.chooser import viewset as image_chooser_viewset
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import register_permission_policy

from pages.clinics.admin.notification_failures import RESEND_URL_NAME, NotificationFailuresPanel, resend_notifications
from pages.clinics.admin.photos import CLINIC_PARAMETER, one_clinics_images
from pages.clinics.admin.viewset import clinician_viewset
from pages.clinics.clinicians import Clinician
from pages.clinics.overview import URL_NAME, ClinicsMenuItem, clinics_overview
from pages.mail_retries import register_log_actions as notification_log_actions

# Per-clinic permissions (GroupSitePermission rows, as for clinic settings), registered before the viewset asks.
register_permission_policy(Clinician, SitePermissionPolicy(Clinician))
# Re-sending notifications that gave up (manage.py resend_notifications) is in the audit log.
hooks.register("register_log_actions", notification_log_actions)

# A clinician's photo chooser lists one clinic's images; its searches and pages keep the clinic. Set before Wagtail
# builds the chooser's URLs (when the admin URLconf is first loaded, after every hooks module).
hooks.register("construct_image_chooser_queryset", one_clinics_images)
image_chooser_viewset.preserve_url_parameters = [*image_chooser_viewset.preserve_url_parameters, CLINIC_PARAMETER]


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_admin_viewset")
def register_clinician_viewset():
    return clinician_viewset


@hooks.register("register_admin_urls")
def register_clinics_overview_url():
    return [
        path("clinics/overview/", clinics_overview, name=URL_NAME),
        path("notifications/resend/", resend_notifications, name=RESEND_URL_NAME),
    ]


@hooks.register("register_settings_menu_item")
def register_clinics_overview_menu_item():
    return ClinicsMenuItem("Clinics", reverse(URL_NAME), icon_name="site", order=150)


@hooks.register("construct_homepage_panels")
def notification_failures_dashboard_panel(request, panels):
    if request.user.is_superuser:
        panels.append(NotificationFailuresPanel())
