"""Local development: works with no environment variables at all."""

import os

from .base import *  # noqa: F403
from .base import PLATFORM_HOSTS

DEBUG = True
# A public, throw-away key: dev data is not worth protecting and production refuses keys like this one.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-dev-only-key-never-use-in-production"
PLATFORM_HOSTS = PLATFORM_HOSTS or ["localhost", "127.0.0.1"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
ALLOW_DEMO_DATA = True
