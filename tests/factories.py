"""Test data builders. Clinics are built through the same onboarding code as `create_clinic`."""

import factory
from django.contrib.auth import get_user_model

from pages.onboarding import create_or_update_clinic

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
    phone = factory.Sequence(lambda n: f"(555) 010-{n:04d}")
    address = factory.Sequence(lambda n: f"{n} Test Street\nTestville")
    opening_hours = "Monday to Friday: 9am to 5pm"
    notification_email = factory.LazyAttribute(lambda clinic: f"staff@{clinic.hostname}")
    brand_colour = "#1d4f91"


def role_user(clinic, role):
    """A user in one of `clinic`'s groups ("editors", "medical reviewers" or "moderators")."""
    username = f"{clinic.site.hostname.split('.')[0]}-{role.replace(' ', '-')}"
    return UserFactory(username=username, groups=[clinic.groups[role]])
