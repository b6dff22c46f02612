"""Fixtures of the reliability suite: a test database that other processes can open, and the proxy's binary.

The servers these tests start are separate processes, so they cannot see an in-memory SQLite database or the test's
own transaction: the SQLite test database is a file here, and tests commit what the servers must see
(`transactional_db`). With DATABASE_URL (PostgreSQL), pytest-django's test database is used as it is.

Without nginx a test that needs it is skipped, saying why, or fails when the environment variable CI is set, so CI
cannot pass without having run it.

On PostgreSQL the test database lives in a cluster of the suite's own (services.OwnPostgres), which the fault
scenarios restart and lock, and Redis is a redis-server of the suite's own (services.OwnRedis): the machine's
shared servers are never stopped. Each scenario's figures are printed in the terminal summary ("reliability
figures"), whatever -s says.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import ClinicFactory, ProcedurePageFactory
from tests.reliability import load, services, support

OWN = {}
OWN_POSTGRES = "postgres"


def required(message):
    """Skip, saying why; fail instead when CI is set."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        if services.postgres_missing():
            yield  # the shared server's test database; the scenarios that restart PostgreSQL say why they cannot run
            return
        cluster = services.OwnPostgres()
        try:
            cluster.start()
            database.update(HOST=cluster.host, PORT=str(cluster.port), USER="postgres", PASSWORD="")
            OWN[OWN_POSTGRES] = cluster
            yield
        finally:
            OWN.pop(OWN_POSTGRES, None)
            cluster.stop()
        return
    if database["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    # In memory where the system offers it (tmpfs): migrating a file on disk waits for every sync, for a minute.
    shared_memory = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private folder with a random name
    folder = Path(tempfile.mkdtemp(prefix="clinic-reliability-", dir=shared_memory if shared_memory.is_dir() else None))
    database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def nginx_binary():
    if not support.NGINX.exists():
        message = (
            f"{support.NGINX} is missing: the proxy tests were NOT run. Install Debian's nginx "
            "(`apt-get install nginx`; `make test-reliability` does so as root)."
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {message}", pytrace=False)
        pytest.skip(message)
    return support.NGINX


@pytest.fixture
def own_postgres(db):
    """The suite's own PostgreSQL cluster, which holds the test database (PostgreSQL runs only)."""
    cluster = OWN.get(OWN_POSTGRES)
    if cluster is None:
        why = services.postgres_missing() or "the tests do not run on PostgreSQL (set DATABASE_URL)"
        required(f"{why}: the PostgreSQL restart and lock scenarios were NOT run.")
    try:
        yield cluster
    finally:
        if not cluster.is_running():  # whatever the test did, the database is up again for the next one
            cluster.start()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the suite's own, running again (thawed) and then stopped when the test ends."""
    why = services.redis_missing()
    if why:
        required(f"{why}: the Redis scenarios were NOT run.")
    server = services.OwnRedis(tmp_path)
    try:
        server.start()
        server.wait_until_it_answers()
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink():
    sink = services.SmtpSink()
    try:
        sink.up()
        yield sink
    finally:
        sink.down()


class Figures:
    """The scenarios' figures, printed in the terminal summary (tests/conftest.py's `summary_lines` plugins)."""

    name = "clinic-reliability-figures"

    def __init__(self):
        self.lines = []

    def summary_lines(self):
        return [("reliability figures" if index == 0 else None, line) for index, line in enumerate(self.lines)]


def pytest_configure(config):
    if not config.pluginmanager.has_plugin(Figures.name):
        config.pluginmanager.register(Figures(), Figures.name)


@pytest.fixture
def figure(request):
    """figure("...") records one line of figures under the test's name."""
    figures = request.config.pluginmanager.get_plugin(Figures.name)

    def record(text):
        line = f"{request.node.name}: {text}"
        figures.lines.append(line)
        print(line)

    return record


@pytest.fixture
def app_servers(tmp_path, db):
    """start(count, workers=2, redis_url=None, env=None) -> the ports of `count` gunicorn processes (app servers),
    each with deploy/gunicorn.conf.py on the test database; all stopped when the test ends."""
    started = []

    def start(count=1, **options):
        ports = []
        for _ in range(count):
            port = support.free_port()
            server = support.gunicorn(
                tmp_path,
                port,
                support.database_url(connection.settings_dict),
                name=f"gunicorn-{len(started)}",
                **{**options, "env": {"ANTISPAM_TRUSTED_PROXIES": "1", **(options.get("env") or {})}},
            )
            started.append(server)
            server.start()
            server.wait_until_it_answers(port)
            ports.append(port)
        return ports

    start.servers = started
    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def clinic_page(db):
    """A clinic and a procedure page with the "Leave a message" form, committed for the servers to see: the
    test must be marked django_db(transaction=True)."""
    clinic = ClinicFactory(name="ASCPM", hostname="ascpm.test", phone="(217) 555-0111")
    return ProcedurePageFactory(parent=clinic.home_page, title="Facet joint injections", slug="facet-joint-injections")


@pytest.fixture
def target_of(clinic_page):
    """target_of(port) -> where the clinic page's form posts on the server at `port`."""
    path = clinic_page.get_url_parts()[2]
    return lambda port: load.Target(port, clinic_page.get_site().hostname, path)
