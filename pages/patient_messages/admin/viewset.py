"""Admin viewsets for clinic data that is not pages."""

from django.contrib.auth.models import Permission
from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet

from pages.patient_messages.admin import detail, followup, listing
from pages.patient_messages.admin.scope import SEARCH_FIELDS, VIEWSET_NAME
from pages.patient_messages.models import PatientMessage


class PatientMessageViewSet(ModelViewSet):
    """Patient messages for moderators. URL names: patient_messages:index, :inspect, :edit, :moderate, :follow_up, ...

    Every view is narrowed to the clinics the user moderates (see scope.py); there is no add or
    copy view, since messages come from patients.
    """

    model = PatientMessage
    icon = "comment"
    menu_label = "Patient messages"
    # Right after Pages: for a moderator this is the day's work.
    menu_order = 150
    add_to_admin_menu = True
    inspect_view_enabled = True
    # A copy would be a message no patient wrote.
    copy_view_enabled = False
    # Messages reference pages, but are not "uses" of a page an editor should weigh before deleting it; and
    # indexing them would copy a row per message into Wagtail's reference index.
    add_to_reference_index = False
    ordering = "-submitted_at"
    list_per_page = 50
    filterset_class = listing.PatientMessageFilterSet
    # Plain icontains queries (no search backend): adding messages to the search index would copy health data into
    # another table.
    search_fields = SEARCH_FIELDS
    search_backend_name = None

    index_view_class = listing.PatientMessageIndexView
    inspect_view_class = detail.PatientMessageInspectView
    edit_view_class = detail.PatientMessageEditView
    delete_view_class = detail.PatientMessageDeleteView
    history_view_class = detail.PatientMessageHistoryView
    usage_view_class = detail.PatientMessageUsageView

    index_template_name = "pages/admin/messages/index.html"
    index_results_template_name = "pages/admin/messages/index_results.html"
    inspect_template_name = "pages/admin/messages/inspect.html"
    edit_template_name = "pages/admin/messages/edit.html"

    def get_permissions_to_register(self):
        # Not offered in Groups → Object permissions: a permission ticked there is global, i.e. every clinic's
        # messages. Clinics' moderator groups get theirs per site from `create_clinic` (GroupSitePermission).
        return Permission.objects.none()

    def get_form_class(self, for_update=False):
        return detail.PatientMessageEditForm

    def get_common_view_kwargs(self, **kwargs):
        # No "add" URL exists (see get_urlpatterns): no view may link to one.
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}

    @property
    def moderate_view(self):
        return detail.PatientMessageModerateView.as_view()

    @property
    def follow_up_view(self):
        return followup.PatientMessageFollowUpView.as_view()

    def get_urlpatterns(self):
        urlpatterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]
        urlpatterns.append(path("moderate/<int:pk>/<slug:action>/", self.moderate_view, name="moderate"))
        urlpatterns.append(path("follow-up/<int:pk>/", self.follow_up_view, name="follow_up"))
        return urlpatterns


# The name is the URL namespace that notification emails link to (patient_messages:inspect); keep it.
patient_message_viewset = PatientMessageViewSet(VIEWSET_NAME, url_prefix="patient-messages")
