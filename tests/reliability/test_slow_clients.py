"""Ten slow clients against the shipped production setup: nginx in front of gunicorn (2 sync workers).

Straight to gunicorn, ten connections that send their request a byte at a time hold both workers, and a normal
request waits behind them; through nginx, which reads every request whole before handing it on, it answers at
once. Both are measured in the same run, against real processes on loopback ports.
"""

import subprocess

import pytest
from django.db import connection

from tests.factories import ClinicFactory
from tests.reliability import support

HOSTNAME = "ascpm.test"
# A normal request through the proxy answers within this many seconds while the slow clients trickle.
PROMPT = 2.0


@pytest.fixture
def servers(nginx_binary, tmp_path, db):
    """(nginx port, gunicorn port) of both servers, running on the test database (committed data only)."""
    app_port, proxy_port = support.free_port(), support.free_port()
    app = support.gunicorn(tmp_path, app_port, support.database_url(connection.settings_dict))
    proxy = support.nginx(tmp_path, proxy_port, app_port)
    try:
        app.start()
        app.wait_until_it_answers(app_port)
        proxy.start()
        proxy.wait_until_it_answers(proxy_port)
        yield proxy_port, app_port
    finally:
        proxy.stop()
        app.stop()


def test_the_shipped_nginx_config_is_valid(nginx_binary, tmp_path):
    site = tmp_path / "clinic.conf"
    site.write_text(support.render_nginx_site("127.0.0.1:8000", "127.0.0.1:8080", tmp_path))
    main = tmp_path / "nginx.conf"
    main.write_text(support.nginx_main_config(tmp_path, site))

    result = subprocess.run(  # noqa: S603
        [str(nginx_binary), "-t", "-c", str(main), "-p", f"{tmp_path}/", "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr


# Committed, for the servers to see; serialized_rollback puts back what migrations made (Wagtail's root page) after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_slow_clients_stop_gunicorn_but_not_the_site_behind_nginx(servers, tmp_path, figure):
    ClinicFactory(name="ASCPM", hostname=HOSTNAME, phone="(217) 555-0111")
    proxy_port, app_port = servers
    # The clinic's page through the proxy: its hostname (with the port) reaches the app as the browser sent it.
    assert support.timed_get(proxy_port, "/", f"{HOSTNAME}:{proxy_port}", timeout=10)[0] == 200

    with support.slow_clients(proxy_port, HOSTNAME):
        proxied_status, proxied_seconds = support.timed_get(proxy_port, "/", HOSTNAME, timeout=5)
    with support.slow_clients(app_port, HOSTNAME):
        direct_status, direct_seconds = support.timed_get(app_port, "/", HOSTNAME, timeout=PROMPT + 1)

    # The access log keeps paths, never query strings.
    assert support.timed_get(proxy_port, "/search/?q=sciatica", HOSTNAME, timeout=10)[0] == 200
    access_log = support.read_when_it_holds(tmp_path / "clinic.access.log", "GET /search/ ")
    assert "sciatica" not in access_log
    figure(
        f"A clinic page while 10 slow clients trickle: through nginx {proxied_status} in {proxied_seconds:.3f} s; "
        f"straight to gunicorn (2 sync workers) {direct_status or 'no answer'} after {direct_seconds:.3f} s"
    )
    assert proxied_status == 200
    assert proxied_seconds < PROMPT
    # The reference: without the proxy the same request is stuck behind the slow clients.
    assert direct_status is None or direct_seconds >= PROMPT


def post_announcing(size):
    return (
        f"POST /admin/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: {size}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
    ).encode()


def test_nginx_takes_an_admin_upload_but_refuses_a_larger_body_before_it_is_sent(servers):
    """client_max_body_size 12m: the admin's 10 MB uploads and their form; nginx's default (1 MB) would refuse them."""
    proxy_port, _app_port = servers
    megabyte = 1024 * 1024

    # nginx waits for the announced 11 MB body (none is sent), rather than refusing it.
    assert support.status_of_raw_request(proxy_port, post_announcing(11 * megabyte), timeout=2) is None
    assert support.status_of_raw_request(proxy_port, post_announcing(13 * megabyte)) == 413


NORMAL_REQUESTS = 30


def p95_of_normal_requests(port):
    """p95 (seconds) of NORMAL_REQUESTS page views one after another, and their statuses."""
    timings = [support.timed_get(port, "/", HOSTNAME, timeout=5) for _ in range(NORMAL_REQUESTS)]
    seconds = sorted(elapsed for _status, elapsed in timings)
    return seconds[int(0.95 * len(seconds)) - 1], {status for status, _elapsed in timings}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_slow_clients_leave_the_p95_of_normal_requests_through_nginx_unaffected(servers, figure):
    ClinicFactory(name="ASCPM", hostname=HOSTNAME, phone="(217) 555-0111")
    proxy_port, _app_port = servers
    support.timed_get(proxy_port, "/", HOSTNAME, timeout=10)  # warm

    quiet_p95, quiet_statuses = p95_of_normal_requests(proxy_port)
    with support.slow_clients(proxy_port, HOSTNAME, max_seconds=60):
        busy_p95, busy_statuses = p95_of_normal_requests(proxy_port)

    figure(
        f"p95 of {NORMAL_REQUESTS} page views through nginx: {quiet_p95 * 1000:.0f} ms alone, "
        f"{busy_p95 * 1000:.0f} ms while 10 slow clients trickle"
    )
    assert quiet_statuses == busy_statuses == {200}
    # Unaffected: within a fraction of a second of the quiet figure (a shared CI machine's noise), far from the
    # tens of seconds the same requests wait straight at gunicorn.
    assert busy_p95 < max(2 * quiet_p95, quiet_p95 + 0.3)
