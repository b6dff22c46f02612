from pages.models.clinics import ClinicHomePage, ClinicSettings

__all__ = [
    "ClinicHomePage",
    "ClinicSettings",
]
