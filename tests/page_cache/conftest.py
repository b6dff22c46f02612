"""The full-page cache, on, in each shared cache the product runs with: the embedded default (a database table),
local memory (the other tests' cache) and Redis (marked `services`: the PostgreSQL + Redis pass, REDIS_URL)."""

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

REDIS_CACHE = (
    django_settings.CACHES["default"] if "redis" in django_settings.CACHES["default"]["BACKEND"].lower() else None
)
BACKENDS = {
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "clinic_cache"},
    "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": REDIS_CACHE,
}


@pytest.fixture(params=["database", "memory", pytest.param("redis", marks=pytest.mark.services)])
def page_cache(request, settings, db):
    """The full-page cache on, in the shared cache named by the parameter, emptied first."""
    from django.core.cache import cache

    backend = BACKENDS[request.param]
    if backend is None:
        pytest.fail("REDIS_URL is not set: the Redis page-cache tests need it (the PostgreSQL + Redis pass).")
    original = settings.CACHES
    settings.CACHES = {"default": dict(backend)}
    settings.PAGE_CACHE_ENABLED = True
    if request.param == "database":
        # The test database was migrated with the tests' local-memory cache: create the table as `migrate` would.
        call_command("createcachetable", verbosity=0)
    cache.clear()
    yield request.param
    cache.clear()
    # Back to the usual cache while the database is still there: the root conftest clears the cache after this.
    settings.CACHES = original


# The edge-cache tests commit what the live server must see, and their teardown empties the database. Django puts
# back what migrations made (Wagtail's root page) only when the next such test starts; in a shared worker process
# (pytest-xdist) an ordinary test may come next and find no root page. So it is put back right after each of them.
_db_blocker = []


@pytest.fixture(scope="session", autouse=True)
def _remember_db_blocker(django_db_blocker):
    _db_blocker.append(django_db_blocker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    marker = item.get_closest_marker("django_db")
    # After the session's last test the test databases are gone already: nothing to put back.
    if nextitem is not None and marker is not None and marker.kwargs.get("serialized_rollback") and _db_blocker:
        from django.db import connections

        with _db_blocker[0].unblock():
            for connection in connections.all(initialized_only=True):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
    return result
