"""The processes of a bench run: gunicorn servers (2 sync workers each) and management commands, all on loopback.

Every server the bench starts is stopped by the bench (its own process group), whatever happens.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
LOOPBACK = "127.0.0.1"
WORKERS = 2
START_TIMEOUT = 60


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def secret_key():
    return secrets.token_urlsafe(64)


def base_env(**extra):
    """A clean environment for a child process: PATH and the values given, nothing inherited by accident."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    env.update({name: str(value) for name, value in extra.items() if value is not None})
    return env


def run(command, env, log, timeout=1800):
    """Run a command (a list) from the project root; its output goes to `log`; raise with its tail on failure."""
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(map(str, command))}\n".encode())
        out.flush()
        completed = subprocess.run(  # noqa: S603 - this repository's own commands
            [str(part) for part in command], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
        )
    if completed.returncode != 0:
        tail = "\n".join(Path(log).read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{command[:4]} failed ({completed.returncode}); log {log}:\n{tail}")


def manage(args, env, log, timeout=1800):
    return run([sys.executable, "manage.py", *args], env, log, timeout)


def django_admin(args, env, log, timeout=1800):
    return run([sys.executable, "-m", "django", *args], env, log, timeout)


def get(port, path, host, headers=None, timeout=10):
    """(status, headers dict, body bytes) of one GET, or (None, {}, b"") when nothing answers."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except OSError:
        return None, {}, b""
    finally:
        connection.close()


class Gunicorn:
    """One gunicorn with the shipped config (deploy/gunicorn.conf.py: sync workers, preloaded app), 2 workers."""

    def __init__(self, name, wsgi, env, log_dir):
        self.name, self.wsgi, self.port = name, wsgi, free_port()
        self.env = {**env, "GUNICORN_BIND": f"{LOOPBACK}:{self.port}", "GUNICORN_WORKERS": str(WORKERS)}
        self.log = Path(log_dir) / f"gunicorn-{name}.log"
        self.process = None

    def start(self):
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - gunicorn with this repository's config
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), self.wsgi],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait(self, path, host, headers=None):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} stopped at start-up:\n{self.log_tail()}")
            status, _headers, _body = get(self.port, path, host, headers, timeout=5)
            if status is not None:
                return status
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn {self.name} did not answer in {START_TIMEOUT}s:\n{self.log_tail()}")

    def url(self, path):
        return f"http://{LOOPBACK}:{self.port}{path}"

    def log_tail(self, lines=30):
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        # gunicorn's master stops its workers on SIGTERM; the group is ours alone (start_new_session).
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
