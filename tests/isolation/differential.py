"""Without clinic B, a listing must read the same: what leaks without a name (counts, ids, rows)."""

import re
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from wagtail.admin.models import EditingSession
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Comment,
    ModelLogEntry,
    Page,
    PageLogEntry,
    Revision,
    UploadedFile,
    WorkflowState,
)

from pages.models import PatientMessage
from tests.isolation.responses import MAX_REDIRECTS, REDIRECTS, refused_location, response_text, take_flash_messages

Image = get_image_model()
Document = get_document_model()

# Parts of a page that differ between two renders whatever the data: CSRF tokens, relative times ("Just now" in one,
# "1 minute ago" in the other), the random keys of rich-text and StreamField blocks, and rendition file names.
VOLATILE = [
    (re.compile(r"(csrfmiddlewaretoken\W+value=\W*)[\w-]+"), r"\1<csrf>"),
    (re.compile(r"(csrf_?token\W+)[\w-]{20,}", re.IGNORECASE), r"\1<csrf>"),
    (re.compile(r"(<time\b[^>]*>).*?(</time>)", re.DOTALL), r"\1<time>\2"),
    (re.compile(r"\b\d+(?:\W|\\u00a0)+(?:second|minute|hour)s?(?:\W+ago)?\b"), "<time>"),
    (re.compile(r"\bjust now\b", re.IGNORECASE), "<time>"),
    (re.compile(r"((?:\\?&quot;|\\?\")key(?:\\?&quot;|\\?\"):\s*(?:\\?&quot;|\\?\"))\w{5}\b"), r"\1<key>"),
    # Renditions made again after a rollback get a new random suffix: example_fJmsrVk.max-165x165.jpg.
    (re.compile(r"(/media/[^\s\"']*?)_[A-Za-z0-9]{7}(\.)"), r"\1\2"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
]
DIFFERENTIAL_VARIANTS = {"", "csv export", "xlsx export", "id=all"}


def differential_cases(cases):
    """Cases whose answer must not depend on clinic B at all: listings, reports, exports, 'select all'.

    Not those naming clinic B's ids: once clinic B is gone, the ids themselves are invalid and the page rightly says so.
    """
    return [case for case in cases if not case.must_refuse and case.variant in DIFFERENTIAL_VARIANTS]


def normalised(text):
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def render(client, url):
    """'<status> <final url>' and the normalised text of what a GET of `url` ends on (admin redirects followed, as
    the checker follows them)."""
    take_flash_messages(client)
    response = client.get(url)
    hops = 0
    while response.status_code in REDIRECTS and hops < MAX_REDIRECTS:
        location = response["Location"]
        target = urlsplit(location)
        if target.netloc or not target.path.startswith("/admin/") or refused_location(location):
            break
        url, response, hops = location, client.get(location), hops + 1
    return f"{response.status_code} {url}", normalised(response_text(response, raw_spreadsheets=False))


def first_difference(before, after, context=70):
    """A short 'with clinic B: ... / without: ...' excerpt around the first difference."""
    start = next(
        (i for i, (x, y) in enumerate(zip(before, after, strict=False)) if x != y), min(len(before), len(after))
    )
    end_before, end_after = len(before), len(after)
    # Trim the common tail so the excerpt shows what differs.
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before, end_after = end_before - 1, end_after - 1

    def excerpt(text, end):
        snippet = text[max(start - context, 0) : min(max(end, start) + context, len(text), start + 4 * context)]
        return re.sub(r"\s+", " ", snippet)

    return f"with clinic B: …{excerpt(before, end_before)}… / without: …{excerpt(after, end_after)}…"


def empty_clinic(clinic):
    """Delete `clinic`'s content, keeping the clinic itself: its Site, home page, settings, collection, groups, staff
    and workflow. Callers do this in a savepoint and roll it back.

    The comparison is then between a clinic B with content and an empty clinic B, so what differs is clinic B's
    content showing through, not the mere number of clinics (which changes how Wagtail writes page links, for one).
    """
    from taggit.models import Tag

    home = Page.objects.get(pk=clinic.home.pk)
    page_ids = list(Page.objects.filter(path__startswith=home.path).values_list("pk", flat=True))
    str_ids = [str(pk) for pk in page_ids]
    page_ct = ContentType.objects.get_for_model(Page)
    # Rows that point at pages by id, without a foreign key: Wagtail keeps them when a page goes.
    WorkflowState.objects.filter(base_content_type=page_ct, object_id__in=str_ids).delete()
    Revision.objects.filter(base_content_type=page_ct, object_id__in=str_ids).delete()
    EditingSession.objects.filter(content_type=page_ct, object_id__in=str_ids).delete()
    PageLogEntry.objects.filter(page_id__in=page_ids).delete()
    ModelLogEntry.objects.filter(pk__in=[e.pk for e in clinic.log_entries if isinstance(e, ModelLogEntry)]).delete()
    Comment.objects.filter(page_id__in=page_ids).delete()
    FormSubmission.objects.filter(page_id__in=page_ids).delete()
    PatientMessage.objects.filter(site=clinic.site).delete()
    Redirect.objects.filter(site=clinic.site).delete()
    Page.objects.filter(path__startswith=home.path, depth__gt=home.depth).delete()
    Page.objects.filter(pk=home.pk).update(locked=False, locked_by=None, has_unpublished_changes=False)
    Image.objects.filter(collection__path__startswith=clinic.collection.path).delete()
    Document.objects.filter(collection__path__startswith=clinic.collection.path).delete()
    UploadedFile.objects.filter(uploaded_by_user__in=clinic.users.values()).delete()
    Tag.objects.filter(name__istartswith=clinic.prefix).delete()


def differential_problems(client, world, role, cases):
    """Render each case with clinic B's content and without; every difference is that content showing through.

    With clinic B, the renders are those the matrix test made (rendered here only when it did not run).
    """
    renders = {}
    for case in cases:
        renders[case.url] = world.renders.get((role, case.url))
        if renders[case.url] is None:
            with transaction.atomic():
                renders[case.url] = render(client, case.url)
                transaction.set_rollback(True)
            cache.clear()
    problems = []
    with transaction.atomic():
        empty_clinic(world.b)
        cache.clear()
        for case in cases:
            world.stats["requests GET"] += 1
            with transaction.atomic():
                (status_with, with_b), (status_without, without_b) = renders[case.url], render(client, case.url)
                transaction.set_rollback(True)
            if status_with != status_without:
                problems.append(
                    f"GET {case.url} [{case.description}]: answers {status_with} with clinic B, "
                    f"{status_without} without it"
                )
            elif with_b != without_b:
                problems.append(
                    f"GET {case.url} [{case.description}]: depends on clinic B's data: "
                    f"{first_difference(with_b, without_b)}"
                )
        transaction.set_rollback(True)
    cache.clear()
    return problems
