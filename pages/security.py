"""Staff login protection: throttled failed logins (django-axes) keyed by username and client address."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from pages.antispam import client_ip


def login_client_ip(request):
    """The client's address as the patient-facing forms see it, so both trust the same proxies."""
    return client_ip(request.META, settings.ANTISPAM_TRUSTED_PROXIES)


class LoginThrottleBackend(AxesStandaloneBackend, ModelBackend):
    """Refuses logins for a username and address that failed too often; otherwise defers to the next backend.

    django-axes insists on a request. `authenticate()` calls without one are not HTTP logins (management
    commands, test clients' login()), so there is no attacker to throttle: they go straight to the next backend.
    ModelBackend supplies get_user(), for sessions that name this backend (as force_login() does).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
