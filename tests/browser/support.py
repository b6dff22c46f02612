"""What the browser tests stand on: the demo server, Chromium's windows, screenshots, axe-core and a few admin moves.

The server is the one `make run` starts (dev settings, `seed_demo`, `runserver`), on a free port with its own SQLite
file and media folder, so the tests see the product as a developer does and change nothing of theirs.
"""

import email
import email.policy
import json
import os
import secrets
import shutil
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from pages import antispam

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # reported by the conftest as a missing requirement
    expect = sync_playwright = None

BASE_DIR = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots of every journey's steps and the server's log; README "Browser tests" names this folder.
ARTIFACTS = BASE_DIR / "test-artifacts" / "browser"

# Debian's Chromium as root in a container, on a closed network: without the last four flags it keeps trying to
# reach Google's services and floods the network with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

# The demo staff accounts' public password (README, pages/demo.py); the usernames are "<clinic>-<role>".
STAFF_PASSWORD = "clinic-staff-demo"  # noqa: S105
NETWORK_ADMIN = ("admin", "clinic-admin-demo")  # the demo's superuser (pages/demo/build.py)


@dataclass(frozen=True)
class Clinic:
    """A demo clinic as a patient sees it (pages/demo.py and pages/demo_content.py)."""

    name: str
    hostname: str
    phone: str


ASCPM = Clinic("ASCPM", "ascpm.localhost", "(217) 555-0144")
SPINAL = Clinic("Spinal Diagnostics", "spinaldiagnostics.localhost", "(309) 555-0172")

PROCEDURE_PATH = "/facet-joint-injections/"
RECOVERY_PATH = "/facet-joint-injections/what-to-expect-after/"
CONTACT_PATH = "/contact/"


def missing_requirements():
    """What the browser tests need and this machine lacks, each with how to get it."""
    missing = []
    if sync_playwright is None:
        missing.append("Playwright for Python (`.venv/bin/pip install -r requirements.txt`)")
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (Debian's packages: `apt-get install chromium chromium-driver`)")
    if not AXE_SCRIPT.exists():
        missing.append("axe-core (`npm ci --prefix tests/browser`, which needs Node.js and npm)")
    return missing


def unique_word(length=8):
    """Lower-case letters only: no digits, so the moderation rules never read it as a phone or record number."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(length))


# --- The server ----------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """`make run` in a temporary folder: migrate, seed_demo and runserver (dev settings), on a free port.

    Every browser window the tests open sends its own X-Forwarded-For address and the server trusts one proxy
    (ANTISPAM_TRUSTED_PROXIES=1), as behind a load balancer: each patient and each member of staff then has their
    own address, so the flood limits of the forms and of staff logins count per person, as they do in real life,
    and stay on.
    """

    start_timeout = 60
    # Machine settings of the developer's own environment that would change what the demo serves.
    ignored_environment = {"DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "PLATFORM_HOSTS", "CSRF_TRUSTED_ORIGINS"}

    def __init__(self, workdir, log_path):
        self.workdir = Path(workdir)
        self.log_path = Path(log_path)
        self.port = free_port()
        self.process = None
        self.env = {
            **{name: value for name, value in os.environ.items() if name not in self.ignored_environment},
            "DJANGO_SETTINGS_MODULE": "clinic_site.settings.dev",
            "DATABASE_URL": f"sqlite:///{self.workdir / 'db.sqlite3'}",
            "MEDIA_ROOT": str(self.workdir / "media"),
            "ANTISPAM_TRUSTED_PROXIES": "1",
            "WAGTAILADMIN_BASE_URL": f"http://localhost:{self.port}",
            # Every email the server sends is written into a file of its own folder, for `sent_emails`.
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.workdir / "emails"),
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True, text=True, **kwargs
        )

    def start(self):
        with self.log_path.open("w") as log:
            self.manage("migrate", "--noinput", stdout=log, stderr=subprocess.STDOUT)
            self.manage("seed_demo", "--port", str(self.port), stdout=log, stderr=subprocess.STDOUT)
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()  # the child has its own copy
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The demo server stopped at start-up:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise RuntimeError(f"The demo server did not answer /healthz/ in {self.start_timeout}s:\n{self.log_tail()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines=150):
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def url(self, clinic, path="/"):
        return f"http://{clinic.hostname}:{self.port}{path}"

    def admin_url(self, path=""):
        return f"http://localhost:{self.port}/admin/{path}"

    def query(self, code):
        """Run `code` (Python that sets `result`) against the server's database; returns `result` (JSON-able).

        Only for what no person in a journey could see: what was stored, and the addresses of another clinic's
        objects that a journey checks are refused.
        """
        script = f"import json\n{code}\nprint(json.dumps(result))"
        try:
            output = self.manage("shell", "--no-imports", "-c", script, capture_output=True).stdout
        except subprocess.CalledProcessError as error:
            raise AssertionError(f"The query failed:\n{script}\n{error.stderr}") from None
        return json.loads(output.strip().splitlines()[-1])

    def sent_emails(self):
        """Every email the server has sent so far, oldest first, as `email.message.EmailMessage`s."""
        folder = Path(self.env["EMAIL_FILE_PATH"])
        files = sorted(folder.glob("*.log"), key=lambda path: (path.stat().st_mtime_ns, path.name))
        # Django's file backend writes each message followed by a line of 79 dashes.
        return [
            email.message_from_bytes(raw.strip(b"\n"), policy=email.policy.default)
            for path in files
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
            if raw.strip()
        ]


# --- Windows, people and screenshots -------------------------------------------------------------------------------

# One documentation-range address per browser window (RFC 5737): each window is a different person.
_addresses = (f"{net}.{host}" for net in ("198.51.100", "203.0.113", "192.0.2") for host in range(1, 255))


def next_address():
    return next(_addresses)


class Screenshots:
    """Saves `<journey>-<viewport>-<NN>-<step>.png` into ARTIFACTS, numbered in the order of the steps.

    What a person sees: the window, scrolled to put `show` (a locator) at its top when given.
    """

    def __init__(self, journey, viewport):
        self.journey = journey
        self.viewport = viewport
        self.numbers = count(1)

    def __call__(self, page, step, show=None):
        if show is not None:
            show.evaluate("element => element.scrollIntoView({block: 'start'})")
        path = ARTIFACTS / f"{self.journey}-{self.viewport}-{next(self.numbers):02d}-{step}.png"
        page.screenshot(path=path)
        return path


def reset_artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)


# --- Forms filled in as a person does ------------------------------------------------------------------------------

# The time traps refuse (contact form) or file as spam (patient messages) a form sent sooner than this after it was
# shown. People take longer; the tests wait it out rather than turn the check off.
FORM_FILL_SECONDS = max(
    antispam.SpamPolicy.from_settings("PATIENT_MESSAGE").min_seconds,
    antispam.SpamPolicy.from_settings("CONTACT").min_seconds,
)


class FormTimer:
    """Started when a form is shown (its tokens are fetched as the visitor starts on it, or come with an answer
    that shows it again); `wait()` before sending it lets the time trap's minimum pass."""

    def __init__(self):
        self.shown_at = time.monotonic()

    def wait(self):
        # The token's timestamp is rounded down to the second at rendering, before the page loaded: waiting the
        # minimum from here is always enough. The small margin absorbs clock differences between the processes.
        remaining = FORM_FILL_SECONDS + 0.2 - (time.monotonic() - self.shown_at)
        if remaining > 0:
            time.sleep(remaining)


def open_form(page, url):
    """Go to a page with a form; returns the FormTimer of the form just shown."""
    page.goto(url)
    return FormTimer()


@dataclass(frozen=True)
class Patient:
    """Someone new: a name and an email address no other test uses, and `word`, to put in what they write."""

    word: str
    name: str
    email: str

    @classmethod
    def new(cls, first_name="Ada"):
        word = unique_word()
        return cls(word, f"{first_name} {word.capitalize()}", f"{first_name.lower()}.{word}@example.org")


def messages_section(page):
    return page.get_by_role("region", name="Messages from patients")


def fill_message_form(page, *, name, email, text):
    section = messages_section(page)
    section.get_by_role("textbox", name="Name", exact=True).fill(name)
    section.get_by_role("textbox", name="Email", exact=True).fill(email)
    section.get_by_role("textbox", name="Message", exact=True).fill(text)


def expect_message_thanks(page):
    expect(page.get_by_role("heading", name="Thank you for your message", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your message is waiting for the clinic to check it")


def leave_message(page, url, patient, text):
    """The whole "Leave a message" form, sent at a person's pace; ends on the thank-you page."""
    timer = open_form(page, url)
    fill_message_form(page, name=patient.name, email=patient.email, text=text)
    timer.wait()
    messages_section(page).get_by_role("button", name="Send message").click()
    expect_message_thanks(page)


def stored_messages(server, email):
    """(status, flags, body) of every message sent with `email`, as the server stored them."""
    code = (
        "from pages.models import PatientMessage\n"
        f"result = list(PatientMessage.objects.filter(author_email={email!r}).values_list('status', 'flags', 'body'))"
    )
    return [tuple(row) for row in server.query(code)]


# --- The admin -----------------------------------------------------------------------------------------------------


def log_in(page, server, username, password=STAFF_PASSWORD):
    page.goto(server.admin_url("login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Signed in: the dashboard, and no login form any more.
    expect(page).to_have_url(server.admin_url())
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def open_admin_menu(page, name):
    """Click an item of the admin's main menu; on a phone the menu is folded away behind "Toggle sidebar"."""
    toggle = page.get_by_role("button", name="Toggle sidebar")
    expect(toggle).to_be_visible()  # the sidebar is drawn by script: wait for it
    item = page.get_by_role("navigation", name="Main menu").get_by_role("link", name=name, exact=True)
    if not item.is_visible():
        toggle.click()
    item.click()


def assert_refused(page, url, *hidden_texts):
    """Opening `url` is refused (403, 404, or Wagtail's permission redirect) and shows none of `hidden_texts`."""
    response = page.goto(url)
    refused = response.status in (403, 404) or page.url != url
    assert refused, f"{url} answered {response.status} to a user who must not see it"
    if page.url != url:
        expect(page.get_by_text("Sorry, you do not have permission to access this area.")).to_be_visible()
    for text in hidden_texts:
        expect(page.get_by_text(text)).to_have_count(0)


# --- Accessibility -------------------------------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


def axe_violations(page):
    """axe-core's violations of serious or critical impact on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("tags => window.axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [violation for violation in results["violations"] if violation["impact"] in FAILING_IMPACTS]


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} - {violation['helpUrl']}")
        lines.extend(f"    {', '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(page, what):
    violations = axe_violations(page)
    assert not violations, f"axe-core: serious or critical problems on {what}:\n{describe_violations(violations)}"
