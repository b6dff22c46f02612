"""Services of the suite's own that the fault scenarios stop, restart and freeze: never the machine's shared ones.

- `OwnPostgres`: a PostgreSQL 15 cluster in a temporary folder on its own port, run as the `postgres` user
  (initdb and pg_ctl from /usr/lib/postgresql/15/bin). `restart()` is `pg_ctl restart -m fast`, which is what
  `pg_ctlcluster 15 main restart` does to a Debian production cluster (fast mode: open sessions are ended).
- `OwnRedis`: a redis-server on its own loopback port, without persistence; `freeze()` is `kill -STOP`.
- `SmtpSink`: a small SMTP server that keeps every message it receives; `down()` closes its port (connections are
  refused, as when the mail server is stopped) and `up()` opens it again.

Each stops whatever happens (the fixtures call `stop()` in `finally`); a frozen Redis is thawed first.
"""

import os
import pwd
import shutil
import signal
import socketserver
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from tests.reliability.support import LOOPBACK, Server, free_port

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
WAIT = 30


def postgres_missing():
    """Why the suite cannot run a PostgreSQL cluster of its own here, or None when it can."""
    if not (POSTGRES_BIN / "pg_ctl").exists():
        return f"{POSTGRES_BIN}/pg_ctl is missing (Debian's postgresql-15)"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no user 'postgres' to run the cluster as"
    if os.getuid() != 0 and pwd.getpwuid(os.getuid()).pw_name != "postgres":
        return "only root or the user 'postgres' can run the cluster"
    return None


def redis_missing():
    return None if Path(REDIS_SERVER).exists() else "redis-server is missing (Debian's redis-server)"


class OwnPostgres:
    """A throw-away PostgreSQL 15 cluster; its Unix socket is in its folder (`host`), the port is its own."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.host = str(self.folder)
        self.log = self.folder / "postgres.log"
        user = pwd.getpwnam("postgres")
        os.chown(self.folder, user.pw_uid, user.pw_gid)

    def _run(self, *command, timeout=WAIT):
        prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        return subprocess.run(  # noqa: S603 - PostgreSQL's own tools on our own folder
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, check=True
        )

    def _pg_ctl(self, *arguments, timeout=WAIT):
        return self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", str(timeout), *arguments)

    def start(self):
        if not self.data.exists():
            self._run(
                str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync",
            )  # fmt: skip
        # Durability is not what is tested here; fsync off makes the suite's migrations fast.
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        self._pg_ctl("-l", str(self.log), "-o", options, "start")

    def restart(self):
        """`pg_ctl restart -m fast`: every session is ended, the server is down for a moment and comes back."""
        # -l again: without it the restarted server would write to pg_ctl's output, which is never closed.
        self._pg_ctl("-l", str(self.log), "-m", "fast", "restart")

    @property
    def pid(self):
        """The postmaster's process id (the first line of postmaster.pid)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def is_running(self):
        try:
            self._pg_ctl("status", timeout=5)
        except subprocess.CalledProcessError:
            return False
        return True

    def stop(self):
        try:
            if self.is_running():
                self._pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def hold_lock(self, database, table, seconds):
        """Hold `LOCK TABLE table IN ACCESS EXCLUSIVE MODE` for `seconds` in a session of our own (a thread)."""
        import psycopg

        locked = threading.Event()

        def hold():
            session = psycopg.connect(host=self.host, port=self.port, dbname=database, user="postgres")
            with session, session.transaction():
                session.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
                locked.set()
                time.sleep(seconds)

        holder = threading.Thread(target=hold, daemon=True)
        holder.start()
        assert locked.wait(WAIT), "the table lock was not taken"
        return holder


class OwnRedis(Server):
    """redis-server on a loopback port of its own, without persistence."""

    def __init__(self, folder):
        self.port = free_port()
        command = [
            REDIS_SERVER, "--port", str(self.port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no",
            "--dir", str(folder),
        ]  # fmt: skip
        super().__init__("redis", command, Path(folder) / "redis.log")
        self.frozen = False

    @property
    def url(self):
        return f"redis://{LOOPBACK}:{self.port}/0"

    def wait_until_it_answers(self):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.1)
        raise RuntimeError(f"redis-server did not answer in {WAIT}s:\n{self.log_tail()}")

    def ping(self):
        import redis

        try:
            return redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=1, socket_connect_timeout=1).ping()
        except (redis.RedisError, OSError):
            return False

    def freeze(self):
        self.frozen = True
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
        self.frozen = False

    def stop(self):
        self.thaw()  # a stopped process ignores SIGTERM until it is continued
        super().stop()


class _SmtpHandler(socketserver.StreamRequestHandler):
    timeout = 10

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline(1000)
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                self.reply("354 go ahead")
                self.server.sink.keep(self.read_data())
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")

    def read_data(self):
        lines = []
        for _ in range(100_000):  # bounded: a notification is a few dozen lines
            line = self.rfile.readline(10_000)
            if not line or line == b".\r\n":
                break
            lines.append(line)
        return b"".join(lines).decode(errors="replace")


class _SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    """An SMTP server on a loopback port that keeps what it receives (`messages`)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self._lock = threading.Lock()
        self._server = None

    def keep(self, message):
        with self._lock:
            self.messages.append(message)

    def up(self):
        self._server = _SmtpServer((LOOPBACK, self.port), _SmtpHandler)
        self._server.sink = self
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def down(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    stop = down
