from pages.models.clinics import ClinicHomePage, ClinicSettings
from pages.models.contact import ContactFormField, ContactPage
from pages.models.messages import PatientMessage, PatientMessagesMixin
from pages.models.mixins import MedicalReviewMixin, PatientTextMixin
from pages.models.procedures import ProcedurePage
from pages.models.recovery import RecoveryGuidancePage

__all__ = [
    "ClinicHomePage",
    "ClinicSettings",
    "ContactFormField",
    "ContactPage",
    "MedicalReviewMixin",
    "PatientMessage",
    "PatientMessagesMixin",
    "PatientTextMixin",
    "ProcedurePage",
    "RecoveryGuidancePage",
]
