"""Starter content for a new clinic (`create_clinic --starter`): drafts the clinic reviews, edits and publishes.

Each item is added only where it is missing, as a draft (never live), so a second run adds nothing and never
touches what the clinic has written: a home introduction, a contact page with sensible fields, a privacy notice
with clearly marked gaps to fill in, and a treatments index. The privacy notice becomes the clinic's privacy page
in Clinic settings unless one is set.
"""

from dataclasses import dataclass, replace

from django.db import transaction
from django.urls import reverse

from pages.contact.models import ContactFormField, ContactPage
from pages.content.general import GeneralPage
from pages.content.treatments import TreatmentsIndexPage

HOME_INTRODUCTION = (
    "We care for people with back and neck pain. Read about our treatments, what to expect on the day and how to "
    "get in touch."
)

TREATMENTS_INTRODUCTION = "These are the treatments we offer. Each page says what happens and how to prepare."

CONTACT_PAGE = {
    "title": "Contact us",
    "slug": "contact",
    "show_in_menus": True,
    "intro": "<p>Send us a question and we will reply on a working day. Please do not use this form for urgent "
    "problems: call us instead.</p>",
    "thank_you_text": "<p>Thank you. We got your message and will reply within two working days.</p>",
}
CONTACT_FIELDS = (
    {"label": "Your name", "field_type": "singleline", "required": True},
    {"label": "Your email", "field_type": "email", "required": True},
    {
        "label": "Your phone number",
        "field_type": "singleline",
        "required": False,
        "help_text": "Only if you would like us to call you back.",
    },
    {"label": "How can we help?", "field_type": "multiline", "required": True},
)

# Square brackets mark what only the clinic can say; the page must not go live with any of them left.
PRIVACY_PLACEHOLDERS = (
    "[Add how long you keep contact form messages, e.g. 12 months.]",
    "[Add your clinic's data protection contact: a name, an email address and a postal address.]",
)
PRIVACY_PAGE = {
    "title": "Privacy notice",
    "slug": "privacy",
    "show_in_menus": False,
    "introduction": "How we use the details you give us on this website, and your rights.",
}
PRIVACY_BODY = (
    ("heading", {"text": "What we collect", "level": "h2"}),
    (
        "paragraph",
        "<p>When you use our contact form or leave a message, we keep what you send us: your name, your email "
        "address and your message. We also keep a coded form of your internet address to stop spam. We do not "
        "use tracking cookies.</p>",
    ),
    ("heading", {"text": "How we use it", "level": "h2"}),
    (
        "paragraph",
        "<p>We use your details only to answer you. A message you leave under a page is shown on the page only "
        "after a member of our team has checked it, and your email address is never shown. We do not sell or "
        "share your details.</p>",
    ),
    ("heading", {"text": "How long we keep it", "level": "h2"}),
    (
        "paragraph",
        "<p>Messages we do not publish are deleted after {retention_days} days. Contact form messages are kept "
        "for " + PRIVACY_PLACEHOLDERS[0] + "</p>",
    ),
    ("heading", {"text": "Your rights", "level": "h2"}),
    (
        "paragraph",
        "<p>You can ask us for a copy of what we hold about you, or ask us to delete it. Write to "
        + PRIVACY_PLACEHOLDERS[1]
        + "</p>",
    ),
)


def privacy_body(retention_days):
    """The privacy notice's body with the clinic's own retention period filled in."""
    return [
        (kind, value.replace("{retention_days}", str(retention_days)) if isinstance(value, str) else value)
        for kind, value in PRIVACY_BODY
    ]


@dataclass(frozen=True)
class StarterItem:
    """One piece of starter content: what it is, its page, and whether this run added it."""

    label: str
    page: object
    added: bool
    edit_url: str = ""


def _add_draft(home, page):
    """`page` under `home` as a draft: never live, with a first revision for the clinic to review."""
    page.live = False
    home.add_child(instance=page)
    page.save_revision()
    return page


def _home_introduction(home):
    latest = home.get_latest_revision_as_object()
    if latest.introduction:
        return StarterItem("Home page introduction", home, added=False)
    latest.introduction = HOME_INTRODUCTION
    latest.save_revision()  # a draft of the live home page: patients see it once the clinic publishes it
    return StarterItem("Home page introduction", home, added=True)


def _contact_page(home, clinic_settings):
    existing = ContactPage.objects.child_of(home).first()
    if existing is not None:
        return StarterItem("Contact page", existing, added=False)
    page = ContactPage(**CONTACT_PAGE, to_address=clinic_settings.notification_email)
    for order, field in enumerate(CONTACT_FIELDS):
        page.form_fields.add(ContactFormField(sort_order=order, **field))
    return StarterItem("Contact page", _add_draft(home, page), added=True)


def _privacy_page(home, clinic_settings):
    existing = GeneralPage.objects.child_of(home).filter(slug=PRIVACY_PAGE["slug"]).first()
    if existing is not None:
        return StarterItem("Privacy notice", existing, added=False)
    page = GeneralPage(**PRIVACY_PAGE, body=privacy_body(clinic_settings.message_retention_days))
    return StarterItem("Privacy notice", _add_draft(home, page), added=True)


def _treatments_index(home):
    existing = TreatmentsIndexPage.objects.child_of(home).first()
    if existing is not None:
        return StarterItem("Treatments index", existing, added=False)
    page = TreatmentsIndexPage(
        title="Our treatments",
        slug="treatments",
        show_in_menus=True,
        introduction=TREATMENTS_INTRODUCTION,
    )
    return StarterItem("Treatments index", _add_draft(home, page), added=True)


def add_starter_content(result):
    """Add what is missing of the starter content to the clinic of `result` (a ClinicResult); returns the items."""
    home, clinic_settings = result.home_page, result.settings
    with transaction.atomic():
        items = [
            _home_introduction(home),
            _contact_page(home, clinic_settings),
            _privacy_page(home, clinic_settings),
            _treatments_index(home),
        ]
        if clinic_settings.privacy_page_id is None:
            clinic_settings.privacy_page = items[2].page
            clinic_settings.save(update_fields=["privacy_page"])
    # The clinic's own address and port, as create_clinic prints it: the admin answers on every clinic's host.
    admin_root = result.site.root_url
    return [
        replace(item, edit_url=admin_root + reverse("wagtailadmin_pages:edit", args=[item.page.pk])) for item in items
    ]
