"""Test settings: the embedded defaults unless DATABASE_URL / REDIS_URL name real services."""

from .base import *  # noqa: F403

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
