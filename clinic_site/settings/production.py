"""Production: PostgreSQL, Redis, SMTP, the database task worker and static files through whitenoise.

Importing this module fails loudly when the configuration is unsafe rather than serving with it.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, check_secret_key, env_bool, env_int

DEBUG = False

_problem = check_secret_key(SECRET_KEY)
if _problem:
    raise ImproperlyConfigured(
        f"{_problem} Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 30)
# HSTS for subdomains, and the browsers' preload list, bind every subdomain of a clinic's domain to HTTPS for a
# long time, including ones this platform does not serve (a clinic's own mail or intranet). Only whoever owns
# the domains can promise that, so both are off unless set, and their deploy-check warnings are silenced below.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The preload list refuses a domain without both (https://hstspreload.org).
HSTS_PRELOAD_MIN_SECONDS = 60 * 60 * 24 * 365
if SECURE_HSTS_PRELOAD and not (SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_SECONDS >= HSTS_PRELOAD_MIN_SECONDS):
    raise ImproperlyConfigured(
        "SECURE_HSTS_PRELOAD needs SECURE_HSTS_INCLUDE_SUBDOMAINS=true and SECURE_HSTS_SECONDS of at least "
        f"{HSTS_PRELOAD_MIN_SECONDS} (one year)."
    )

SILENCED_SYSTEM_CHECKS = [
    "security.W005",  # SECURE_HSTS_INCLUDE_SUBDOMAINS off: the domain owner's choice, see above.
    "security.W021",  # SECURE_HSTS_PRELOAD off: the domain owner's choice, see above.
]
