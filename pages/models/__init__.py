"""The models of the `pages` app, re-exported from the domain packages that define them.

Django imports this module to register the app's models. Import order is registration order; the page types come
after the records they point at.
"""

from pages.clinics.clinicians import Clinician
from pages.clinics.models import ClinicSettings
from pages.contact.models import ContactFormField, ContactPage, UsedContactFormToken
from pages.content.general import GeneralPage
from pages.content.home import ClinicHomePage
from pages.content.mixins import MedicalReviewMixin, PatientTextMixin
from pages.content.news import ArticlePage, NewsIndexPage
from pages.content.procedures import ProcedurePage
from pages.content.recovery import RecoveryGuidancePage
from pages.content.team import TeamPage
from pages.content.treatments import TreatmentsIndexPage
from pages.library.pages import LibraryIndexPage, MasterProcedurePage, MasterRecoveryPage
from pages.library.records import LibraryAdoption
from pages.patient_messages.models import PatientMessage, Status
from pages.patient_messages.page import PatientMessagesMixin
from pages.wordpress.models import WordPressOrigin

__all__ = [
    "ArticlePage",
    "ClinicHomePage",
    "Clinician",
    "ClinicSettings",
    "ContactFormField",
    "ContactPage",
    "GeneralPage",
    "LibraryAdoption",
    "LibraryIndexPage",
    "MasterProcedurePage",
    "MasterRecoveryPage",
    "MedicalReviewMixin",
    "NewsIndexPage",
    "PatientMessage",
    "PatientMessagesMixin",
    "PatientTextMixin",
    "ProcedurePage",
    "RecoveryGuidancePage",
    "Status",
    "TeamPage",
    "TreatmentsIndexPage",
    "UsedContactFormToken",
    "WordPressOrigin",
]
