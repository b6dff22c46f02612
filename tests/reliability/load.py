"""A bounded load client: simulated patients sending the "Leave a message" form to real servers on loopback.

Each patient has their own address (sent as X-Forwarded-For, which the servers trust with ANTISPAM_TRUSTED_PROXIES=1,
as they would the address nginx appends), their own email and a unique text, so neither flood limit (per address,
per email) is what a run measures. Their form token is issued as the page would issue it, ten seconds back (the
time trap's wait, without waiting). A patient whose answer is "try again" (503, 409, no answer) sends the same form
again, as the pages ask them to, a bounded number of times; every loop is bounded in count and in time.

Afterwards the database is asked, and `Tally` counts: thanked, stored, lost (thanked but no row), duplicated (more
than one row of one patient), 500s and other answers, and the latency of each request.
"""

import html
import http.client
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
    body = urlencode(
        {
            "csrfmiddlewaretoken": CSRF,
            "name": patient.name,
            "email": patient.email,
            "message": patient.text,
            "hp-website": "",
            "form-token": patient.token,
        }
    )
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
