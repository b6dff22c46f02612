"""The mark on a request whose public form came without its CSRF token (tokens.csrf_failure sets it).

A module of its own, in the top layer, so the page types that act on it need not import the view that sets it.
"""

TOKENS_REFUSED = "form_tokens_refused"


def tokens_refused(request):
    """Whether this POST's CSRF token was missing or wrong: show the form again, check and store nothing."""
    return bool(getattr(request, TOKENS_REFUSED, False))
