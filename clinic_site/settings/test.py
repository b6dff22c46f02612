"""Test settings: the embedded defaults unless DATABASE_URL / REDIS_URL name real services."""

from .base import *  # noqa: F403
from .base import REDIS_URL

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
