"""Real servers for the reliability suite: gunicorn with the shipped config, nginx with the shipped site config, and
clients that misbehave on purpose. Loopback only; every wait and every loop is bounded in time.
"""

import http.client
import os
import pwd
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

from tests.support import PROJECT_ROOT

NGINX = Path("/usr/sbin/nginx")
NGINX_SITE_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "clinic.conf"
GUNICORN_CONFIG = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
LOOPBACK = "127.0.0.1"
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
START_TIMEOUT = 20


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def database_url(settings_dict):
    """The URL (DATABASE_URL) of the database this test process uses, for a server process to open the same one."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    # A Unix socket's folder is written percent-encoded where the host goes (postgres://user@%2Fvar%2Frun%2F...).
    host = quote(settings_dict["HOST"] or "localhost", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{settings_dict['NAME']}"


def render_nginx_site(app_server, listen, folder):
    """deploy/nginx/clinic.conf with its @NAME@ values filled, as an operator fills them; media and log in `folder`."""
    text = NGINX_SITE_TEMPLATE.read_text()
    values = {
        "APP_SERVER": app_server,
        "LISTEN": listen,
        "MEDIA_ROOT": Path(folder) / "media",
        "ACCESS_LOG": Path(folder) / "clinic.access.log",
    }
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    # Outside comments (which name the placeholders), none may be left.
    unfilled = [line for line in text.splitlines() if PLACEHOLDER.search(line.split("#")[0])]
    assert not unfilled, f"values of the template left unfilled: {unfilled}"
    return text


def nginx_main_config(folder, site_config):
    """A main nginx.conf of our own: in the foreground, with its pid, logs and buffers in `folder`."""
    return f"""
daemon off;
master_process on;
worker_processes 1;
user {pwd.getpwuid(os.getuid()).pw_name};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site_config};
}}
"""


class Server:
    """One child process with its log file; stopped (and waited for) whatever happens."""

    def __init__(self, name, command, log_path, env=None):
        self.name, self.command, self.log_path, self.env = name, command, Path(log_path), env
        self.process = None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own servers, from this repository's config
                self.command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines=30):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_it_answers(self, port, host="localhost"):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped at start-up:\n{self.log_tail()}")
            status, _elapsed = timed_get(port, "/healthz/", host, timeout=2)
            if status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /healthz/ in {START_TIMEOUT}s:\n{self.log_tail()}")


def _cpu_ticks(pid, reaped=False):
    """utime + stime of a process (fields 14 and 15 of /proc/PID/stat), plus those of its children that have ended
    (cutime + cstime, 16 and 17) when `reaped`; 0 for a process that is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(value) for value in fields[11 : 15 if reaped else 13])


def _children(pid):
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def cpu_seconds_of_children(server):
    """CPU seconds (user + system) the server's child processes (gunicorn's workers) have used so far (Linux)."""
    pid = server.process.pid
    return sum(_cpu_ticks(child) for child in _children(pid)) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_of_tree(pid):
    """CPU seconds a server process and all its children used so far, those that have ended included (Linux):
    PostgreSQL's postmaster with its backends, or a redis-server."""
    return (_cpu_ticks(pid, reaped=True) + sum(_cpu_ticks(child, reaped=True) for child in _children(pid))) / (
        os.sysconf("SC_CLK_TCK")
    )


def gunicorn(folder, port, database, workers=2, redis_url=None, env=None, name="gunicorn"):
    """gunicorn with deploy/gunicorn.conf.py on a loopback port, the test settings and the test's database.

    `redis_url` (else REDIS_URL of this process, if any) is its cache; `env` adds or replaces variables.
    """
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings.test",
        "DATABASE_URL": database,
        "GUNICORN_BIND": f"{LOOPBACK}:{port}",
        "GUNICORN_WORKERS": str(workers),
    }
    redis_url = redis_url or os.environ.get("REDIS_URL")
    if redis_url:
        environment["REDIS_URL"] = redis_url
    environment.update(env or {})
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), "clinic_site.wsgi:application"]
    return Server(name, command, Path(folder) / f"{name}.log", environment)


def nginx(folder, port, app_port):
    """nginx in the foreground on a loopback port, in front of gunicorn, with the shipped site config."""
    folder = Path(folder)
    site = folder / "clinic.conf"
    site.write_text(render_nginx_site(f"{LOOPBACK}:{app_port}", f"{LOOPBACK}:{port}", folder))
    main = folder / "nginx.conf"
    main.write_text(nginx_main_config(folder, site))
    command = [str(NGINX), "-c", str(main), "-p", f"{folder}/", "-e", str(folder / "error.log")]
    return Server("nginx", command, folder / "nginx.log")


def read_when_it_holds(path, text, timeout=3):
    """The file's text once it contains `text` (a server may write its log line just after answering)."""
    deadline = time.monotonic() + timeout
    while True:
        content = path.read_text() if path.exists() else ""
        if text in content or time.monotonic() > deadline:
            assert text in content, f"{path.name} never held {text!r}:\n{content[-2000:]}"
            return content
        time.sleep(0.1)


def timed_get(port, path, host, timeout):
    """(status, seconds) of one GET, or (None, seconds) when no answer came within `timeout`."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host})
        status = connection.getresponse().status
    except (TimeoutError, OSError, http.client.HTTPException):
        status = None
    finally:
        connection.close()
    return status, time.monotonic() - started


def status_of_raw_request(port, request, timeout=5):
    """The status code of the answer to `request` (bytes sent as they are), or None when none came."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as client:
        client.sendall(request)
        try:
            status_line = client.recv(64).split(b"\r\n", 1)[0]
        except TimeoutError:
            return None
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


@contextmanager
def slow_clients(port, host, count=10, interval=0.5, max_seconds=30):
    """`count` connections that each send one byte every `interval` seconds and never finish their request.

    Half trickle their headers; half send complete headers and trickle a form body. The body ones carry a CSRF
    cookie, so that Django's CSRF check reads the body (without the cookie it refuses before reading). Stopped on
    leaving the block, or after `max_seconds` at the latest.
    """
    sockets = []
    for number in range(count):
        client = socket.create_connection((LOOPBACK, port), timeout=5)
        if number % 2:
            start = f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Slow: "
        else:
            start = (
                f"POST / HTTP/1.1\r\nHost: {host}\r\nCookie: csrftoken={'a' * 32}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nbody="
            )
        client.sendall(start.encode())
        sockets.append(client)
    stop = threading.Event()

    def trickle():
        deadline = time.monotonic() + max_seconds
        while not stop.wait(interval) and time.monotonic() < deadline:
            for client in sockets:
                # A server that drops a slow client is doing what it should.
                with suppress(OSError):
                    client.send(b"a")

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        yield
    finally:
        stop.set()
        sender.join(timeout=5)
        for client in sockets:
            client.close()
