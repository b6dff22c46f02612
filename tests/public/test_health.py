"""/healthz/ and the network admins' dashboard count: what monitoring and admins see while notifications fail.

The failures are real: notification tasks run by the production worker against a mail server that refuses
connections (tests/support.py), one of them on its last attempt.
"""

import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import ModelLogEntry

from pages.clinics.admin.notification_failures import RESEND_URL_NAME, NotificationFailuresPanel
from pages.contact.notifications import notify_form_submission
from pages.mail_retries import LOG_RESEND, RETRY_DELAYS
from pages.patient_messages.notifications import notify_new_patient_message
from pages.public.health import COUNTS_CACHE_KEY
from tests.factories import PatientMessageFactory, role_user
from tests.support import run_task_worker, use_mail_outage_queue

PANEL_HEADING = "Staff notification emails not delivered"
# A cache server nobody listens on: connecting is refused at once.
UNREACHABLE_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
}


@pytest.fixture
def one_retrying_and_one_given_up(settings, monkeypatch, procedure_a, contact_page):
    """One patient-message notification waiting for its second attempt, one contact-form one that gave up."""
    use_mail_outage_queue(settings, monkeypatch)
    notify_new_patient_message.enqueue(PatientMessageFactory(page=procedure_a).pk)
    submission = FormSubmission.objects.create(page=contact_page, form_data={"message": "Is parking free?"})
    notify_form_submission.enqueue(submission.pk, attempt=len(RETRY_DELAYS) + 1)  # its last attempt
    run_task_worker()


def health(client):
    response = client.get(reverse("healthz"), HTTP_HOST="10.0.0.7")
    return response, json.loads(response.content)


def test_healthz_says_the_database_and_cache_answer_and_nothing_failed(clinics, client):
    response, body = health(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert body == {"status": "ok", "database": "ok", "cache": "ok", "notifications": {"failed": 0, "retrying": 0}}


def test_healthz_counts_notifications_that_gave_up_and_that_wait_for_a_retry(one_retrying_and_one_given_up, client):
    response, body = health(client)

    assert response.status_code == 200
    assert body["notifications"] == {"failed": 1, "retrying": 1}
    # Numbers only: no clinic, page, address or id.
    for word in ("ascpm", "staff@", "parking", "Contact us"):
        assert word not in response.content.decode()


def test_healthz_counts_are_reused_for_half_a_minute(one_retrying_and_one_given_up, client):
    health(client)
    assert cache.get(COUNTS_CACHE_KEY) == {"failed": 1, "retrying": 1}
    cache.set(COUNTS_CACHE_KEY, {"failed": 7, "retrying": 0}, 30)

    assert health(client)[1]["notifications"] == {"failed": 7, "retrying": 0}


def test_healthz_without_the_cache_still_serves_and_says_so(one_retrying_and_one_given_up, client):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response, body = health(client)

    # The load balancer keeps the server: pages still serve. Monitoring reads the body.
    assert response.status_code == 200
    assert body["status"] == "error"
    assert body["cache"] == "error"
    assert body["database"] == "ok"
    assert body["notifications"] == {"failed": 1, "retrying": 1}


def test_network_admins_dashboard_shows_the_counts(one_retrying_and_one_given_up, client, superuser):
    client.force_login(superuser)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert PANEL_HEADING in html
    assert "1 gave up after 5 retries; 1 waiting to be retried." in html


def test_clinic_staff_never_see_the_count(one_retrying_and_one_given_up, client, clinic_a):
    client.force_login(role_user(clinic_a, "moderators"))

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert PANEL_HEADING not in response.content.decode()


def test_the_panel_is_silent_while_every_notification_is_delivered(db):
    assert NotificationFailuresPanel().render_html({}) == ""


# --- Re-sending what gave up, from the dashboard ---------------------------------------------------------------------


def test_the_panel_offers_network_admins_to_send_what_gave_up_again(one_retrying_and_one_given_up, client, superuser):
    client.force_login(superuser)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert f'action="{reverse(RESEND_URL_NAME)}"' in html
    assert "Send the 1 that gave up again" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_network_admin_sends_what_gave_up_again_and_it_is_audited(
    one_retrying_and_one_given_up, client, superuser, settings
):
    client.force_login(superuser)
    health(client)  # the counts are now in the cache, as a load balancer's last check left them

    response = client.post(reverse(RESEND_URL_NAME), follow=True)

    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "1 notification queued again" in response.content.decode()
    assert health(client)[1]["notifications"]["failed"] == 0  # counted afresh, not the cached 1
    entry = ModelLogEntry.objects.get(action=LOG_RESEND)
    assert entry.user == superuser
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_task_worker()
    assert len(mail.outbox) == 1  # the contact-form notification that gave up; the other still waits for its retry
    # Pressing it again finds nothing that gave up: nothing is queued twice.
    again = client.post(reverse(RESEND_URL_NAME), follow=True)
    assert "No notification had given up" in again.content.decode()
    assert ModelLogEntry.objects.filter(action=LOG_RESEND).count() == 1


@pytest.mark.parametrize("role", ["moderators", "medical reviewers", "editors"])
def test_clinic_staff_cannot_send_notifications_again(one_retrying_and_one_given_up, client, clinic_a, role):
    client.force_login(role_user(clinic_a, role))

    response = client.post(reverse(RESEND_URL_NAME), follow=True)

    # Wagtail's admin answers a refused view with its dashboard and "Sorry, you do not have permission".
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "do not have permission" in response.content.decode()
    assert not ModelLogEntry.objects.filter(action=LOG_RESEND).exists()
    assert health(client)[1]["notifications"]["failed"] == 1


def test_sending_again_takes_a_post(one_retrying_and_one_given_up, client, superuser):
    client.force_login(superuser)

    assert client.get(reverse(RESEND_URL_NAME)).status_code == 405
    assert not ModelLogEntry.objects.filter(action=LOG_RESEND).exists()
