"""Fixtures of the reliability suite: a test database that other processes can open, and the proxy's binary.

The servers these tests start are separate processes, so they cannot see an in-memory SQLite database or the test's
own transaction: the SQLite test database is a file here, and tests commit what the servers must see
(`transactional_db`). With DATABASE_URL (PostgreSQL), pytest-django's test database is used as it is.

Without nginx a test that needs it is skipped, saying why, or fails when the environment variable CI is set, so CI
cannot pass without having run it.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.reliability import support


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    from django.conf import settings

    database = settings.DATABASES["default"]
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
