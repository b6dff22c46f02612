"""The role catalogue: every permission a clinic's groups are granted, and the names every check reads.

`create_clinic` grants exactly these (clinics/onboarding.py), and the checks (clinics/scope.py, the admin hooks,
the seals) ask for them by these names, so a role and the checks on it cannot drift apart. Network admins are
superusers and hold every permission everywhere.
"""

from dataclasses import dataclass

ADMIN_ACCESS = "wagtailadmin.access_admin"

# Site permissions (GroupSitePermission rows on the clinic's Site).
CHANGE_CLINIC_SETTINGS = "pages.change_clinicsettings"
VIEW_MESSAGES = "pages.view_patientmessage"
MODERATE_MESSAGES = "pages.change_patientmessage"
VIEW_SUBMISSIONS = "wagtailforms.view_formsubmission"
DELETE_SUBMISSIONS = "wagtailforms.delete_formsubmission"
# The clinic's clinicians (team page, medical reviewers of pages): kept by those who write and check its pages.
ADD_CLINICIANS = "pages.add_clinician"
CHANGE_CLINICIANS = "pages.change_clinician"
DELETE_CLINICIANS = "pages.delete_clinician"
VIEW_CLINICIANS = "pages.view_clinician"
MANAGE_CLINICIANS = (ADD_CLINICIANS, CHANGE_CLINICIANS, DELETE_CLINICIANS, VIEW_CLINICIANS)

# Page permission types (GroupPagePermission rows on the clinic's home page): "add" lets a user edit their own
# pages, "change" any page of the tree, as in Wagtail's page permission policy.
PAGE_EDIT_TYPES = ("add", "change")
PAGE_REVIEW_TYPES = PAGE_EDIT_TYPES + ("publish", "lock", "unlock")
PAGE_EDIT_CODENAMES = frozenset(f"{permission_type}_page" for permission_type in PAGE_EDIT_TYPES)

# Collection permissions (GroupCollectionPermission rows on the clinic's collection).
MEDIA_USE = ("add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document")
MEDIA_DELETE = ("delete_image", "delete_document")
# Holding any of these on a collection shows its images or documents to the user in the admin.
MEDIA_ACTIONS = ("add", "change", "choose", "delete")


@dataclass(frozen=True)
class Role:
    """What one of a clinic's groups may do, on that clinic's tree, collection and settings only."""

    suffix: str
    page_permissions: tuple = ()
    collection_permissions: tuple = ()
    site_permissions: tuple = ()


EDITORS = Role(
    "editors",
    page_permissions=PAGE_EDIT_TYPES,
    collection_permissions=MEDIA_USE,
    site_permissions=MANAGE_CLINICIANS,
)
MEDICAL_REVIEWERS = Role(
    "medical reviewers",
    page_permissions=PAGE_REVIEW_TYPES,
    collection_permissions=MEDIA_USE + MEDIA_DELETE,
    # Settings go live without review, so only those who may publish may change them.
    site_permissions=(CHANGE_CLINIC_SETTINGS, *MANAGE_CLINICIANS),
)
# Contact-form submissions and patient messages: personal data, so this group alone sees them.
MODERATORS = Role(
    "moderators",
    site_permissions=(VIEW_SUBMISSIONS, DELETE_SUBMISSIONS, VIEW_MESSAGES, MODERATE_MESSAGES),
)
ROLES = (EDITORS, MEDICAL_REVIEWERS, MODERATORS)


# The procedure library (pages/library/): one network-wide tree outside every clinic, so these groups are the
# network's, not a clinic's. Editors write master pages; medical reviewers approve them in the library's review.
LIBRARY_EDITORS = Role("Library editors", page_permissions=PAGE_EDIT_TYPES)
LIBRARY_REVIEWERS = Role("Library medical reviewers", page_permissions=PAGE_REVIEW_TYPES)
LIBRARY_ROLES = (LIBRARY_EDITORS, LIBRARY_REVIEWERS)


def group_name(clinic_name, role):
    return f"{clinic_name} {role.suffix}"
