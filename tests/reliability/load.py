"""A bounded load client: simulated patients sending the "Leave a message" form to real servers on loopback.

Each patient has their own address (sent as X-Forwarded-For, which the servers trust with ANTISPAM_TRUSTED_PROXIES=1,
as they would the address nginx appends), their own email and a unique text, so neither flood limit (per address,
per email) is what a run measures. Their form token is issued as the page would issue it, ten seconds back (the
time trap's wait, without waiting). A patient whose answer is "try again" (503, 409, no answer) sends the same form
again, as the pages ask them to, a bounded number of times; every loop is bounded in count and in time.

`run_patients_in_one_thread` is the same client for the throughput figure, made cheap because it shares the
machine's cores with the servers it measures: each patient's complete form POST is encoded before the clock starts,
and one thread keeps `concurrency` of them in flight on non-blocking sockets (no thread per patient, no HTTP library)
and reads back only the status, the Location and, for a refusal, the page.

Afterwards the database is asked, and `Tally` counts: thanked, stored, lost (thanked but no row), duplicated (more
than one row of one patient), 500s and other answers, and the latency of each request.
"""

import heapq
import html
import http.client
import selectors
import socket
import string
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

from pages import antispam
from pages.patient_messages.forms import form_purpose
from tests.reliability.support import LOOPBACK

CSRF = "reliabilitysuitecsrftoken0123456"  # 32 characters: Django accepts the cookie's value itself in the form
RETRYABLE = {None, 409, 502, 503, 504}


def letters(number, width=5):
    """A number written in letters ("aaaab"): patients' texts must not look like phone numbers."""
    out = []
    for _ in range(width):
        number, digit = divmod(number, 26)
        out.append(string.ascii_lowercase[digit])
    return "".join(reversed(out))


@dataclass(frozen=True)
class Patient:
    number: int
    ip: str
    email: str
    name: str
    text: str
    token: str


def make_patients(page, count, run, first=0):
    """`count` patients of run `run` (letters) for `page`, numbered from `first`."""
    issued = time.time() - 10
    patients = []
    for number in range(first, first + count):
        tag = f"{run}{letters(number)}"
        patients.append(
            Patient(
                number=number,
                ip=f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}",
                email=f"patient.{tag}@example.org",
                name=f"Pat {tag.capitalize()}",
                text=f"Thank you for the visit, everything went well. Kind regards, {tag}.",
                # Each rendering of the form has its own nonce, hence its own token.
                token=antispam.issue_time_token(form_purpose(page.pk), now=issued),
            )
        )
    return patients


@dataclass
class Answer:
    status: int | None
    seconds: float
    started: float = 0.0  # time.monotonic() when the request was sent
    location: str = ""
    kept_text: bool = False  # a refusal that shows the patient's text again


@dataclass
class Target:
    """Where the form is posted: a server's port, the clinic's hostname and the page's path."""

    port: int
    host: str
    path: str

    @property
    def action(self):
        return self.path.rstrip("/") + "/messages/"


def post_form(target, patient, timeout=15):
    body = form_body(patient)
    headers = {
        "Host": target.host,
        "Cookie": f"csrftoken={CSRF}",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": patient.ip,
    }
    started = time.monotonic()
    connection = http.client.HTTPConnection(LOOPBACK, target.port, timeout=timeout)
    try:
        connection.request("POST", target.action, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read(2_000_000).decode(errors="replace")
        status, location = response.status, response.getheader("Location", "")
    except (OSError, http.client.HTTPException):
        return Answer(None, time.monotonic() - started, started)
    finally:
        connection.close()
    kept = status != 302 and html.escape(patient.text) in content
    return Answer(status, time.monotonic() - started, started, location, kept)


def form_body(patient):
    """The "Leave a message" form as the page's form sends it, filled in by `patient`."""
    return urlencode(
        {
            "csrfmiddlewaretoken": CSRF,
            "name": patient.name,
            "email": patient.email,
            "message": patient.text,
            "hp-website": "",
            "form-token": patient.token,
        }
    )


def raw_request(target, patient):
    """The bytes of `patient`'s whole form POST to `target`, headers as `post_form` sends them."""
    body = form_body(patient).encode()
    head = (
        f"POST {target.action} HTTP/1.1\r\nHost: {target.host}\r\nCookie: csrftoken={CSRF}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nX-Forwarded-For: {patient.ip}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def parse_answer(patient, raw, started, finished):
    """An Answer from a whole raw HTTP response (the server closed the connection after it)."""
    head, _, content = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return Answer(None, finished - started, started)
    status = int(parts[1])
    location = next((line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("location:")), "")
    kept = status != 302 and html.escape(patient.text) in content.decode(errors="replace")
    return Answer(status, finished - started, started, location, kept)


class _Exchange:
    """One request of one patient on its own non-blocking connection."""

    def __init__(self, index, run, request, port, timeout):
        self.index, self.run, self.request, self.sent, self.chunks = index, run, request, 0, []
        self.started = time.monotonic()
        self.expires = self.started + timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.connect_ex((LOOPBACK, port))


def run_patients_in_one_thread(target, patients, *, concurrency, max_seconds, attempts=40, pause=0.5, timeout=15):
    """What `run_patients` does for one target (every patient sends their form, "try again" answers are sent
    again after `pause`, up to `attempts` times, all within `max_seconds`), with one thread and raw sockets."""
    requests = [raw_request(target, patient) for patient in patients]
    runs = [PatientRun(patient) for patient in patients]
    selector = selectors.DefaultSelector()
    waiting = list(range(len(patients)))[::-1]  # patients whose next request may go now (popped from the end)
    retries = []  # (monotonic time, patient index) of requests to send again after a pause
    in_flight = {}
    started = time.monotonic()
    deadline = started + max_seconds

    def finish(exchange, answer):
        selector.unregister(exchange.sock)
        exchange.sock.close()
        del in_flight[exchange.sock]
        exchange.run.answers.append(answer)
        retry = answer.status in RETRYABLE and len(exchange.run.answers) < attempts
        if retry and time.monotonic() + pause <= deadline:
            heapq.heappush(retries, (time.monotonic() + pause, exchange.index))

    while waiting or retries or in_flight:
        now = time.monotonic()
        if now > deadline + timeout:
            break
        while retries and retries[0][0] <= now:
            waiting.append(heapq.heappop(retries)[1])
        while waiting and len(in_flight) < concurrency and now <= deadline:
            index = waiting.pop()
            exchange = _Exchange(index, runs[index], requests[index], target.port, timeout)
            in_flight[exchange.sock] = exchange
            selector.register(exchange.sock, selectors.EVENT_WRITE, exchange)
        if now > deadline:
            waiting.clear()
            retries.clear()
        if not in_flight:
            if retries:
                time.sleep(max(0.0, min(retries[0][0] - time.monotonic(), 0.5)))
            continue
        wait = min((exchange.expires for exchange in in_flight.values()), default=now + 0.5) - now
        if retries:
            wait = min(wait, retries[0][0] - now)
        for key, events in selector.select(timeout=max(0.0, min(wait, 0.5))):
            exchange = key.data
            try:
                if events & selectors.EVENT_WRITE:
                    exchange.sent += exchange.sock.send(exchange.request[exchange.sent :])
                    if exchange.sent == len(exchange.request):
                        selector.modify(exchange.sock, selectors.EVENT_READ, exchange)
                    continue
                chunk = exchange.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                finish(exchange, Answer(None, time.monotonic() - exchange.started, exchange.started))
                continue
            if chunk and sum(map(len, exchange.chunks)) < 2_000_000:
                exchange.chunks.append(chunk)
                continue
            finished = time.monotonic()
            finish(exchange, parse_answer(exchange.run.patient, b"".join(exchange.chunks), exchange.started, finished))
        now = time.monotonic()
        for exchange in [e for e in in_flight.values() if e.expires < now]:
            finish(exchange, Answer(None, now - exchange.started, exchange.started))
    for exchange in list(in_flight.values()):
        selector.unregister(exchange.sock)
        exchange.sock.close()
    selector.close()
    return runs, time.monotonic() - started


def is_thanks(answer):
    return answer.status == 302 and "/messages/thanks/" in answer.location


@dataclass
class PatientRun:
    patient: Patient
    answers: list = field(default_factory=list)

    @property
    def thanked(self):
        return any(is_thanks(answer) for answer in self.answers)

    @property
    def thanked_at(self):
        """When the thank-you answer arrived (time.monotonic()), or None."""
        return next((a.started + a.seconds for a in self.answers if is_thanks(a)), None)


def send_as_patient(target, patient, deadline, attempts=40, pause=0.5, timeout=15):
    """Post the form; on "try again", post the same form again after `pause`, up to `attempts` times or `deadline`."""
    run = PatientRun(patient)
    for _ in range(attempts):
        answer = post_form(target, patient, timeout=timeout)
        run.answers.append(answer)
        if answer.status not in RETRYABLE or time.monotonic() + pause > deadline:
            break
        time.sleep(pause)
    return run


def run_patients(targets, patients, *, concurrency, max_seconds, **send_options):
    """Every patient sends their form (to targets in turn), `concurrency` at a time, within `max_seconds`."""
    deadline = time.monotonic() + max_seconds
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [
            pool.submit(send_as_patient, targets[index % len(targets)], patient, deadline, **send_options)
            for index, patient in enumerate(patients)
        ]
        runs = [future.result(timeout=max_seconds + 60) for future in futures]
    return runs, time.monotonic() - started


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Tally:
    patients: int
    thanked: int
    stored: int
    lost: int
    duplicated: int
    statuses: Counter
    p50: float
    p95: float
    slowest: float
    refusals_without_text: int

    @property
    def server_errors(self):
        return self.statuses.get(500, 0)

    def line(self):
        counted = sorted(self.statuses.items(), key=str)
        answers = ", ".join(f"{status or 'no answer'}: {count}" for status, count in counted)
        return (
            f"{self.patients} patients, {self.thanked} thanked, {self.stored} stored, {self.lost} lost, "
            f"{self.duplicated} duplicated, {self.server_errors} x 500; answers {answers}; "
            f"p50 {self.p50 * 1000:.0f} ms, p95 {self.p95 * 1000:.0f} ms, slowest {self.slowest:.2f} s"
        )


def tally(runs):
    """What the patients got, against what the database holds (rows per patient email)."""
    from pages.patient_messages.models import PatientMessage

    emails = [run.patient.email for run in runs]
    rows = Counter(PatientMessage.objects.filter(author_email__in=emails).values_list("author_email", flat=True))
    answers = [answer for run in runs for answer in run.answers]
    latencies = [answer.seconds for answer in answers]
    refusals = [a for a in answers if a.status in (409, 503)]
    return Tally(
        patients=len(runs),
        thanked=sum(run.thanked for run in runs),
        stored=sum(1 for email in emails if rows[email]),
        lost=sum(1 for run in runs if run.thanked and not rows[run.patient.email]),
        duplicated=sum(1 for email in emails if rows[email] > 1),
        statuses=Counter(answer.status for answer in answers),
        p50=percentile(latencies, 0.5),
        p95=percentile(latencies, 0.95),
        slowest=max(latencies, default=0.0),
        refusals_without_text=sum(1 for a in refusals if not a.kept_text),
    )


class Background:
    """A function called again and again in a thread until stopped (or `max_seconds`), keeping what it returns."""

    def __init__(self, function, pause=0.05, max_seconds=120):
        self.function, self.pause, self.max_seconds = function, pause, max_seconds
        self.results = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            self.results.append((time.monotonic(), self.function()))
            self._stop.wait(self.pause)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)
