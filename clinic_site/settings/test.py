"""Test settings: the embedded defaults unless DATABASE_URL / REDIS_URL name real services."""

import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, env_bool

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"
PLATFORM_HOSTS = ["localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOW_DEMO_DATA = True
MEDIA_ROOT = BASE_DIR / "media" / "test"  # noqa: F405
# Serve static files from the apps without a collectstatic step.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WAGTAILADMIN_BASE_URL = "http://localhost"
# Local memory instead of the embedded database-table cache: faster, and each test's cache.clear() stays outside
# the test's transaction. tests/clinics/test_shared_cache.py checks the embedded default across real processes.
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The full-page cache is off unless PAGE_CACHE=1: most tests change data without the purges' signals (factories,
# querysets) and check the next page. tests/page_cache turns it on and proves every purge. Cache-Control is set
# as in production either way.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", False)

# Parallel test runs (pytest-xdist): each worker gets its own test database from pytest-django and, with Redis, its
# own Redis database, since a test's cache.clear() empties the whole database it uses.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and XDIST_WORKER:
    _redis = urlsplit(REDIS_URL)
    _redis_db = (int(_redis.path.strip("/") or 0) - int(XDIST_WORKER.removeprefix("gw"))) % 16
    CACHES["default"]["LOCATION"] = _redis._replace(path=f"/{_redis_db}").geturl()
