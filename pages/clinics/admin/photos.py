"""A clinician's photo: Wagtail's image chooser, opened on the images of the clinician's own clinic.

The chooser URL carries the clinic (`?clinic=<site id>`; for a new clinician of a user with several clinics, the
clinic chosen in the form's own Clinic field), and the chooser's listing keeps only that clinic's images. That only
narrows what Wagtail already lists (the images of the collections the user may choose from), so a clinic id in the
URL never shows more; the saved value is checked again by the clinic's reference rule (pages/clinics/references.py).
"""

from urllib.parse import urlencode

from wagtail.images.widgets import AdminImageChooser
from wagtail.models import Collection

from pages.clinics.references import ClinicBounds

CLINIC_PARAMETER = "clinic"


class ClinicImageChooser(AdminImageChooser):
    """The image chooser of one clinic (`site_id`), or of the clinic selected in the form field `site_field_id`."""

    def __init__(self, *, site_id=None, site_field_id=None, **kwargs):
        if site_id is None and site_field_id:
            # Wagtail's chooser reads linked fields when it opens and adds their values to the chooser's URL.
            kwargs.setdefault("linked_fields", {CLINIC_PARAMETER: {"id": site_field_id}})
        super().__init__(**kwargs)
        self.site_id = site_id

    def get_chooser_modal_url(self):
        url = super().get_chooser_modal_url()
        return f"{url}?{urlencode({CLINIC_PARAMETER: self.site_id})}" if self.site_id else url


def one_clinics_images(images, request):
    """The `construct_image_chooser_queryset` hook: with `?clinic=`, only that clinic's images (none for an id that
    names no clinic)."""
    site_id = request.GET.get(CLINIC_PARAMETER)
    if site_id is None:
        return images
    path = ClinicBounds.of_site(site_id).collection_path if site_id.isdigit() else None
    if not path:
        return images.none()
    # By collection id, not path: the chooser's search filters only on fields Image indexes for filtering.
    collections = Collection.objects.filter(path__startswith=path).values_list("pk", flat=True)
    return images.filter(collection__in=list(collections))
