"""Preparing what the bench serves: the reference site, the project on SQLite, on PostgreSQL + Redis, and the large
database, each migrated and seeded in the bench's work folder; and the environments their servers run with.

The project is served with its production settings (DEBUG off, a generated SECRET_KEY, whitenoise's manifest
storage after `collectstatic`, mail kept in memory), behind what nginx would send (`X-Forwarded-Proto: https`).
Demo data is seeded with the dev settings, the only ones that allow it, into the same database.
"""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scripts.bench import servers

PRODUCTION = "clinic_site.settings.production"
DEV = "clinic_site.settings.dev"
REFERENCE_SETTINGS = "scripts.bench.reference.settings"
HELLO_SETTINGS = "scripts.bench.hello.settings"
PROXY_HEADERS = (("X-Forwarded-Proto", "https"),)
DEMO_HOSTS = ("ascpm.localhost", "spinaldiagnostics.localhost")

# The public pages measured, as (host, path): ASCPM's procedure page carries approved messages and the form.
PAGES = {
    "procedure": ("ascpm.localhost", "/facet-joint-injections/"),
    "recovery": ("spinaldiagnostics.localhost", "/facet-joint-injections/what-to-expect-after/"),
    "home": ("ascpm.localhost", "/"),
}
REFERENCE_PAGE = ("localhost", "/blog/tracking-wild-yeast-1/")
HELLO_PAGE = ("localhost", "/")
MODERATOR, EDITOR = "ascpm-moderator", "ascpm-editor"


def database_url(server_url, name):
    return f"{server_url.rstrip('/')}/{name}"


def _connect(server_url):
    import psycopg

    parts = urlsplit(server_url)
    return psycopg.connect(
        host=unquote(parts.hostname or "") or None,
        port=parts.port,
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )


def postgres_available(server_url):
    try:
        with _connect(server_url):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable", said once by the caller
        return False


def database_exists(server_url, name):
    with _connect(server_url) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def recreate_database(server_url, name):
    """Drop and create the bench's own database (only ever one of the bench's names)."""
    if not name.startswith("clinic_bench"):
        raise ValueError(f"refusing to recreate {name!r}: not a bench database")
    with _connect(server_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis(redis_url):
    """Empty the bench's own Redis database (the number in REDIS_URL), so no figure starts from an old cache."""
    import redis

    redis.Redis.from_url(redis_url, socket_connect_timeout=5).flushdb()


def redis_available(redis_url):
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


class Backend:
    """One database the project is served from: its URLs, folders and environments."""

    def __init__(self, name, work, secret, database_url, redis_url=None, cache_prefix=None):
        self.name, self.secret = name, secret
        self.folder = Path(work) / name
        self.media = self.folder / "media"
        self.static = Path(work) / "static"
        self.database_url, self.redis_url, self.cache_prefix = database_url, redis_url, cache_prefix
        self.log = Path(work) / f"{name}.log"

    def env(self, settings=PRODUCTION, page_cache=True, **extra):
        return servers.base_env(
            DJANGO_SETTINGS_MODULE=settings,
            SECRET_KEY=self.secret,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CACHE_KEY_PREFIX=self.cache_prefix,
            MEDIA_ROOT=self.media,
            STATIC_ROOT=self.static,
            ALLOWED_HOSTS=",".join([*DEMO_HOSTS, "localhost", "127.0.0.1"]),
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL="WARNING",
            PAGE_CACHE="1" if page_cache else "0",
            **extra,
        )

    def migrate_and_seed(self, seed=True):
        self.media.mkdir(parents=True, exist_ok=True)
        servers.manage(["migrate", "--noinput", "-v0"], self.env(), self.log)
        if not self.redis_url:
            servers.manage(["createcachetable"], self.env(), self.log)
        if seed:
            servers.manage(["seed_demo"], self.env(settings=DEV), self.log)

    def server(self, cached, log_dir):
        label = f"{self.name}-{'cached' if cached else 'uncached'}"
        return servers.Gunicorn(label, "clinic_site.wsgi:application", self.env(page_cache=cached), log_dir)

    def probe(self, args, out, timeout=1800):
        """Run scripts.bench.probe with this backend's settings and every cache but Django's own off."""
        servers.run(
            [sys.executable, "-m", "scripts.bench.probe", args[0], out, *args[1:]],
            self.env(page_cache=False),
            self.log,
            timeout,
        )
        return json.loads(Path(out).read_text())


def collectstatic(work, secret, log):
    """whitenoise's manifest storage needs collected files; one folder serves every backend of the run."""
    env = servers.base_env(DJANGO_SETTINGS_MODULE=PRODUCTION, SECRET_KEY=secret, STATIC_ROOT=Path(work) / "static")
    servers.manage(["collectstatic", "--noinput", "-v0"], env, log)


def reference_env(work, secret):
    return servers.base_env(
        DJANGO_SETTINGS_MODULE=REFERENCE_SETTINGS, SECRET_KEY=secret, REFERENCE_DIR=Path(work) / "reference"
    )


def prepare_reference(work, secret, log, reuse=False):
    """Migrate and seed the reference site afresh; with `reuse`, keep it when an earlier run left it seeded."""
    folder = Path(work) / "reference"
    if reuse and (folder / "reference.sqlite3").exists():
        return False
    subprocess.run(["rm", "-rf", str(folder)], check=True)  # noqa: S603, S607 - our own work folder
    folder.mkdir(parents=True)
    env = reference_env(work, secret)
    servers.django_admin(["migrate", "--noinput", "-v0"], env, log)
    servers.django_admin(["seed_reference"], env, log)
    return True


def reference_server(work, secret, log_dir):
    return servers.Gunicorn(
        "reference", "scripts.bench.reference.wsgi:application", reference_env(work, secret), log_dir
    )


def hello_server(secret, log_dir):
    env = servers.base_env(DJANGO_SETTINGS_MODULE=HELLO_SETTINGS, SECRET_KEY=secret)
    return servers.Gunicorn("hello", "scripts.bench.hello.wsgi:application", env, log_dir)


def reference_queries(work, secret, out, log):
    env = reference_env(work, secret)
    servers.run([sys.executable, "-m", "scripts.bench.probe", "public", out, *REFERENCE_PAGE], env, log)
    return json.loads(Path(out).read_text())[0]
