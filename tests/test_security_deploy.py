"""The production settings pass Django's deployment check with no warning, and only two checks are silenced, each a
choice for whoever owns the clinics' domains. No page may be framed, except the admin's own preview panel."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from tests.factories import ProcedurePageFactory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "q7Zr-" + "x9Kp2" * 12


def run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "clinic_site.settings.production",
            "SECRET_KEY": GOOD_KEY,
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deploy_check_finds_nothing_under_the_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (2 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_only_the_hsts_scope_checks_are_silenced():
    result = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SILENCED_SYSTEM_CHECKS)",
        ]
    )
    assert result.stdout.strip() == "['security.W005', 'security.W021']"


def test_hsts_preload_needs_subdomains_and_a_year():
    refused = run(["-c", "import django; django.setup()"], SECURE_HSTS_PRELOAD="true")
    assert refused.returncode != 0
    assert "SECURE_HSTS_PRELOAD needs SECURE_HSTS_INCLUDE_SUBDOMAINS=true" in refused.stderr
    accepted = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECURE_HSTS_PRELOAD="true",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_SECONDS=str(60 * 60 * 24 * 365),
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_pages_refuse_every_frame_but_the_admins_preview_panel(client, clinic_a, superuser):
    page = ProcedurePageFactory(parent=clinic_a.home_page)
    assert client.get(page.url, HTTP_HOST="ascpm.test")["X-Frame-Options"] == "DENY"
    client.force_login(superuser)
    assert client.get(reverse("wagtailadmin_home"))["X-Frame-Options"] == "DENY"
    preview = client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]), {"in_preview_panel": "true"})
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
