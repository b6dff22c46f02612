"""Many patients at once against gunicorn (deploy/gunicorn.conf.py, 2 sync workers) on PostgreSQL and Redis.

Throughput: accepted submissions per second, every one stored once. The same form posted twice at the same moment,
to two workers of one app server and to two app servers sharing the database and Redis: one row, and both
answers are "thank you" (the second waits for the first one's row: submission.claim_form).
"""

import os
import threading

import pytest

from pages.patient_messages.models import PatientMessage
from tests.reliability import load, support

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THROUGHPUT_PATIENTS = 400
THROUGHPUT_CONCURRENCY = 8


def test_throughput_of_two_workers_loses_nothing(app_servers, target_of, clinic_page, own_redis, figure):
    (port,) = app_servers(redis_url=own_redis.url)
    target = target_of(port)
    warm_up = load.make_patients(clinic_page, 20, "warm", first=50_000)  # other addresses than the measured ones
    load.run_patients([target], warm_up, concurrency=4, max_seconds=30)
    patients = load.make_patients(clinic_page, THROUGHPUT_PATIENTS, "tput")

    cpu_before = support.cpu_seconds_of_children(app_servers.servers[0])
    runs, seconds = load.run_patients([target], patients, concurrency=THROUGHPUT_CONCURRENCY, max_seconds=90)
    cpu = support.cpu_seconds_of_children(app_servers.servers[0]) - cpu_before

    result = load.tally(runs)
    figure(
        f"{result.stored / seconds:.0f} accepted submissions/s on 2 sync workers ({seconds:.1f} s); the workers used "
        f"{cpu * 1000 / max(result.stored, 1):.1f} ms of CPU per submission ({cpu / seconds:.2f} cores of "
        f"{os.cpu_count()}, which the load client and the database share); {result.line()}"
    )
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.server_errors == 0
    assert result.thanked == result.stored == THROUGHPUT_PATIENTS


def post_twice_at_once(targets, patient):
    """Both posts of one form, released at the same moment; their answers."""
    barrier = threading.Barrier(2, timeout=10)
    answers = [None, None]

    def post(index):
        barrier.wait()
        answers[index] = load.post_form(targets[index], patient)

    threads = [threading.Thread(target=post, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@pytest.mark.parametrize("servers", [1, 2], ids=["two workers of one server", "two app servers"])
def test_the_same_form_posted_twice_at_once_is_stored_once_and_thanked_twice(
    servers, app_servers, target_of, clinic_page, own_redis, figure
):
    ports = app_servers(count=servers, redis_url=own_redis.url)
    targets = [target_of(ports[0]), target_of(ports[-1])]
    patients = load.make_patients(clinic_page, 30, f"twice{servers}")
    statuses = []

    for patient in patients:
        statuses.extend(answer.status for answer in post_twice_at_once(targets, patient))

    rows = PatientMessage.objects.filter(author_email__in=[patient.email for patient in patients])
    per_patient = {patient.email: rows.filter(author_email=patient.email).count() for patient in patients}
    figure(
        f"{len(patients)} forms each posted twice at once: rows per form {sorted(set(per_patient.values()))}, "
        f"answers {dict(sorted(load.Counter(statuses).items(), key=str))}"
    )
    assert set(per_patient.values()) == {1}
    assert statuses == [302] * (2 * len(patients))
