"""Settings shared by every environment.

Safe by default: DEBUG is off, there is no usable secret key unless the environment provides one, and every
service is configured from environment variables. `dev`, `test` and `production` only adjust what they must.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from clinic_site.settings.content_policy import content_security_policies

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable; anything but a clear answer is a configuration error."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    """Read a comma-separated environment variable into a list of non-empty, stripped items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default, minimum=None):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {number}.")
    return number


# Django's own weakness rules (system check security.W009), enforced at start-up instead of as a warning.
INSECURE_KEY_PREFIX = "django-insecure"
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


def check_secret_key(key):
    """Return why `key` is not fit for production, or None when it is."""
    if not key:
        return "SECRET_KEY is not set."
    if key.startswith(INSECURE_KEY_PREFIX):
        return f"SECRET_KEY starts with {INSECURE_KEY_PREFIX!r}, the prefix of generated development keys."
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long."
    if len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS:
        return f"SECRET_KEY must use at least {MIN_SECRET_KEY_UNIQUE_CHARACTERS} different characters."
    return None


DEBUG = env_bool("DEBUG", False)

# No default: only `dev` and `test` provide a (public, throw-away) key. `production` also rejects weak keys.
SECRET_KEY = os.environ.get("SECRET_KEY", "")

# Host checking happens in two layers. ALLOWED_HOSTS is Django's own check and defaults to "*" because
# pages.clinics.hosts.ClinicHostMiddleware accepts only hostnames of a clinic Site or of PLATFORM_HOSTS, so a new
# clinic needs no deployment. Operators who prefer an explicit list can still set ALLOWED_HOSTS.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
# Hostnames that are not a clinic but may serve the admin (e.g. "admin.example.org" or a load balancer's name).
PLATFORM_HOSTS = env_list("PLATFORM_HOSTS", "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "pages",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "pages.clinics.users_app.ClinicUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so that no other code sees a Host that belongs to no clinic.
    "pages.clinics.hosts.ClinicHostMiddleware",
    # Right after it (only known hosts get here): cached public pages are answered before any other work.
    "pages.page_cache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: it logs out idle sessions and says why on the login page.
    "pages.security.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old WordPress links on the site root (`/?p=123`), which the home page would otherwise answer.
    "pages.wordpress.middleware.WordPressQueryRedirectMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its "too many attempts" response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "pages.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed staff logins (django-axes, recorded in the database). Three counts, each with its own limit: one username
# from one address (someone who forgot their password), one username from any address (guessing spread over many
# addresses) and one address for any username (one machine trying many accounts). Reaching any limit refuses
# logins for that username, address or pair with HTTP 429 for LOGIN_LOCKOUT_MINUTES.
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_FAILURE_LIMITS = [
    (["username", "ip_address"], env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)),
    ("username", env_int("LOGIN_FAILURE_LIMIT_PER_USERNAME", 10, minimum=1)),
    ("ip_address", env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20, minimum=1)),
]
AXES_LOCKOUT_PARAMETERS = [parameter for parameter, _limit in LOGIN_FAILURE_LIMITS]
# Axes compares its counts with one number; pages.security.LoginThrottleHandler gives each count its own limit.
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMITS[0][1]
AXES_HANDLER = "pages.security.LoginThrottleHandler"
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# Anyone can lock a username by typing wrong passwords for it, so a lockout must end on its own: attempts during
# a lockout are refused without being counted, so they cannot stretch it. The handler's reset on success clears
# only the successful username-and-address pair, never other addresses' failures.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "pages.security.login_client_ip"
AXES_LOCKOUT_CALLABLE = "pages.security.lockout_response"
AXES_VERBOSE = False

# Staff sessions end after SESSION_IDLE_MINUTES without an action by the person: pages.security.IdleSessionMiddleware
# records each real request in the session and ignores the admin's background pings. The session is saved only
# when it changes, so a ping does not push back its stored expiry (SESSION_COOKIE_AGE, as long) either.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False

# Password-reset emails: at most PASSWORD_RESET_LIMIT_PER_ADDRESS requests from one address and
# PASSWORD_RESET_LIMIT_PER_EMAIL for one email address in PASSWORD_RESET_WINDOW_MINUTES, counted in the cache.
# Past a limit the page answers as usual and no email is sent (pages.security.ThrottledPasswordResetForm).
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 5, minimum=1)
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3, minimum=1)
PASSWORD_RESET_WINDOW_MINUTES = env_int("PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1)
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "pages.security.ThrottledPasswordResetForm"

# Error reports (emails to ADMINS, logs) show no POST values at all: patients' names, emails and messages, and
# staff email addresses, stay out of them whatever view failed.
DEFAULT_EXCEPTION_REPORTER_FILTER = "pages.security.NoPostDataExceptionReporterFilter"

ROOT_URLCONF = "clinic_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.clinics.context_processors.clinic",
            ],
        },
    },
]

WSGI_APPLICATION = "clinic_site.wsgi.application"

# SQLite next to the code unless DATABASE_URL names another database (postgres://user@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Seconds a query may run (waiting for a lock included) before PostgreSQL cancels it; 0 = no limit. gunicorn's
# config sets it below the worker timeout, so a stalled database answers a clean 503 rather than a killed worker;
# manage.py (migrations) and db_worker keep no limit unless it is set for them.
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 0, minimum=0)
if DATABASE_STATEMENT_TIMEOUT and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}s"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL is set; otherwise a table in the default database (`manage.py createcachetable`, which
# `make run` runs). The cache must be shared by every process: Wagtail keeps its site-root paths here, and a clinic
# that `create_clinic` adds must reach the running server at once (a per-process local-memory cache kept serving
# the old list: "no site record" in the admin, links to href="None"). A database table is shared by every process
# on the same database with no extra service, and its add() is atomic (the key is unique; a racing insert fails),
# which the form rate limits and one-time form tokens rely on; a file-based cache's add() is check-then-write, and
# two processes could both win. Several app servers should still use Redis: it is faster and its incr() is atomic.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis away (stopped, frozen, unreachable) is a cache miss, never an error: clinic_site/cache.py.
            "BACKEND": "clinic_site.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "clinic"),
            # A frozen Redis accepts connections and never answers: each call gives up after these seconds.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clinic_cache",
            # Django's default of 300 entries would cull live rate-limit windows on a busy day; the full-page cache
            # (pages/page_cache) adds up to two entries per public page and message page number.
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    }

# Public pages (pages/page_cache, README "Page cache and edge cache"): an anonymous visitor's page is kept for
# PAGE_CACHE_SECONDS by the full-page cache in CACHES["default"] and by shared caches (s-maxage; both are purged on
# every change), for PAGE_CACHE_BROWSER_SECONDS by browsers (not purged), and may be served
# PAGE_CACHE_STALE_SECONDS stale while a fresh copy is fetched. PAGE_CACHE=0 turns the full-page cache off.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300, minimum=1)
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 60, minimum=0)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 30, minimum=0)
# A public form sent without its CSRF token (no script) comes back to be sent again (pages/page_cache/tokens.py).
CSRF_FAILURE_VIEW = "pages.page_cache.tokens.csrf_failure"
# The edge cache: each Varnish in front of the app servers (comma-separated, e.g. "http://10.0.0.5:6081"), purged
# through Wagtail's frontend_cache on every change (deploy/varnish/default.vcl).
VARNISH_URLS = env_list("VARNISH_URL", "")
WAGTAILFRONTENDCACHE = {
    f"varnish-{number}": {"BACKEND": "pages.page_cache.edge.VarnishBackend", "LOCATION": url}
    for number, url in enumerate(VARNISH_URLS, start=1)
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email: SMTP unless a settings module chooses otherwise. Notification emails never carry patient data.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic-platform@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Reverse proxies in front of the app that append the client's address to X-Forwarded-For (usually 1 behind a
# load balancer). 0 trusts no header: with a proxy, every patient would then share the proxy's rate limit.
ANTISPAM_TRUSTED_PROXIES = env_int("ANTISPAM_TRUSTED_PROXIES", 0)
PATIENT_MESSAGE_RATE_LIMIT_SECONDS = env_int("PATIENT_MESSAGE_RATE_LIMIT_SECONDS", 15)  # message flood window (README)

# Background tasks run in the request unless a settings module picks the database-backed worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Seconds between the attempts of a staff notification the mail server refused (pages/mail_retries.py), e.g.
# "60,300,900,3600,14400" (the default when empty); after the last one it gives up.
try:
    NOTIFICATION_RETRY_DELAYS = tuple(int(item) for item in env_list("NOTIFICATION_RETRY_DELAYS"))
except ValueError as exc:
    raise ImproperlyConfigured("NOTIFICATION_RETRY_DELAYS must be whole seconds separated by commas.") from exc

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# No page may be framed. The admin's preview panel is an iframe of the admin's own preview views, which Wagtail
# answers with SAMEORIGIN itself (wagtail.utils.decorators.xframe_options_sameorigin_override).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


# Not settings of their own: django-csp reads any CSP_* setting as an outdated configuration (check csp.E001).
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policies(
    env_bool("CSP_REPORT_ONLY", False), os.environ.get("CSP_REPORT_URI", "")
)

# Demo accounts and content may only be loaded where a settings module explicitly allows it.
ALLOW_DEMO_DATA = False

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Clinic platform")
# Clinic phone numbers without a country code are read in this region (ISO 3166 code; pages/clinics/phones.py).
CLINIC_PHONE_REGION = os.environ.get("CLINIC_PHONE_REGION", "US")
# Used in admin notification emails; must be the address staff open the admin on.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
# An approved clinical page records its medical review before it goes live; network admins (superusers) are not
# emailed every clinic's workflow steps, only the clinic's own reviewers are.
WAGTAIL_FINISH_WORKFLOW_ACTION = "pages.content.review_workflow.finish_review_workflow"
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: staff avatars would send a hash of each staff email address to a third party on every admin page.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_RESET_ENABLED = env_bool("WAGTAIL_PASSWORD_RESET_ENABLED", True)
# How long one request may hold a patient message form's lock while storing it (pages/patient_messages/
# submission.py). Longer than a worker's request timeout, so a slow INSERT is not raced by a resend; a lock whose
# worker died just expires, and a resend meanwhile is asked to wait, with the form kept.
PATIENT_MESSAGE_SEND_LOCK_SECONDS = env_int("PATIENT_MESSAGE_SEND_LOCK_SECONDS", 45, minimum=1)
# How long a second request with the same form (a double click) waits for the first one's row before asking the
# patient to send again.
PATIENT_MESSAGE_SEND_WAIT_SECONDS = env_int("PATIENT_MESSAGE_SEND_WAIT_SECONDS", 2, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail and the task runner log every page save and task at INFO; keep their warnings only.
    "loggers": {
        "wagtail": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
