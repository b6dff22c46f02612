"""Fixtures of the contact-page tests; the contact pages themselves are in tests/conftest.py (data care uses them)."""

import pytest
from wagtail.contrib.forms.models import FormSubmission

from tests.contact.support import EMAIL, MESSAGE, NAME


@pytest.fixture
def submission_a(contact_page):
    return FormSubmission.objects.create(
        page=contact_page, form_data={"your_name": NAME, "your_email": EMAIL, "message": MESSAGE}
    )
