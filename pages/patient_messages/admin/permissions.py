"""The permission policy Wagtail asks about patient messages (menu, buttons, the admin's URL finder)."""

from wagtail.models import Site
from wagtail.permission_policies.sites import SitePermissionPolicy


class PatientMessagePermissionPolicy(SitePermissionPolicy):
    """Per-clinic permissions (GroupSitePermission rows, as for clinic settings), plus two fixed rules.

    - "add": nobody. Messages come from patients through the page's form; a message typed in the admin would be
      published under a patient's name that nobody checked.
    - "delete": network admins (superusers) only. Moderators reject or mark as spam, which keeps the message for the
      audit trail until `purge_messages` deletes it after the clinic's retention period.
    """

    def _allowed_actions(self, user, actions):
        return [
            action
            for action in actions
            if action != "add" and (action != "delete" or getattr(user, "is_superuser", False))
        ]

    def user_has_any_permission(self, user, actions):
        allowed = self._allowed_actions(user, actions)
        return bool(allowed) and super().user_has_any_permission(user, allowed)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        allowed = self._allowed_actions(user, actions)
        return bool(allowed) and super().user_has_any_permission_for_instance(user, allowed, instance)

    def sites_user_has_any_permission_for(self, user, actions):
        allowed = self._allowed_actions(user, actions)
        if not allowed:
            return Site.objects.none()
        return super().sites_user_has_any_permission_for(user, allowed)
