"""Admin viewsets for clinic data that is not pages."""

from wagtail.admin.viewsets.model import ModelViewSet

from pages.models import PatientMessage


class PatientMessageViewSet(ModelViewSet):
    """Patient messages for moderators. URL names: patient_messages:index, :inspect, :edit, ..."""

    model = PatientMessage
    icon = "comment"
    menu_label = "Patient messages"
    add_to_admin_menu = True
    inspect_view_enabled = True
    form_fields = ["body", "reply"]
    list_display = ["__str__", "status", "submitted_at"]


patient_message_viewset = PatientMessageViewSet("patient_messages", url_prefix="patient-messages")
