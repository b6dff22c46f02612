"""Local development: works with no environment variables at all."""

import os

from .base import *  # noqa: F403
from .base import PLATFORM_HOSTS, content_security_policies, env_bool, env_int

DEBUG = True
# A public, throw-away key: dev data is not worth protecting and production refuses keys like this one.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-dev-only-key-never-use-in-production"
PLATFORM_HOSTS = PLATFORM_HOSTS or ["localhost", "127.0.0.1"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The folder the file-based backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes emails
# into, one file per connection: the browser tests read what the server sent there.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH")
ALLOW_DEMO_DATA = True
# Links in staff emails point at the port the development server listens on: `make run PORT=8001` passes PORT.
# An explicit WAGTAILADMIN_BASE_URL still wins.
WAGTAILADMIN_BASE_URL = (
    os.environ.get("WAGTAILADMIN_BASE_URL") or f"http://localhost:{env_int('PORT', 8000, minimum=1)}"
)
# The public pages' Content-Security-Policy is only reported here (in the browser console), not enforced: tools
# that inject inline scripts into the page, such as the browser tests' accessibility checker, keep working.
# CSP_REPORT_ONLY=false enforces it, as production does.
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policies(
    env_bool("CSP_REPORT_ONLY", True), os.environ.get("CSP_REPORT_URI", "")
)
