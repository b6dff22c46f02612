"""Wagtail's users app, with the user viewset that shows each user's clinics and roles."""

from wagtail.users.apps import WagtailUsersAppConfig


class ClinicUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "pages.clinics.users.ClinicUserViewSet"
