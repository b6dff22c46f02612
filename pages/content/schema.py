"""schema.org JSON-LD for clinical pages: MedicalWebPage about a MedicalProcedure, published by a MedicalClinic.

Builders take plain values (page fields, clinic settings, absolute URLs) and return dicts; templates render them
with the `json_ld` filter, which escapes them safely inside <script>.
"""

from pages.content.readability import html_to_text

SCHEMA_CONTEXT = "https://schema.org"


def medical_clinic(clinic, url):
    data = {"@type": "MedicalClinic", "name": clinic.display_name, "url": url}
    if clinic.phone:
        data["telephone"] = clinic.phone
    if clinic.address_lines:
        data["address"] = {"@type": "PostalAddress", "streetAddress": ", ".join(clinic.address_lines)}
    return data


def reviewer(clinician, image_url=None):
    """The reviewing clinician as a schema.org Person, or None for a page without one.

    schema.org's Physician is a MedicalOrganization ("a physician or a physician's office"); an individual doctor is
    an IndividualPhysician, typed together with Person so that Person's properties (honorificSuffix, jobTitle)
    stay valid on it.
    """
    if clinician is None:
        return None
    kind = ["Person", "IndividualPhysician"] if clinician.is_physician else "Person"
    person = {"@type": kind, "name": clinician.name}
    if clinician.credentials:
        person["honorificSuffix"] = clinician.credentials
    if clinician.role:
        person["jobTitle"] = clinician.role
    if image_url:
        person["image"] = image_url
    return person


def medical_procedure(procedure, url, recovery_urls=()):
    data = {
        "@type": "MedicalProcedure",
        "name": procedure.title,
        "url": url,
        "description": procedure.summary,
        "procedureType": f"{SCHEMA_CONTEXT}/{procedure.procedure_type}",
        "bodyLocation": procedure.body_location,
        "howPerformed": html_to_text(procedure.how_it_works),
        "preparation": html_to_text(procedure.preparation),
    }
    if recovery_urls:
        # schema.org's followup is text: the after-care page(s) patients should read.
        data["followup"] = " ".join(recovery_urls)
    return data


def medical_web_page(page, url, clinic, clinic_url, about):
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": url,
        "description": page.summary,
        "medicalAudience": {"@type": "Patient"},
        "about": about,
        "publisher": medical_clinic(clinic, clinic_url),
    }
    if page.reviewer is not None:
        data["reviewedBy"] = reviewer(page.reviewer)
    if page.last_reviewed:
        data["lastReviewed"] = page.last_reviewed.isoformat()
    return data
