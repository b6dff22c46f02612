"""Patient messages' admin registrations: the moderators' viewset, bulk actions, audit actions and dashboard."""

from wagtail import hooks
from wagtail.permissions import policy_registry, register_permission_policy

from pages.patient_messages import audit
from pages.patient_messages.admin.bulk import BULK_ACTIONS
from pages.patient_messages.admin.dashboard import PatientMessagesPanel
from pages.patient_messages.admin.permissions import PatientMessagePermissionPolicy
from pages.patient_messages.admin.viewset import patient_message_viewset
from pages.patient_messages.models import PatientMessage

# Before anything asks the registry for PatientMessage's policy (the viewset does when it registers), or Wagtail
# creates and fixes a global, all-clinics ModelPermissionPolicy for it.
register_permission_policy(PatientMessage, PatientMessagePermissionPolicy(PatientMessage))


@hooks.register("register_admin_viewset")
def register_patient_message_viewset():
    return patient_message_viewset


hooks.register("register_log_actions", audit.register_log_actions)

for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("construct_homepage_panels")
def patient_messages_dashboard_panel(request, panels):
    # Answered from the user's site permissions, which the admin menu has already loaded and cached on the user.
    if policy_registry.get_by_type(PatientMessage).user_has_permission(request.user, "change"):
        panels.append(PatientMessagesPanel())
