"""The database away under load: PostgreSQL restarted mid-run, and the messages table locked past gunicorn's timeout.

Both run on the suite's own PostgreSQL 15 cluster (services.OwnPostgres), never the machine's shared one:
`pg_ctl restart -m fast` there is what `pg_ctlcluster 15 main restart` does to a production cluster. A patient who
is answered 503 (the page asks them to press Send again, with their text kept) sends the same form again after half
a second. Counted afterwards in the database: nothing thanked is lost, nothing is stored twice, no 500.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from pages.patient_messages.models import PatientMessage
from tests.reliability import load

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# gunicorn's worker timeout in the lock scenario (production: 30 s); its config cancels queries after 2/3 of it.
WORKER_TIMEOUT = 9
LOCK_SECONDS = 13  # longer than the worker timeout: without the statement timeout, workers would be killed


def recovery_seconds(runs, since):
    """Seconds from `since` until the last of the patients who were kept waiting was thanked."""
    thanked = [run.thanked_at for run in runs if run.thanked_at and any(a.status != 302 for a in run.answers)]
    return max(thanked, default=since) - since


def test_postgresql_restarted_mid_run_loses_nothing(
    own_postgres, app_servers, target_of, clinic_page, own_redis, figure
):
    (port,) = app_servers(redis_url=own_redis.url)
    patients = load.make_patients(clinic_page, 150, "pgrestart")

    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(load.run_patients, [target_of(port)], patients, concurrency=6, max_seconds=90)
        time.sleep(2)
        restart_started = time.monotonic()
        own_postgres.restart()
        restart_seconds = time.monotonic() - restart_started
        runs, _seconds = running.result(timeout=150)
    connection.close()  # this process's session was ended by the restart too

    result = load.tally(runs)
    figure(
        f"pg_ctl restart -m fast took {restart_seconds:.1f} s; patients waiting thanked within "
        f"{recovery_seconds(runs, restart_started):.1f} s of it; {result.line()}"
    )
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.server_errors == 0
    assert result.statuses.get(None, 0) == 0
    assert result.refusals_without_text == 0
    assert result.thanked == result.stored == len(patients)


def test_a_table_lock_held_past_the_worker_timeout_answers_503_with_the_text_and_loses_nothing(
    own_postgres, app_servers, target_of, clinic_page, own_redis, figure
):
    (port,) = app_servers(redis_url=own_redis.url, env={"GUNICORN_TIMEOUT": str(WORKER_TIMEOUT)})
    patients = load.make_patients(clinic_page, 20, "tablelock")
    table = PatientMessage._meta.db_table

    holder = own_postgres.hold_lock(connection.settings_dict["NAME"], table, LOCK_SECONDS)
    locked_at = time.monotonic()
    runs, _seconds = load.run_patients(
        [target_of(port)], patients, concurrency=len(patients), max_seconds=60, pause=1.0, timeout=30
    )
    holder.join(timeout=30)
    released_at = locked_at + LOCK_SECONDS

    result = load.tally(runs)
    figure(
        f"messages table locked {LOCK_SECONDS} s (worker timeout {WORKER_TIMEOUT} s): "
        f"{result.statuses.get(503, 0)} x 503 with the text kept, all thanked within "
        f"{max(run.thanked_at for run in runs) - released_at:.1f} s of the release; {result.line()}"
    )
    # Each worker's query was cancelled (503) while the lock lasted; the patients queued behind them were served
    # once it went. None of them was cut off by a killed worker.
    assert result.statuses.get(503, 0) >= 2
    assert result.refusals_without_text == 0
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.server_errors == 0
    assert result.statuses.get(None, 0) == 0  # no worker was killed mid-request
    assert result.thanked == result.stored == len(patients)
