"""Settings: safe by default, configured from the environment, production refuses to start unsafely."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from clinic_site.settings.base import check_secret_key
from tests.support import SETTINGS_SETUP as SETUP
from tests.support import printed_by_settings, python

GOOD_KEY = "q7Zr-" + "x9Kp2" * 12


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "not set"),
        ("django-insecure-" + "a1b2c3d4e5" * 6, "prefix"),
        ("short-but-random-1234", "at least 50"),
        ("ab" * 40, "different characters"),
    ],
)
def test_check_secret_key_names_the_weakness(key, problem):
    assert problem in check_secret_key(key)


def test_check_secret_key_accepts_a_strong_key():
    assert check_secret_key(GOOD_KEY) is None


@pytest.mark.parametrize("key", [None, "changeme", "django-insecure-dev-only-key-never-use-in-production"])
def test_production_settings_refuse_to_start_with_an_insecure_secret_key(key):
    env = {"DJANGO_SETTINGS_MODULE": "clinic_site.settings.production"}
    if key is not None:
        env["SECRET_KEY"] = key
    result = python(SETUP + "print('started')", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "started" not in result.stdout


def test_production_settings_start_with_a_strong_key_and_are_hardened():
    assert printed_by_settings(
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.TASKS['default']['BACKEND'])",
        DJANGO_SETTINGS_MODULE="clinic_site.settings.production",
        SECRET_KEY=GOOD_KEY,
    ) == ["False", "True", "True", "django_tasks_db.DatabaseBackend"]


def test_dev_settings_work_with_no_environment_variables_at_all():
    assert printed_by_settings(
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'])",
        DJANGO_SETTINGS_MODULE="clinic_site.settings.dev",
    ) == [
        "True",
        "django.db.backends.sqlite3",
        "django.core.cache.backends.db.DatabaseCache",
    ]


def test_base_settings_have_no_secret_key_and_debug_off_by_default():
    without_key = python(SETUP + "print(s.SECRET_KEY)", DJANGO_SETTINGS_MODULE="clinic_site.settings.base")
    assert without_key.returncode != 0
    assert "SECRET_KEY setting must not be empty" in without_key.stderr
    with_key = python(SETUP + "print(s.DEBUG)", DJANGO_SETTINGS_MODULE="clinic_site.settings.base", SECRET_KEY=GOOD_KEY)
    assert with_key.stdout.split() == ["False"]


def test_database_and_redis_urls_configure_the_services():
    assert printed_by_settings(
        "d = s.DATABASES['default']; c = s.CACHES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'], c['BACKEND'], c['LOCATION'])",
        DJANGO_SETTINGS_MODULE="clinic_site.settings.dev",
        DATABASE_URL="postgres://clinic@db.internal:5433/clinics",
        REDIS_URL="redis://cache.internal:6379/2",
    ) == [
        "django.db.backends.postgresql",
        "clinics",
        "db.internal",
        "5433",
        "clinic_site.cache.TolerantRedisCache",
        "redis://cache.internal:6379/2",
    ]


def test_email_settings_come_from_the_environment():
    assert printed_by_settings(
        "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL)",
        DJANGO_SETTINGS_MODULE="clinic_site.settings.dev",
        EMAIL_HOST="smtp.internal",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="true",
        DEFAULT_FROM_EMAIL="noreply@clinics.example",
    ) == ["smtp.internal", "587", "True", "noreply@clinics.example"]


def test_a_malformed_boolean_variable_is_a_clear_error():
    result = python(SETUP, DJANGO_SETTINGS_MODULE="clinic_site.settings.dev", EMAIL_USE_TLS="maybe")
    assert result.returncode != 0
    assert "EMAIL_USE_TLS must be true or false" in result.stderr


@pytest.mark.services
@pytest.mark.django_db
def test_the_services_run_uses_real_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.services
def test_the_services_run_shares_one_redis_cache_between_separate_clients():
    """Two cache clients stand for two server processes: what one writes, the other reads."""
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    first, second = cache, caches.create_connection("default")
    first.set("shared-check", "written by the first process", 30)
    assert second.get("shared-check") == "written by the first process"


def test_login_throttle_and_session_idle_time_come_from_the_environment():
    assert printed_by_settings(
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.SESSION_COOKIE_AGE)",
        DJANGO_SETTINGS_MODULE="clinic_site.settings.dev",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="60",
        SESSION_IDLE_MINUTES="10",
    ) == ["3", "3600.0", "600"]


def test_the_admin_sends_nothing_about_staff_to_gravatar(client, superuser):
    client.force_login(superuser)
    assert "gravatar" not in client.get("/admin/").content.decode().lower()
