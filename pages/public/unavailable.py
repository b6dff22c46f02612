"""The answer when the database does not answer: a 503 with Retry-After instead of "Something went wrong".

Django's 500 handler (clinic_site/urls.py `handler500`) runs inside the failed request's `except`, so it can tell a
database that is restarting, unreachable or that cancelled a query waiting for a lock (PostgreSQL's
statement_timeout, which gunicorn's config sets below its worker timeout) from a bug. Such a request is answered
503 with Retry-After; a "Leave a message" form that failed this way comes back with everything the patient typed
and its hidden tokens, posting to the same address, so pressing Send again sends it once it can be stored (the
database's unique form token makes a resend of a stored message a thank-you, never a second copy).

Nothing here reads the database or the cache; the template is rendered without context processors.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

RETRY_AFTER_SECONDS = 5
# The fields of the message form the page shows as fields; every other posted value is carried back hidden.
SHOWN_FIELDS = ("name", "email", "message", "reply_notice")
MAX_CARRIED_VALUES = 20


def database_is_away(error):
    return isinstance(error, (OperationalError, InterfaceError))


def posted_form(request):
    """The posted "Leave a message" form's values, or None when this request carried none."""
    if request.method != "POST":
        return None
    try:
        data = request.POST
    except Exception:
        return None  # a body Django refuses to read (too many fields, broken encoding): nothing to hand back
    if "message" not in data:
        return None
    hidden = [(name, value) for name, value in data.items() if name not in SHOWN_FIELDS][:MAX_CARRIED_VALUES]
    return {
        "message_form": True,
        "action": request.path,
        "hidden": hidden,
        **{name: data.get(name, "") for name in SHOWN_FIELDS},
    }


def service_unavailable(request):
    context = posted_form(request) or {"message_form": False}
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: 503 for a database that is away, Django's own 500 page for anything else."""
    if database_is_away(sys.exc_info()[1]):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)
