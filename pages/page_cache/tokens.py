"""The per-visitor half of a public form: its CSRF token and its signed one-time token, kept out of the page HTML.

A page with a form is cached and shared, so its form comes with empty token fields. The script
clinic_site/static/js/form-tokens.js fills them from `/_form-tokens/?page=<id>` (this module's `form_tokens`) when
the visitor starts on the form, or when they send it: the one-time token's clock (the time trap) then starts when
the patient begins to type. That answer and the answers to POSTs are the only ones that set the CSRF cookie, and
they are `private, no-store`.

Without the script (switched off, blocked, or the request failed) the form is posted without tokens. Django's CSRF
check refuses it and calls `csrf_failure` (settings.CSRF_FAILURE_VIEW), which serves the same page route again with
`request.form_tokens_refused` set: the page checks and stores nothing, and shows the form again with everything
typed, fresh tokens inline and the usual "please send it again" message. The second press is an ordinary,
CSRF-checked POST. Any other CSRF failure (the admin, any other form) gets Django's own 403 page.
"""

from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.utils.cache import add_never_cache_headers
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.http import require_GET
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from pages import antispam
from pages.contact.models import ContactPage
from pages.page_cache.refusal import TOKENS_REFUSED
from pages.patient_messages.forms import form_purpose
from pages.patient_messages.page import PatientMessagesMixin


def form_page_of(request, page_id):
    """The live page with a form, `page_id`, on the request's own clinic site; None for anything else."""
    site = getattr(request, "_wagtail_site", None)
    if site is None or not page_id.isdigit():
        return None
    roots = [root.root_path for root in Site.get_site_root_paths() if root.site_id == site.pk]
    page = Page.objects.live().filter(pk=int(page_id)).only("pk", "url_path", "content_type").first()
    if page is None or not any(page.url_path.startswith(root) for root in roots):
        return None
    return page.specific


def token_purpose(request, page):
    """What the page's form signs into its token, or None when the page takes no form now."""
    if isinstance(page, PatientMessagesMixin):
        return form_purpose(page.pk) if page.messages_are_open(request) else None
    if isinstance(page, ContactPage):
        return page.form_purpose()
    return None


@require_GET
def form_tokens(request):
    """{"csrf": ..., "form_token": ...} for the form on page `?page=<id>` of this clinic; 404 for any other page."""
    page = form_page_of(request, request.GET.get("page", ""))
    purpose = token_purpose(request, page) if page is not None else None
    if purpose is None:
        raise Http404("No form on this page.")
    response = JsonResponse({"csrf": get_token(request), "form_token": antispam.issue_time_token(purpose)})
    add_never_cache_headers(response)
    return response


def csrf_failure(request, reason=""):
    """A public form posted without its CSRF token is shown again (see above); anything else gets Django's 403."""
    if (
        request.method == "POST"
        and getattr(request, "_wagtail_site", None) is not None
        and not request.path.startswith("/admin/")
        and antispam.SpamProtectedFormMixin.time_token_field_name in request.POST
    ):
        setattr(request, TOKENS_REFUSED, True)
        try:
            return wagtail_views.serve(request, request.path.lstrip("/"))
        except Http404:
            pass
    return django_csrf_failure(request, reason)
