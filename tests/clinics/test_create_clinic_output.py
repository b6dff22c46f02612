"""The addresses development prints and mails name the port the server really listens on."""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command

from tests.support import PROJECT_ROOT, printed_by_settings


def create_clinic(*args):
    out = io.StringIO()
    call_command("create_clinic", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("port", "address"), [("8001", "http://port.test:8001/"), ("80", "http://port.test/")])
def test_create_clinic_prints_the_address_with_its_port_unless_it_is_80(port, address):
    output = create_clinic("--name", "Port Clinic", "--hostname", "port.test", "--port", port)
    assert f"Created clinic 'Port Clinic' at {address}\n" in output


def admin_base_url(**env):
    printed = printed_by_settings(
        "print(s.WAGTAILADMIN_BASE_URL)", DJANGO_SETTINGS_MODULE="clinic_site.settings.dev", **env
    )
    return printed[0]


def test_dev_admin_base_url_follows_the_port():
    assert admin_base_url() == "http://localhost:8000"
    assert admin_base_url(PORT="8001") == "http://localhost:8001"


def test_an_explicit_admin_base_url_wins_over_the_port():
    assert admin_base_url(PORT="8001", WAGTAILADMIN_BASE_URL="http://admin.test:9000") == "http://admin.test:9000"


def test_make_run_passes_its_port_to_the_server_and_creates_the_cache_table():
    make = shutil.which("make")
    assert make, "make is needed: `make run` is the documented way to start"
    result = subprocess.run(
        [make, "-n", "run", "PORT=8123"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout.splitlines()
    assert any(line.endswith("manage.py createcachetable") for line in commands)
    assert "PORT=8123 .venv/bin/python manage.py runserver 0.0.0.0:8123" in commands
