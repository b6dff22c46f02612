"""Which clinicians an admin view may reach: those of the clinics where the user holds the action's permission.

Wagtail's generic views ask "has this permission on any clinic", never "on this clinician's clinic", so every lookup
starts from `ClinicianScope.clinicians(action)`. Another clinic's clinician is then a 404, whatever the URL.
"""

from django.utils.functional import cached_property

from pages.clinics.clinicians import Clinician
from pages.clinics.roles import ADD_CLINICIANS, CHANGE_CLINICIANS, DELETE_CLINICIANS, VIEW_CLINICIANS
from pages.clinics.scope import ClinicScope
from pages.review.queries import clinical_page_models

PERMISSIONS = {"add": ADD_CLINICIANS, "change": CHANGE_CLINICIANS, "delete": DELETE_CLINICIANS, "view": VIEW_CLINICIANS}
# Listing, inspect, history and usage: any of the four.
ANY = tuple(PERMISSIONS)


class ClinicianScope:
    """The clinics one user may manage clinicians of, per action (each read once per request by the ClinicScope)."""

    def __init__(self, user):
        self.clinic_scope = ClinicScope.of(user)

    def clinics(self, *actions):
        """The clinics where the user may do any of `actions`, sorted by name."""
        found = {}
        for action in actions or ANY:
            for clinic in self.clinic_scope.clinics_for(PERMISSIONS[action]):
                found.setdefault(clinic.pk, clinic)
        return sorted(found.values(), key=lambda clinic: (clinic.name, clinic.pk))

    def site_ids(self, *actions):
        return [clinic.pk for clinic in self.clinics(*actions)]

    def clinicians(self, *actions):
        return Clinician.objects.filter(site_id__in=self.site_ids(*actions))

    @cached_property
    def names(self):
        return {clinic.pk: clinic.name for clinic in self.clinics()}


class ScopedClinicianMixin:
    """For admin views of clinicians: the lookups of the view's `scope_actions` start from the user's clinics."""

    scope_actions = ANY

    @cached_property
    def clinician_scope(self):
        return ClinicianScope(self.request.user)

    def get_scoped_queryset(self):
        return self.clinician_scope.clinicians(*self.scope_actions)


def reviewed_pages(clinician):
    """The pages naming the clinician as medical reviewer, by title: one query per clinical page type.

    The reference rule keeps them in the clinician's own clinic.
    """
    found = {}
    for model in clinical_page_models():
        for page in model.objects.filter(reviewer=clinician).only("id", "title"):
            found.setdefault(page.pk, page)
    return sorted(found.values(), key=lambda page: (page.title, page.pk))
