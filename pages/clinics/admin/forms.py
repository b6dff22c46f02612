"""The clinician form: its clinic is one of the user's, its staff account one of that clinic's staff.

A user with one clinic never chooses it (it is set here, on the server); a clinician's clinic is fixed once created,
since pages of that clinic name them as reviewer. The photo is chosen in Wagtail's image chooser, opened on the
clinic's images (admin/photos.py), and follows the reference rule (the clinic's own images).
"""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Site

from pages.clinics.admin.photos import ClinicImageChooser
from pages.clinics.clinicians import Clinician, clinic_staff
from pages.clinics.references import ClinicReferencesFormMixin
from pages.clinics.scope import clinic_name

DUPLICATE_NAME = "This clinic already has a clinician of that name."


class ClinicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, site):
        return clinic_name(site.site_name, site.hostname)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        full_name = user.get_full_name()
        return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class ClinicianForm(ClinicReferencesFormMixin, WagtailAdminModelForm):
    """Clinic choices are the clinics where the user may add clinicians; staff choices the staff of those clinics."""

    def __init__(self, *args, clinician_scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        clinics = clinician_scope.clinics("add") if clinician_scope is not None else []
        if self.instance.pk:
            self.fields.pop("site", None)
            site_ids = [self.instance.site_id]
        else:
            site_ids = [clinic.pk for clinic in clinics]
            if len(clinics) == 1:
                self.fields.pop("site", None)
                self.instance.site_id = clinics[0].pk
            elif "site" in self.fields:
                self.fields["site"] = ClinicChoiceField(
                    queryset=Site.objects.filter(pk__in=site_ids).order_by("site_name", "hostname"),
                    label="Clinic",
                    help_text="The clinic whose team this clinician belongs to. It cannot be changed later.",
                )
        if "photo" in self.fields:
            # The chooser opens on the clinician's clinic's images. Any image id is accepted here so that another
            # clinic's is refused by the reference rule, with the clinic's message, rather than as "not a choice".
            one_clinic = site_ids[0] if len(site_ids) == 1 else None
            linked = self["site"].auto_id if one_clinic is None and "site" in self.fields else None
            self.fields["photo"].widget = ClinicImageChooser(site_id=one_clinic, site_field_id=linked)
        if "user" in self.fields:
            field = self.fields["user"]
            self.fields["user"] = StaffChoiceField(
                queryset=clinic_staff(site_ids),
                required=False,
                label=field.label,
                help_text=field.help_text,
            )

    def clean(self):
        cleaned_data = super().clean()
        site = cleaned_data.get("site")
        site_id = site.pk if site is not None else self.instance.site_id
        name = cleaned_data.get("name")
        # The clinic may be set here rather than posted, so Django's unique check would skip (site, name).
        if site_id and name:
            same = Clinician.objects.filter(site_id=site_id, name__iexact=name).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", DUPLICATE_NAME)
        return cleaned_data

    class Meta:
        model = Clinician
        fields = [
            "site",
            "name",
            "credentials",
            "role",
            "is_physician",
            "photo",
            "photo_alt",
            "bio",
            "user",
            "show_on_team_page",
            "sort_order",
        ]
