"""A clinic's clinicians: written once, shown on its team page and chosen as a clinical page's medical reviewer.

Each clinician belongs to one clinic (its Site). Their photo must be one of the clinic's own images (the reference
rule of pages/clinics/references.py), their staff account one of the clinic's staff, and a page may name as reviewer
only a clinician of its own clinic (the same rule, kind "clinician").
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from wagtail.models import Site

from pages.clinics.references import ClinicBounds, ClinicReferencesMixin
from pages.fields import line, optional_image

NOT_CLINIC_STAFF = "Choose one of this clinic's staff accounts."


def clinic_staff(site_ids):
    """Active users in a group of one of the clinics (Sites) `site_ids`: a group with page permissions on the
    clinic's tree or site permissions on its Site, as create_clinic makes them."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__page_permissions__page__sites_rooted_here__in=site_ids)
            | Q(groups__site_permissions__site__in=site_ids),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class Clinician(ClinicReferencesMixin, models.Model):
    """One clinician of one clinic: who they are, for the team page and for pages they review."""

    # A page's reference to a clinician is checked against the page's clinic (pages/clinics/references.py).
    clinic_reference_kind = "clinician"

    site = models.ForeignKey(Site, verbose_name="clinic", on_delete=models.CASCADE, related_name="clinicians")
    name = line("name", "As patients should read it, e.g. 'Dr Maria Alvarez'.", max_length=120, blank=False)
    credentials = line(
        "credentials",
        "Qualifications, e.g. 'MD, board-certified in pain medicine'. Shown wherever they are named as reviewer.",
        max_length=160,
    )
    role = line("role", "What they do at the clinic, e.g. 'Interventional pain physician'.", max_length=120)
    is_physician = models.BooleanField(
        "physician",
        default=True,
        help_text="A doctor (schema.org Physician). Untick for nurses, therapists and other staff.",
    )
    photo = optional_image("photo", "Optional portrait, one of the clinic's own images.")
    photo_alt = line(
        "photo description",
        "What the photo shows, for patients who cannot see it, e.g. 'Dr Alvarez smiling in the clinic'.",
        max_length=200,
    )
    bio = models.TextField(
        "short bio",
        max_length=600,
        blank=True,
        help_text="Two or three sentences for the team page, e.g. training and what they treat.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="staff account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinician_profiles",
        help_text="Their login, if they are one of the clinic's medical reviewers: a review they approve is then "
        "recorded under their name.",
    )
    show_on_team_page = models.BooleanField("show on the team page", default=True)
    sort_order = models.PositiveSmallIntegerField(
        "order on the team page", default=0, help_text="Lower numbers come first; equal numbers go by name."
    )

    class Meta:
        verbose_name = "clinician"
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="clinician_unique_name_per_clinic")]
        indexes = [models.Index(fields=["site", "sort_order", "name"], name="clinician_team_order")]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def reference_bounds(self):
        return ClinicBounds.of_site(self.site_id)

    def clean(self):
        super().clean()
        errors = {}
        if self.photo_id and not self.photo_alt.strip():
            errors["photo_alt"] = "Describe the photo for patients who cannot see it."
        if self.user_id and not clinic_staff([self.site_id]).filter(pk=self.user_id).exists():
            errors["user"] = NOT_CLINIC_STAFF
        if errors:
            raise ValidationError(errors)
