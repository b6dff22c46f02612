"""Pages with forms are the same for every visitor: the tokens come from /_form-tokens/, and a form sent without
them (no script) comes back with everything typed, to be sent again. Honest Cache-Control on each kind of answer."""

import re

import pytest
from django.test import Client
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import PageViewRestriction

from pages import antispam
from pages.models import PatientMessage
from pages.patient_messages.forms import form_purpose
from tests.contact.support import form_data
from tests.factories import ProcedurePageFactory
from tests.page_cache.support import fetch_tokens, fetched_tokens, host_of, path_of, visit
from tests.patient_messages.support import EMAIL, NAME, TEXT, assert_kept_input

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
FORM_TOKEN_INPUT = re.compile(r'name="form-token" value="([^"]*)"')


@pytest.fixture
def csrf_client():
    """A browser as Django's CSRF check sees it: the test client's default skips the check."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def no_time_trap(settings):
    settings.PATIENT_MESSAGE_TIME_TRAP_SECONDS = 0
    settings.CONTACT_TIME_TRAP_SECONDS = 0


def inputs(response):
    html = response.content.decode()
    return CSRF_INPUT.search(html).group(1), FORM_TOKEN_INPUT.search(html).group(1)


# --- The page and its headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("page_fixture", ["procedure_a", "contact_page"])
def test_a_page_with_a_form_carries_no_per_visitor_token_and_says_any_cache_may_keep_it(
    request, db, client, settings, page_fixture
):
    page = request.getfixturevalue(page_fixture)

    first, second = visit(client, page), visit(client, page)

    assert first.status_code == 200
    assert inputs(first) == ("", "")
    assert first.content == second.content
    assert not first.cookies
    cache_control = set(first["Cache-Control"].split(", "))
    assert cache_control == {
        "public",
        f"max-age={settings.PAGE_CACHE_BROWSER_SECONDS}",
        f"s-maxage={settings.PAGE_CACHE_SECONDS}",
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}",
    }
    assert "Cookie" in first["Vary"]
    assert f'data-form-tokens="/_form-tokens/?page={page.pk}"' in first.content.decode()
    assert '<script src="/static/js/form-tokens.js" defer></script>' in first.content.decode()


def test_the_token_endpoint_gives_a_fresh_csrf_token_and_form_token_privately(client, procedure_a):
    response = fetch_tokens(client, procedure_a)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "csrftoken" in response.cookies
    tokens = response.json()
    assert set(tokens) == {"csrf", "form_token"}
    purpose = form_purpose(procedure_a.pk, tokens["form_token"])
    assert antispam.time_token_problem(tokens["form_token"], purpose, min_seconds=0) is None
    assert fetched_tokens(client, procedure_a)["form_token"] != tokens["form_token"]


def test_the_token_endpoint_answers_only_for_a_live_form_page_of_the_hosts_own_clinic(
    client, procedure_a, procedure_b, contact_page
):
    home = procedure_a.get_parent()
    draft = ProcedurePageFactory(parent=home, slug="draft-page", live=False)
    assert fetch_tokens(client, procedure_a).status_code == 200
    assert fetch_tokens(client, contact_page).status_code == 200
    # Clinic B's page asked for on clinic A's host, a page without a form, a draft, nonsense: all 404.
    assert fetch_tokens(client, procedure_b, host=host_of(procedure_a)).status_code == 404
    assert fetch_tokens(client, home).status_code == 404
    assert fetch_tokens(client, draft).status_code == 404
    for query in ("", "?page=", "?page=abc", "?page=-1", "?page=999999"):
        assert client.get(f"/_form-tokens/{query}", HTTP_HOST=host_of(procedure_a)).status_code == 404
    # Unknown hosts never reach it; POST is not how it is asked.
    assert fetch_tokens(client, procedure_a, host="unknown.test").status_code == 404
    assert client.post(f"/_form-tokens/?page={procedure_a.pk}", HTTP_HOST=host_of(procedure_a)).status_code == 405


def test_messages_closed_on_the_page_get_no_form_token(client, procedure_a):
    procedure_a.accept_messages = False
    procedure_a.save_revision().publish()

    assert fetch_tokens(client, procedure_a).status_code == 404


# --- Sending a form with and without the script -----------------------------------------------------------------


def test_a_message_sent_with_the_fetched_tokens_passes_the_csrf_check_and_is_stored(
    csrf_client, procedure_a, no_time_trap
):
    tokens = fetched_tokens(csrf_client, procedure_a)
    data = {"name": NAME, "email": EMAIL, "message": TEXT, "hp-website": "", "form-token": tokens["form_token"]}

    response = csrf_client.post(
        path_of(procedure_a) + "messages/",
        {**data, "csrfmiddlewaretoken": tokens["csrf"]},
        HTTP_HOST=host_of(procedure_a),
    )

    assert response.status_code == 302
    assert PatientMessage.objects.get().body == TEXT


def test_without_the_script_the_message_comes_back_with_the_text_and_tokens_and_the_second_press_sends_it(
    csrf_client, procedure_a, no_time_trap
):
    data = {"name": NAME, "email": EMAIL, "message": TEXT, "hp-website": "", "form-token": ""}

    refused = csrf_client.post(path_of(procedure_a) + "messages/", data, HTTP_HOST=host_of(procedure_a))

    assert refused.status_code == 400
    assert not PatientMessage.objects.exists()
    assert_kept_input(refused)
    assert antispam.MESSAGES[antispam.MISSING_TOKEN] in refused.content.decode()
    assert "no-store" in refused["Cache-Control"] and "csrftoken" in refused.cookies
    csrf, token = inputs(refused)
    assert csrf and token.startswith(form_purpose(procedure_a.pk, token))
    assert "data-form-tokens" not in refused.content.decode()

    sent = csrf_client.post(
        path_of(procedure_a) + "messages/",
        {**data, "csrfmiddlewaretoken": csrf, "form-token": token},
        HTTP_HOST=host_of(procedure_a),
    )

    assert sent.status_code == 302
    assert PatientMessage.objects.get().body == TEXT


def test_a_forged_form_token_without_csrf_is_not_stored_even_when_it_would_pass_the_time_trap(
    csrf_client, procedure_a, no_time_trap
):
    token = fetched_tokens(Client(), procedure_a)["form_token"]  # a genuine token, fetched by someone else
    data = {"name": NAME, "email": EMAIL, "message": TEXT, "hp-website": "", "form-token": token}

    refused = csrf_client.post(path_of(procedure_a) + "messages/", data, HTTP_HOST=host_of(procedure_a))

    assert refused.status_code == 400
    assert not PatientMessage.objects.exists()
    assert_kept_input(refused)


def test_without_the_script_the_contact_form_comes_back_with_everything_typed_then_sends(
    csrf_client, contact_page, no_time_trap
):
    data = {**form_data(contact_page), "form-token": ""}

    refused = csrf_client.post(path_of(contact_page), data, HTTP_HOST=host_of(contact_page))

    assert refused.status_code == 200
    assert not FormSubmission.objects.exists()
    assert antispam.MESSAGES[antispam.MISSING_TOKEN] in refused.content.decode()
    assert "no-store" in refused["Cache-Control"]
    csrf, token = inputs(refused)
    sent = csrf_client.post(
        path_of(contact_page),
        {**data, "csrfmiddlewaretoken": csrf, "form-token": token},
        HTTP_HOST=host_of(contact_page),
    )

    assert sent.status_code == 303
    assert FormSubmission.objects.count() == 1


def test_other_csrf_failures_get_djangos_403(csrf_client, procedure_a, superuser):
    # The admin's login form, and a public form POST that is not one of ours, keep Django's refusal.
    assert (
        csrf_client.post("/admin/login/", {"username": "x", "password": "y"}, HTTP_HOST="localhost").status_code == 403
    )
    assert csrf_client.post(path_of(procedure_a), {"q": "x"}, HTTP_HOST=host_of(procedure_a)).status_code == 403


# --- Who is never told "public" ---------------------------------------------------------------------------------


def test_signed_in_staff_get_private_no_store_pages(client, procedure_a, superuser):
    client.force_login(superuser)

    response = visit(client, procedure_a)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_password_protected_page_is_private_before_and_after_the_password(client, procedure_a):
    PageViewRestriction.objects.create(page=procedure_a, restriction_type=PageViewRestriction.PASSWORD, password="x1")

    form = visit(client, procedure_a)

    assert form.status_code == 200 and "password" in form.content.decode().lower()
    assert "public" not in form.get("Cache-Control", "") and "no-store" in form["Cache-Control"]
    restriction = PageViewRestriction.objects.get()
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{procedure_a.pk}/",
        {"password": "x1", "return_url": path_of(procedure_a)},
        HTTP_HOST=host_of(procedure_a),
    )
    after = visit(client, procedure_a)
    assert after.status_code == 200 and "Leave a message" in after.content.decode()
    assert "public" not in after["Cache-Control"] and "no-store" in after["Cache-Control"]


def test_post_answers_are_never_public(client, procedure_a):
    response = client.post(path_of(procedure_a) + "messages/", {"name": ""}, HTTP_HOST=host_of(procedure_a))

    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
