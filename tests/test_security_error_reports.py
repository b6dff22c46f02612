"""An error report (the email to ADMINS, the log) never carries what a patient or a member of staff typed into a form.

The patient-facing POSTs are marked sensitive themselves, so Django's own SafeExceptionReporterFilter hides them;
the project's filter (DEFAULT_EXCEPTION_REPORTER_FILTER) hides every POST value on top, such as the email address
typed into the password-reset form, which Django leaves visible.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter, get_default_exception_reporter_filter

from pages.security import NoPostDataExceptionReporterFilter
from tests.contact.support import MESSAGE, form_data
from tests.factories import ContactPageFactory, ProcedurePageFactory, UserFactory
from tests.patient_messages.support import EMAIL, NAME, TEXT, message_data

HIDDEN = SafeExceptionReporterFilter.cleansed_substitute


def assert_all_hidden(post):
    assert post, "the request had POST data"
    assert set(post.values()) == {HIDDEN}


def report_of(request):
    """The text of the error email Django would send about `request`."""
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        return ExceptionReporter(request, type(error), error, error.__traceback__, is_email=True).get_traceback_text()


@pytest.fixture
def procedure(clinic_a):
    return ProcedurePageFactory(parent=clinic_a.home_page)


def test_a_patient_message_is_hidden_even_by_djangos_own_filter(client, procedure):
    response = client.post(
        procedure.url + "messages/", message_data(procedure), HTTP_HOST="ascpm.test", REMOTE_ADDR="203.0.113.30"
    )
    assert response.status_code == 302  # sent: the route ran
    assert_all_hidden(SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request))
    report = report_of(response.wsgi_request)
    assert NAME not in report and EMAIL not in report and TEXT.splitlines()[0] not in report


def test_a_contact_form_is_hidden_even_by_djangos_own_filter(client, clinic_a):
    page = ContactPageFactory(parent=clinic_a.home_page, to_address="")
    response = client.post(page.url, form_data(page), HTTP_HOST="ascpm.test", REMOTE_ADDR="203.0.113.31")
    assert response.status_code == 303  # stored, then redirected to the confirmation
    assert_all_hidden(SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request))
    assert MESSAGE not in report_of(response.wsgi_request)


def test_the_staff_login_is_hidden_by_djangos_login_view(client, db):
    response = client.post(reverse("wagtailadmin_login"), {"username": "ascpm-staff", "password": "secret-guess"})
    assert_all_hidden(SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request))


def test_the_password_reset_email_address_is_hidden_by_the_projects_filter(client, clinic_a):
    UserFactory(username="ascpm-staff", email="staff.member@ascpm.test")
    response = client.post(reverse("wagtailadmin_password_reset"), {"email": "staff.member@ascpm.test"})
    assert response.status_code == 302
    # Django's own filter would show it: the view is not marked sensitive.
    assert SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)["email"] != HIDDEN
    assert isinstance(get_default_exception_reporter_filter(), NoPostDataExceptionReporterFilter)
    assert_all_hidden(get_default_exception_reporter_filter().get_post_parameters(response.wsgi_request))
    assert "staff.member@ascpm.test" not in report_of(response.wsgi_request)


def test_the_projects_filter_hides_every_post_value_of_any_view():
    request = RequestFactory().post("/admin/patient-messages/7/moderate/", {"reply": "Dear Jane, about your knee"})
    assert_all_hidden(NoPostDataExceptionReporterFilter().get_post_parameters(request))
    assert "Dear Jane" not in report_of(request)
