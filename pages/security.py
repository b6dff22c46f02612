"""Protections shared by several domains: staff accounts, error reports, and spreadsheet cells that cannot run as
formulas.

- Failed logins are throttled (django-axes) per username and address, per username and per address, each count
  with its own limit (LoginThrottleHandler), and a lockout ends on its own.
- A session ends after SESSION_IDLE_MINUTES without an action by the person; the admin's background pings do not
  count (IdleSessionMiddleware, BACKGROUND_ADMIN_PATHS).
- Password-reset emails are limited per address and per email address (ThrottledPasswordResetForm).
- Error reports carry no POST values (NoPostDataExceptionReporterFilter).
- `neutralise_spreadsheet_formula`: what a patient or editor typed, made safe to open in a spreadsheet (every
  admin CSV export goes through it, see pages/isolation/exports.py).
"""

import logging
import math
import time

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache as default_cache
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter
from wagtail.admin.forms.auth import PasswordResetForm

from pages.antispam import client_ip, rate_limit_key, take_rate_limit_slot

logger = logging.getLogger(__name__)


# --- Failed logins --------------------------------------------------------------------------------------------


def login_client_ip(request):
    """The client's address as the patient-facing forms see it, so both trust the same proxies."""
    return client_ip(request.META, settings.ANTISPAM_TRUSTED_PROXIES)


class LoginThrottleBackend(AxesStandaloneBackend, ModelBackend):
    """Refuses logins for a username, an address or a pair that failed too often; otherwise defers to the next one.

    django-axes insists on a request. `authenticate()` calls without one are not HTTP logins (management
    commands, test clients' login()), so there is no attacker to throttle: they go straight to the next backend.
    ModelBackend supplies get_user(), for sessions that name this backend (as force_login() does).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit for each lockout parameter (settings.LOGIN_FAILURE_LIMITS).

    Axes counts the recent failures for each entry of AXES_LOCKOUT_PARAMETERS and locks out when the largest count
    reaches AXES_FAILURE_LIMIT. Here each count has its own limit, so get_failures() answers on Axes' one scale:
    AXES_FAILURE_LIMIT less the attempts left before the nearest limit, which reaches AXES_FAILURE_LIMIT exactly
    when one of the counts reaches its own limit.
    """

    def get_failures(self, request, credentials=None):
        limits = [limit for _parameter, limit in settings.LOGIN_FAILURE_LIMITS]
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        attempts_left = min(limit - count for limit, count in zip(limits, counts, strict=True))
        return max(0, settings.AXES_FAILURE_LIMIT - attempts_left)

    def reset_user_attempts(self, request, credentials=None):
        """After a successful login, forget this username's failures from this address, and nothing else.

        Axes would clear everything the login matches: the username's failures from every address and the
        address's failures for every username. Someone with an account of their own could then reset their
        address's count by logging in between guesses at a colleague's password, and the real user logging in
        would wipe out what a guesser elsewhere had counted against her username.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a login attempt while locked out (AXES_LOCKOUT_CALLABLE): how long to wait, in words and in
    Retry-After."""
    seconds = int(get_cool_off(request).total_seconds())
    response = render(
        request,
        "account_locked.html",
        {"lockout_minutes": math.ceil(seconds / 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response


# --- Idle sessions --------------------------------------------------------------------------------------------

LAST_ACTIVITY_SESSION_KEY = "pages.security.last_activity"
IDLE_LOGOUT_MESSAGE = "For your security you were logged out after {minutes} minutes without activity."

# Requests the Wagtail admin (8.0) sends by itself while a page stays open, with no action by the person, as paths
# below the admin root. From wagtail/admin/urls/editing_sessions.py and the JavaScript that calls them (the form in
# wagtailadmin/shared/editing_sessions/module.html, on every edit view); tests/test_security_idle.py fails if
# Wagtail moves them.
BACKGROUND_ADMIN_PATHS = (
    # SessionController pings every WAGTAIL_EDITING_SESSION_PING_INTERVAL (10 s) while the tab is visible, and
    # each time the tab becomes visible again.
    "editing-sessions/ping/",
    # ActionController#sendBeacon on pagehide: the tab was closed or left.
    "editing-sessions/release/",
)
# Not listed because the person's own action sends them: autosave and preview-panel updates (only after the form
# changed), the page explorer, choosers and dismissibles (a click), and the icons and translations loaded with a
# page the person opened.


def is_background_request(request):
    admin_root = reverse("wagtailadmin_home")
    return request.path.startswith(tuple(admin_root + path for path in BACKGROUND_ADMIN_PATHS))


def _logged_in(request):
    # A visitor without a session cookie has no session key: their session is never loaded, so public pages
    # get no session and no "Vary: Cookie" from here.
    return request.session.session_key is not None and request.user.is_authenticated


class IdleSessionMiddleware:
    """Logs a session out after SESSION_IDLE_MINUTES without an action by the person.

    Every other request records its time in the session; background requests (BACKGROUND_ADMIN_PATHS) do not, so
    an editor tab left open does not keep its session alive. A request after too long a gap is answered as if
    nobody were logged in: the admin sends it to the login page, which says why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _logged_in(request):
            last_activity = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            idle_seconds = settings.SESSION_IDLE_MINUTES * 60
            if last_activity is not None and time.time() - last_activity >= idle_seconds:
                logout(request)
                messages.info(request, IDLE_LOGOUT_MESSAGE.format(minutes=settings.SESSION_IDLE_MINUTES))
        response = self.get_response(request)
        # After the view, which may have logged the person in or out.
        if _logged_in(request) and not is_background_request(request):
            request.session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
        return response


# --- Password reset -------------------------------------------------------------------------------------------


class ThrottledPasswordResetForm(PasswordResetForm):
    """Wagtail's password-reset form (WAGTAILADMIN_USER_PASSWORD_RESET_FORM) that sends no email past the limits.

    A refused request gets the same "check your email" page as any other, so the limits tell nobody whether an
    account exists, and a flood of requests cannot fill anybody's inbox.
    """

    def save(self, *args, request=None, **kwargs):
        if request is not None and not password_reset_allowed(request, self.cleaned_data["email"]):
            # Neither the address nor the email: the log must not become a list of who asked.
            logger.warning("Password reset email not sent: too many requests from one address or for one email.")
            return
        super().save(*args, request=request, **kwargs)


def password_reset_allowed(request, email, cache=None):
    """Count one password-reset request; False when its address or its email address asked too often lately.

    The address is counted first, so a flood from one address does not use up the email address's own allowance.
    """
    cache = cache or default_cache
    seconds = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    address_key = rate_limit_key("password-reset-address", login_client_ip(request), settings.SECRET_KEY)
    if not take_rate_limit_slot(cache, address_key, seconds=seconds, limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        return False
    # Django finds the accounts with a case-insensitive match, so "Jo@X.org" and "jo@x.org" share one count.
    email_key = rate_limit_key("password-reset-email", email.strip().lower(), settings.SECRET_KEY)
    return take_rate_limit_slot(cache, email_key, seconds=seconds, limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL)


# --- Error reports --------------------------------------------------------------------------------------------


class NoPostDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, with every POST value hidden on every request (DEFAULT_EXCEPTION_REPORTER_FILTER).

    As if every view had @sensitive_post_parameters(): what a patient or a member of staff typed into any form
    never reaches an error email or log, even from a view nobody thought to decorate. The patient-facing views
    are decorated as well, so they stay covered under Django's own filter.
    """

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for name in cleansed:
            cleansed[name] = self.cleansed_substitute
        return cleansed


# The first characters that make a spreadsheet read a cell as a formula, as OWASP's CSV injection guidance lists them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_spreadsheet_formula(value):
    """Stop text such as '=HYPERLINK(...)' running as a formula when a CSV file is opened in a spreadsheet.

    The cell keeps its text behind a leading apostrophe, which spreadsheets read as "this is text". Spreadsheets
    may drop leading spaces before they look for a formula, so ' =1+1' counts too. Safe to apply twice.
    """
    if isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_TRIGGERS)):
        return "'" + value
    return value
