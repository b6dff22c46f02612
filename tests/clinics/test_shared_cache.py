"""The embedded default cache is shared by every process: a clinic that `create_clinic` adds reaches a server that
is already running, with no restart.

Wagtail keeps its site-root paths (which Site owns which page tree) in the default cache. The test settings use
local memory for speed, so this test runs the real embedded default (dev settings, no REDIS_URL) in separate
processes on one temporary SQLite database: a per-process cache makes the running process keep its stale list, and
the new clinic's home page would have no URL.
"""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

# The "running server": primes the site-root cache, waits, then asks again for the new clinic's address.
RUNNING_PROCESS = """
import sys
import django

django.setup()
from django.conf import settings
from wagtail.models import Site

print("backend", settings.CACHES["default"]["BACKEND"], flush=True)
print("primed", len(Site.get_site_root_paths()), flush=True)
sys.stdin.readline()
site = Site.objects.get(hostname="shared-cache.test")
roots = [path.site_id for path in Site.get_site_root_paths()]
print("known", site.pk in roots, flush=True)
print("url", site.root_page.specific.full_url, flush=True)
"""


def dev_environment(database):
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
    }


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def test_a_clinic_created_by_another_process_is_seen_at_once_by_a_running_one(tmp_path):
    env = dev_environment(tmp_path / "db.sqlite3")
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "create_clinic", "--name", "First Clinic", "--hostname", "first.test")

    running = subprocess.Popen(
        [sys.executable, "-c", RUNNING_PROCESS],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        backend = running.stdout.readline().split()
        primed = running.stdout.readline().split()
        assert primed and primed[0] == "primed", running.stderr.read()
        # The running process has cached the site-root paths (the first clinic's) before the new clinic exists.
        assert primed[1] == "1"

        created = manage(env, "create_clinic", "--name", "Shared Cache", "--hostname", "shared-cache.test")
        assert "Created clinic 'Shared Cache'" in created.stdout

        output, errors = running.communicate("go\n", timeout=60)
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()
    assert running.returncode == 0, errors
    lines = dict(line.split(" ", 1) for line in output.splitlines())
    assert lines["known"] == "True"
    assert lines["url"] == "http://shared-cache.test/"
    # Which shared backend it is (the reason is in clinic_site/settings/base.py): a table in the database.
    assert backend == ["backend", "django.core.cache.backends.db.DatabaseCache"]
