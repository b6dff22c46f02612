from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from pages.clinics.models import ClinicSettings


def clinic(request):
    """`clinic`: the ClinicSettings of the request's clinic, or None on a host that is no clinic.

    Lazy, so admin pages that never show clinic branding do not pay for the query.
    """

    def load():
        site = Site.find_for_request(request)
        return ClinicSettings.for_request(request) if site is not None else None

    return {"clinic": SimpleLazyObject(load)}
