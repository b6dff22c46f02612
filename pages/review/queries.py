"""Which clinical pages are due for medical review: one query for every clinical page type's review dates.

Pages are those the user may edit (Wagtail's page permission policy, action "change"; superusers: all), so a clinic's
staff see their own clinic's pages and nothing about any other clinic. The review dates come from one query joining
every clinical page type, and the clinic of each row is matched in Python against one query of Sites.
"""

import datetime

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from wagtail.models import Page, get_page_models
from wagtail.permissions import policy_registry

from pages.content.mixins import MedicalReviewMixin

# "Due soon" means due within this many days; the report and the dashboard panel share it.
REVIEW_WINDOW_DAYS = 30


def page_permission_policy():
    return policy_registry.get_by_type(Page)


def can_review_clinical_pages(user):
    """Whether `user` may edit any page, and so may have clinical pages to keep reviewed.

    Answered from the user's page permissions, which Wagtail caches on the user for the request, so showing the menu
    item on every admin page costs no query of its own. Moderators (no page permissions) get False.
    """
    return bool(user.is_authenticated and page_permission_policy().user_has_permission(user, "change"))


def clinical_page_models():
    """Page types with a medical review, i.e. those using MedicalReviewMixin, that extend Page directly.

    Only direct subclasses: the review fields are then reachable from Page through one join each.
    """
    return [
        model for model in get_page_models() if issubclass(model, MedicalReviewMixin) and Page in model._meta.parents
    ]


def page_relation(model):
    """The name of the Page → `model` join (the reverse side of its `page_ptr` parent link)."""
    return model._meta.parents[Page].related_query_name()


def _review_field(name):
    fields = [F(f"{page_relation(model)}__{name}") for model in clinical_page_models()]
    return Coalesce(*fields) if len(fields) > 1 else fields[0]


def with_review_dates(pages, include_unreviewed=False):
    """`pages` (a Page queryset) narrowed to clinical pages and annotated with their review fields.

    Annotations: review_due, review_last, reviewer, reviewer_credentials, page_type_label. One query, whatever the
    number of clinical page types: each type's table is LEFT JOINed and exactly one of them matches a clinical page.
    Pages without a next review date (never reviewed) are left out unless `include_unreviewed`.
    """
    type_label = Case(
        *[
            When(**{f"{page_relation(model)}__isnull": False}, then=Value(str(model._meta.verbose_name).capitalize()))
            for model in clinical_page_models()
        ],
        default=Value(""),
        output_field=CharField(),
    )
    return (
        # An alias copies its original's content, review dates included: the original is the page to review.
        pages.filter(alias_of__isnull=True)
        .annotate(
            review_due=_review_field("next_review_due"),
            review_last=_review_field("last_reviewed"),
            reviewer=_review_field("reviewer__name"),
            reviewer_credentials=_review_field("reviewer__credentials"),
            page_type_label=type_label,
        )
        .filter(**({"page_type_label__gt": ""} if include_unreviewed else {"review_due__isnull": False}))
    )


def review_cutoff(today):
    return today + datetime.timedelta(days=REVIEW_WINDOW_DAYS)


def pages_due_for_review(user, today):
    """Clinical pages `user` may edit whose next review is overdue or due within REVIEW_WINDOW_DAYS of `today`.

    Review dates are those of the page as saved (its published version once published): a new review date in a
    draft counts once a medical reviewer publishes it.
    """
    return with_review_dates(editable_pages(user)).filter(review_due__lte=review_cutoff(today))


def editable_pages(user):
    return page_permission_policy().instances_user_has_permission_for(user, "change")


def review_schedule(user):
    """Every clinical page `user` may edit, with its review dates, those never reviewed included (for planning)."""
    return with_review_dates(editable_pages(user), include_unreviewed=True)


def describe_review_rows(pages, clinics, today):
    """Add what the listing shows to each page: its clinic, edit URL and whether its review is overdue."""
    for page in pages:
        clinic = clinics.for_path(page.path)
        page.clinic_name = clinic.name if clinic else ""
        page.edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        due = page.review_due
        page.review_overdue = due is not None and due < today
        page.review_due_soon = due is not None and not page.review_overdue and due <= review_cutoff(today)
        if due is None:
            page.review_status = "Not reviewed yet"
        else:
            page.review_status = "Overdue" if page.review_overdue else "Due soon" if page.review_due_soon else ""
    return pages
