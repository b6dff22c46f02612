import pytest

from pages.clinics.roles import LIBRARY_EDITORS, LIBRARY_REVIEWERS
from pages.library.setup import ensure_library
from tests.factories import UserFactory, clinician_for, role_user
from tests.library.support import build_master


@pytest.fixture
def library(db):
    return ensure_library()


@pytest.fixture
def master(library):
    return build_master(library)


@pytest.fixture
def library_editor(library):
    from django.contrib.auth.models import Group

    return UserFactory(username="library-editor", groups=[Group.objects.get(name=LIBRARY_EDITORS.suffix)])


@pytest.fixture
def library_reviewer(library):
    from django.contrib.auth.models import Group

    return UserFactory(username="library-reviewer", groups=[Group.objects.get(name=LIBRARY_REVIEWERS.suffix)])


@pytest.fixture
def editor_a(clinic_a):
    return role_user(clinic_a, "editors")


@pytest.fixture
def reviewer_a(clinic_a):
    user = role_user(clinic_a, "medical reviewers")
    clinician = clinician_for(clinic_a.home_page, name="Dr Alpha Reviewer")
    clinician.user = user
    clinician.save()
    return user


@pytest.fixture
def editor_b(clinic_b):
    return role_user(clinic_b, "editors")
