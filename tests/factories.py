"""Test data builders. Clinics are built through the same onboarding code as `create_clinic`."""

import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model

from pages.clinics.onboarding import create_or_update_clinic
from pages.clinics.scope import clinic_of
from pages.models import Clinician, ContactFormField, ContactPage, PatientMessage, ProcedurePage, RecoveryGuidancePage

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


class ClinicFactory(factory.Factory):
    """Builds a clinic (a pages.onboarding.ClinicResult) with distinct, recognisable contact details."""

    class Meta:
        model = create_or_update_clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    hostname = factory.LazyAttribute(lambda clinic: f"{clinic.name.lower().replace(' ', '-')}.test")
    port = 80
    phone = factory.Sequence(lambda n: f"(217) 555-{n % 10000:04d}")
    address = factory.Sequence(lambda n: f"{n} Test Street\nTestville")
    opening_hours = "Monday to Friday: 9am to 5pm"
    notification_email = factory.LazyAttribute(lambda clinic: f"staff@{clinic.hostname}")
    brand_colour = "#1d4f91"


def role_user(clinic, role):
    """A user in one of `clinic`'s groups ("editors", "medical reviewers" or "moderators")."""
    username = f"{clinic.site.hostname.split('.')[0]}-{role.replace(' ', '-')}"
    return UserFactory(username=username, groups=[clinic.groups[role]])


def clinician_for(parent, name="Dr Test Reviewer", credentials="MD, pain medicine"):
    """The clinician `name` of the clinic whose tree holds `parent`, created on first use."""
    clinic = clinic_of(parent) if parent is not None else None
    if clinic is None:
        return None
    clinician, _ = Clinician.objects.get_or_create(site_id=clinic.pk, name=name, defaults={"credentials": credentials})
    return clinician


class ReviewedPageFactory(wagtail_factories.PageFactory):
    """Medical content pages say who last reviewed them and when."""

    class Meta:
        abstract = True

    reviewer = factory.LazyAttribute(lambda page: clinician_for(page.parent))
    last_reviewed = datetime.date(2026, 3, 15)


class ProcedurePageFactory(ReviewedPageFactory):
    """A complete, publishable procedure page; pass parent=<clinic home page>."""

    class Meta:
        model = ProcedurePage

    title = "Facet joint injections"
    summary = "A facet joint injection puts medicine into a small joint in your spine to ease pain."
    what_it_is = "<p>Facet joints are small joints between the bones of your spine.</p>"
    how_it_works = "<p>A numbing medicine and a steroid go into the joint. Live X-ray guides the needle.</p>"
    benefits = "<p>Less pain and easier movement.</p>"
    relief_duration = "Several weeks to several months."
    preparation = "<p>Bring someone to drive you home.</p>"
    positioning = "You lie face down."
    duration = "About 15 minutes."
    risks = "<p>Some soreness where the needle went in.</p>"
    body_location = "Facet joints of the neck or lower back"


class RecoveryGuidancePageFactory(ReviewedPageFactory):
    """A complete recovery page; pass parent=<procedure page>."""

    class Meta:
        model = RecoveryGuidancePage

    title = "What to expect after facet joint injections"
    summary = "Most people go home the same day and feel better within one or two days."
    timeline = factory.LazyFunction(
        lambda: [
            ("stage", {"when": "Right after", "what_to_expect": "<p>Some soreness.</p>", "what_to_do": ""}),
            ("stage", {"when": "The next day", "what_to_expect": "<p>Back to normal.</p>", "what_to_do": ""}),
        ]
    )
    activity_advice = "<p>Rest on the day. Go back to normal activities the next day.</p>"
    warning_signs = "<ul><li>Fever</li><li>New numbness or weakness</li></ul>"


class ContactPageFactory(wagtail_factories.PageFactory):
    """A contact page with name, email and message fields; pass parent=<clinic home page>."""

    class Meta:
        model = ContactPage
        skip_postgeneration_save = True

    title = "Contact us"
    to_address = "staff@example.com"
    from_address = "noreply@example.com"
    subject = "New contact form submission"

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if not create:
            return
        for order, (label, field_type, required) in enumerate(
            extracted
            or [("Your name", "singleline", True), ("Your email", "email", True), ("Message", "multiline", True)]
        ):
            ContactFormField.objects.create(
                page=self, sort_order=order, label=label, field_type=field_type, required=required
            )


class PatientMessageFactory(factory.django.DjangoModelFactory):
    """A message under `page` (pass page=<procedure or recovery page>); its clinic is the page's site."""

    class Meta:
        model = PatientMessage

    page = None
    site = factory.LazyAttribute(lambda message: message.page.get_site())
    author_name = factory.Sequence(lambda n: f"Patient {n}")
    author_email = factory.LazyAttribute(lambda message: f"{message.author_name.lower().replace(' ', '.')}@example.org")
    body = factory.Sequence(lambda n: f"The injection helped me a lot, thank you. ({n})")
    status = "pending"
