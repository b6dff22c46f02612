"""The mail server down while patients send messages, then back: every staff notification is delivered once.

Real processes: gunicorn with production's task queue (tests/reliability/settings.py: django-tasks-db and SMTP),
the real `manage.py db_worker`, and the suite's SMTP sink (services.SmtpSink), whose port is closed during the
outage (connections refused, as when the mail server is stopped). The outage lasts OUTAGE_SECONDS instead of
production's minute, with the retry delays shortened to match through the NOTIFICATION_RETRY_DELAYS setting
(production: 60, 300, 900, 3600, 14400 s).
"""

import sys
import time

import pytest
from django.db import connection
from django.urls import reverse

from pages.patient_messages.models import PatientMessage
from tests.reliability import load, support

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OUTAGE_SECONDS = 12
RETRY_DELAYS = "2,3,4,5,5,5,5,5"  # about 34 s of retries: the outage ends well within them
PATIENTS = 30


def test_every_notification_of_a_mail_outage_is_delivered_once_when_the_server_is_back(
    app_servers, target_of, clinic_page, own_redis, smtp_sink, tmp_path, figure
):
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.reliability.settings",
        "RELIABILITY_SMTP_PORT": str(smtp_sink.port),
        "NOTIFICATION_RETRY_DELAYS": RETRY_DELAYS,
    }
    (port,) = app_servers(redis_url=own_redis.url, env=env)
    worker_env = {
        **support.gunicorn(tmp_path, 0, support.database_url(connection.settings_dict), redis_url=own_redis.url).env,
        **env,
    }
    worker = support.Server(
        "db_worker",
        [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"],
        tmp_path / "db_worker.log",
        worker_env,
    )
    patients = load.make_patients(clinic_page, PATIENTS, "mail")
    try:
        worker.start()
        smtp_sink.down()
        outage_started = time.monotonic()
        runs, _seconds = load.run_patients([target_of(port)], patients, concurrency=4, max_seconds=30)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
        received_during_outage = len(smtp_sink.messages)
        smtp_sink.up()
        back_at = time.monotonic()
        deadline = back_at + 45
        while len(smtp_sink.messages) < PATIENTS and time.monotonic() < deadline:
            time.sleep(0.2)
        delivered_after = time.monotonic() - back_at
        time.sleep(6)  # a retry sent twice would arrive by now
        assert worker.process.poll() is None, worker.log_tail()
    finally:
        worker.stop()

    result = load.tally(runs)
    messages = PatientMessage.objects.filter(author_email__in=[patient.email for patient in patients])
    links = [reverse("patient_messages:inspect", args=[pk]) for pk in messages.values_list("pk", flat=True)]
    deliveries = {link: sum(link in text for text in smtp_sink.messages) for link in links}
    figure(
        f"SMTP refused for {OUTAGE_SECONDS} s: {PATIENTS} messages thanked and stored, "
        f"{received_during_outage} emails during the outage, {len(smtp_sink.messages)} after it "
        f"(the last {delivered_after:.1f} s after the server was back), deliveries per message "
        f"{sorted(set(deliveries.values()))}"
    )
    assert result.thanked == result.stored == PATIENTS
    assert received_during_outage == 0
    assert set(deliveries.values()) == {1}
    assert len(smtp_sink.messages) == PATIENTS
    # No notification text holds what the patient wrote.
    assert not any(patient.text in text or patient.email in text for patient in patients for text in smtp_sink.messages)
