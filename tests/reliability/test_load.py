"""Many patients at once against gunicorn (deploy/gunicorn.conf.py, 2 sync workers) on PostgreSQL and Redis.

Throughput: accepted submissions per second, every one stored once and its notification queued once, with
production's task queue (tests/reliability/settings.py: django-tasks-db; `db_worker`, which sends the emails, is a
process of its own and not part of the figure). The figure says what each process spent of the machine's CPU per
submission (workers, load client, PostgreSQL, Redis), and so what limits the rate.

The same form posted twice at the same moment, to two workers of one app server and to two app servers sharing the
database and Redis: one row, and both answers are "thank you" (the second waits for the first one's row:
submission.claim_form).
"""

import os
import threading
import time
from collections import Counter

import pytest
from django_tasks_db.models import DBTaskResult

from pages.patient_messages.models import PatientMessage
from pages.patient_messages.notifications import notify_new_patient_message
from tests.reliability import load, support
from tests.reliability.conftest import OWN, OWN_POSTGRES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THROUGHPUT_PATIENTS = 400
THROUGHPUT_CONCURRENCY = 8


def cpu_of_processes(app_server, redis):
    """CPU seconds used so far by the workers, this process (the load client), PostgreSQL and Redis."""
    cluster = OWN.get(OWN_POSTGRES)
    return {
        "workers": support.cpu_seconds_of_children(app_server),
        "load client": time.process_time(),
        "PostgreSQL": support.cpu_seconds_of_tree(cluster.pid) if cluster else 0.0,
        "Redis": support.cpu_seconds_of_tree(redis.process.pid),
    }


def notifications_queued(message_ids):
    """How many times each message's notification is in the task queue."""
    queued = DBTaskResult.objects.filter(task_path=notify_new_patient_message.module_path)
    counts = Counter(row["args"][0] for row in queued.values_list("args_kwargs", flat=True) if row["args"])
    return {pk: counts[pk] for pk in message_ids}


def test_throughput_of_two_workers_loses_nothing(app_servers, target_of, clinic_page, own_redis, figure):
    (port,) = app_servers(redis_url=own_redis.url, env={"DJANGO_SETTINGS_MODULE": "tests.reliability.settings"})
    target = target_of(port)
    warm_up = load.make_patients(clinic_page, 20, "warm", first=50_000)  # other addresses than the measured ones
    load.run_patients_in_one_thread(target, warm_up, concurrency=4, max_seconds=30)
    patients = load.make_patients(clinic_page, THROUGHPUT_PATIENTS, "tput")

    before = cpu_of_processes(app_servers.servers[0], own_redis)
    runs, seconds = load.run_patients_in_one_thread(
        target, patients, concurrency=THROUGHPUT_CONCURRENCY, max_seconds=90
    )
    after = cpu_of_processes(app_servers.servers[0], own_redis)

    result = load.tally(runs)
    stored = max(result.stored, 1)
    per_submission = {name: (after[name] - before[name]) * 1000 / stored for name in before}
    total = sum(per_submission.values())
    cores = os.cpu_count()
    spent = ", ".join(f"{name} {ms:.1f} ms" for name, ms in per_submission.items())
    queued = notifications_queued(
        PatientMessage.objects.filter(author_email__in=[p.email for p in patients]).values_list("pk", flat=True)
    )
    figure(
        f"{result.stored / seconds:.0f} accepted submissions/s on 2 sync workers ({seconds:.1f} s, "
        f"{(sum(after.values()) - sum(before.values())) / seconds:.2f} of {cores} cores busy). CPU per submission: "
        f"{spent}; {total:.1f} ms in all, so {cores} cores allow about {cores * 1000 / total:.0f}/s: CPU is the "
        f"limit, {per_submission['workers'] / total:.0%} of it the workers'. {result.line()}; notifications "
        f"queued per message {sorted(set(queued.values()))}"
    )
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.server_errors == 0
    assert result.thanked == result.stored == THROUGHPUT_PATIENTS
    assert set(queued.values()) == {1}


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
