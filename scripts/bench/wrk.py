"""Running wrk and reading its report: requests per second, latency percentiles, errors.

Pure parsing here (unit-tested in tests/bench/); `run_wrk` is the one function that starts a process.
"""

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from statistics import median

THREADS = 2
CONNECTIONS = 8

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_DURATION = re.compile(r"^\s*([\d.]+)(us|ms|s|m)\s*$")
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", re.MULTILINE)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)(?:\.0+)?%\s+(\S+)\s*$", re.MULTILINE)


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed a report this module cannot read."""


def duration_ms(text):
    """A wrk duration ("812.00us", "1.23ms", "2.01s") in milliseconds."""
    match = _DURATION.match(text)
    if not match:
        raise WrkError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    non_2xx: int = 0
    socket_errors: int = 0
    latency_ms: dict = field(default_factory=dict)  # {"50": 1.2, "99": 4.0}

    @property
    def clean(self):
        """True when every answer was a 2xx/3xx and no connection failed: only then is the figure meaningful."""
        return self.non_2xx == 0 and self.socket_errors == 0 and self.requests > 0


def parse_wrk(output):
    """Read wrk's text report (run with --latency for the percentiles)."""
    rate = _RATE.search(output)
    total = _TOTAL.search(output)
    if not rate or not total:
        raise WrkError(f"wrk's report has no request rate:\n{output}")
    non_2xx = _NON_2XX.search(output)
    socket = _SOCKET.search(output)
    latency = {percent: duration_ms(value) for percent, value in _PERCENTILE.findall(output)}
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
        latency_ms=latency,
    )


def wrk_command(url, seconds, headers=(), threads=THREADS, connections=CONNECTIONS):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers:
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


def run_wrk(url, seconds, headers=()):
    if shutil.which("wrk") is None:
        raise WrkError("wrk is not installed (Debian package `wrk`; `make bench` installs it as root).")
    completed = subprocess.run(  # noqa: S603 - wrk with our own arguments
        wrk_command(url, seconds, headers), capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if completed.returncode != 0:
        raise WrkError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    return parse_wrk(completed.stdout)


@dataclass
class Rounds:
    """Every round of one target; the median is the figure reported."""

    results: list = field(default_factory=list)

    def add(self, result):
        self.results.append(result)

    @property
    def median_rps(self):
        return median(r.requests_per_second for r in self.results) if self.results else None

    @property
    def median_p50_ms(self):
        values = [r.latency_ms["50"] for r in self.results if "50" in r.latency_ms]
        return median(values) if values else None

    @property
    def clean(self):
        return bool(self.results) and all(r.clean for r in self.results)

    @property
    def errors(self):
        return sum(r.non_2xx + r.socket_errors for r in self.results)
