"""A real `varnishd` with the shipped VCL (deploy/varnish/default.vcl) in front of a live test server.

The VCL is used as it is, with only its backend's port and address pointed at the test server. Without varnishd
the tests that need it are skipped, saying why; under CI they fail instead, so CI cannot pass without them.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def require_varnishd():
    if not Path(VARNISHD).exists():
        message = (
            "varnishd is missing: the edge-cache tests were NOT run. Install Debian's varnish "
            "(`apt-get install varnish`; `make test` does so as root)."
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {message}", pytrace=False)
        pytest.skip(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vcl_for(backend_host, backend_port):
    """The shipped VCL with its backend pointed at the test server; nothing else is changed."""
    text = VCL.read_text()
    text, count = re.subn(
        r'(backend app \{\s*\.host = )"[^"]*";(\s*\.port = )"[^"]*";', rf'\1"{backend_host}";\2"{backend_port}";', text
    )
    assert count == 1, "the VCL's backend block changed: update tests/page_cache/varnish.py"
    return text


class Varnish:
    """One varnishd process listening on 127.0.0.1:`port`."""

    def __init__(self, backend_host, backend_port):
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-varnish-"))
        self.port = free_port()
        vcl = self.folder / "default.vcl"
        vcl.write_text(vcl_for(backend_host, backend_port))
        command = [VARNISHD, "-F", "-j", "none", "-a", f"127.0.0.1:{self.port}", "-f", str(vcl)]
        command += ["-n", str(self.folder / "work"), "-s", "malloc,32m", "-p", "ban_lurker_sleep=0.01"]
        self.log = open(self.folder / "varnishd.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)  # noqa: S603
        self.wait_until_listening()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_until_listening(self, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd stopped: {(self.folder / 'varnishd.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("varnishd did not start listening")

    def request(self, method, path, host, headers=None, body=None, source="127.0.0.1"):
        """(status, headers dict with lower-case names, body text) of one request through Varnish."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(source, 0))
        try:
            connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        finally:
            connection.close()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)
