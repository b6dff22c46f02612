"""Wagtail loads this module for the `pages` app: it imports each domain's hooks, and holds none itself."""

from pages.clinics import wagtail_hooks as clinics_hooks
from pages.contact import wagtail_hooks as contact_hooks
from pages.data_care import wagtail_hooks as data_care_hooks
from pages.isolation import wagtail_hooks as isolation_hooks
from pages.library import wagtail_hooks as library_hooks
from pages.patient_messages import wagtail_hooks as patient_messages_hooks
from pages.review import wagtail_hooks as review_hooks
from pages.wordpress import wagtail_hooks as wordpress_hooks

DOMAIN_HOOKS = (
    clinics_hooks,
    contact_hooks,
    data_care_hooks,
    isolation_hooks,
    library_hooks,
    patient_messages_hooks,
    review_hooks,
    wordpress_hooks,
)
