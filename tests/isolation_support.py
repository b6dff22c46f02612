"""The clinic isolation matrix's machinery (used by tests/test_isolation_matrix.py).

- the world: two clinics built by the real onboarding code, each with one object of every kind. Every string of
  clinic B carries the marker "Zebra-B" (titles, names, hostname, usernames, tags, labels), so a response that shows
  anything of clinic B's contains it;
- the cases: every admin URL pattern Django's resolver knows, its parameters filled with clinic B's objects by
  parameter name and URL namespace (or the model its view names). A pattern whose parameters cannot be filled is
  reported, never skipped, so a new admin view is checked the day it is added;
- the checks: no marker in any response (HTML, JSON, CSV, XLSX cells, headers, flash messages), URLs naming a
  clinic-B object refused, clinic B's rows unchanged and nothing created from them after every request;
- the crawl: the admin links a user is shown, breadth-first from the dashboard;
- the comparison: listings, reports and exports rendered with and without clinic B's content must read the same
  (what leaks without a name: counts, ids, rows).
"""

import datetime
import html
import io
import re
import struct
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import openpyxl
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404
from django.utils import timezone
from taggit.managers import TaggableManager
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Comment,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    ModelLogEntry,
    Page,
    PageLogEntry,
    PageSubscription,
    PageViewRestriction,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
    get_page_models,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.workflows import get_task_types
from wagtail_factories import DocumentFactory, ImageFactory

from pages.models import ClinicSettings, ContactFormField, PatientMessage
from tests.factories import (
    ClinicFactory,
    ContactPageFactory,
    PatientMessageFactory,
    ProcedurePageFactory,
    RecoveryGuidancePageFactory,
    UserFactory,
    role_user,
)

Image = get_image_model()
Document = get_document_model()
User = get_user_model()

ROLES = ("editors", "medical reviewers", "moderators")

# Every string of clinic B starts with B_PREFIX; MARKER finds it however a template escaped the hyphen (escapejs
# writes "\u002D", some attribute encoders "&#45;").
A_PREFIX = "Aardvark-A"
B_PREFIX = "Zebra-B"
MARKER = re.compile(r"zebra(?:-|\\u002d|&#45;|&#x2d;|%2d)b(?:[\w-]|\\u002d)*", re.IGNORECASE)
# Searches use this word: it finds clinic B's objects, and a page echoing the query back shows no marker.
SEARCH_TERM = "Zebra"
HIJACK = "Hijacked"

# --- The world --------------------------------------------------------------------------------------------------


@dataclass
class ClinicWorld:
    """One clinic and one object of every kind it can own."""

    prefix: str
    onboarding: object  # pages.onboarding.ClinicResult
    users: dict
    home: Page
    procedure: Page
    recovery: Page
    contact: Page
    alias: Page
    revisions: dict  # name -> Revision: published, draft, scheduled, in_review
    image: object
    document: object
    submission: FormSubmission
    message: PatientMessage
    redirect: Redirect
    comment: Comment
    editing_session: EditingSession
    uploaded_image: UploadedFile
    uploaded_document: UploadedFile
    workflow_state: WorkflowState
    task_state: TaskState
    log_entries: list

    @property
    def site(self):
        return self.onboarding.site

    @property
    def collection(self):
        return self.onboarding.collection

    @property
    def settings(self):
        return self.onboarding.settings

    @property
    def groups(self):
        return self.onboarding.groups

    @property
    def workflow(self):
        return self.workflow_state.workflow

    @property
    def task(self):
        return self.task_state.task.specific

    @property
    def pages(self):
        return {
            "home": self.home,
            "procedure": self.procedure,
            "recovery": self.recovery,
            "contact": self.contact,
            "alias": self.alias,
        }

    def objects(self):
        """(kind, instance) for everything this clinic owns: what the matrix counts and looks objects up in."""
        found = [(f"{name} page", page) for name, page in self.pages.items()]
        found += [(f"{name} revision", revision) for name, revision in self.revisions.items()]
        found += [(f"{role} user", user) for role, user in self.users.items()]
        found += [(f"{role} group", group) for role, group in self.groups.items()]
        found += [
            ("site", self.site),
            ("collection", self.collection),
            ("clinic settings", self.settings),
            ("image", self.image),
            ("document", self.document),
            ("form submission", self.submission),
            ("patient message", self.message),
            ("redirect", self.redirect),
            ("page comment", self.comment),
            ("editing session", self.editing_session),
            ("uploaded image file", self.uploaded_image),
            ("uploaded document file", self.uploaded_document),
            ("workflow", self.workflow),
            ("workflow task", self.task),
            ("workflow state", self.workflow_state),
            ("task state", self.task_state),
        ]
        found += [(f"audit entry ({entry.action})", entry) for entry in self.log_entries]
        return found

    def instances_of(self, model):
        return [obj for _kind, obj in self.objects() if isinstance(obj, model)]


@dataclass
class World:
    a: ClinicWorld
    b: ClinicWorld
    superuser: object
    stats: Counter = field(default_factory=Counter)
    # (role, url) -> what the matrix saw on listings, so the differential check renders them only without clinic B.
    renders: dict = field(default_factory=dict)


def tiny_png():
    """A valid 1x1 PNG, small enough to build per request."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def build_clinic(prefix):
    """A clinic named "<prefix>-Clinic" with one object of every kind, each named after `prefix`."""
    slug = prefix.lower()
    onboarding = ClinicFactory(name=f"{prefix}-Clinic", hostname=f"{slug}-clinic.test")
    users = {role: role_user(onboarding, role) for role in ROLES}
    editor, reviewer, moderator = (users[role] for role in ROLES)
    home = onboarding.home_page

    procedure = ProcedurePageFactory(parent=home, title=f"{prefix}-ProcedurePage", slug=f"{slug}-procedure")
    recovery = RecoveryGuidancePageFactory(parent=procedure, title=f"{prefix}-RecoveryPage", slug=f"{slug}-recovery")
    contact = ContactPageFactory(
        parent=home,
        title=f"{prefix}-ContactPage",
        slug=f"{slug}-contact",
        fields=[("Your name", "singleline", True), (f"{prefix}-Question", "singleline", False)],
    )
    # An alias (a page mirroring another): the object of the "convert alias" view.
    alias = contact.create_alias(update_slug=f"{slug}-contact-alias", user=reviewer)

    revisions = {}
    # Published, then a newer draft: the draft title is only in the revision, never live.
    revisions["published"] = procedure.save_revision(user=editor)
    revisions["published"].publish(user=reviewer)
    procedure.title = f"{prefix}-ProcedurePage-Draft"
    revisions["draft"] = procedure.save_revision(user=editor)
    procedure.refresh_from_db()
    # A change scheduled to go live later: the unschedule view's object.
    home.title = f"{prefix}-Clinic-Scheduled"
    revisions["scheduled"] = home.save_revision(
        user=reviewer, approved_go_live_at=timezone.now() + datetime.timedelta(days=365)
    )
    home.refresh_from_db()
    # In the clinic's medical review, waiting for its reviewers.
    recovery.title = f"{prefix}-RecoveryPage-InReview"
    revisions["in_review"] = recovery.save_revision(user=editor)
    recovery.refresh_from_db()
    workflow_state = recovery.get_workflow().start(recovery, editor)
    task_state = workflow_state.current_task_state
    # Locked by a reviewer: the locked-pages report and dashboard panel list it.
    contact.locked, contact.locked_by, contact.locked_at = True, reviewer, timezone.now()
    contact.save(update_fields=["locked", "locked_by", "locked_at"])
    log(contact, "wagtail.lock", user=reviewer)

    comment = Comment.objects.create(
        page=procedure,
        user=editor,
        text=f"{prefix}-Comment",
        contentpath="title",
        revision_created=revisions["draft"],
    )

    image = ImageFactory(collection=onboarding.collection, title=f"{prefix}-Image", uploaded_by_user=editor)
    image.tags.add(f"{slug}-imagetag")
    document = DocumentFactory(
        collection=onboarding.collection,
        title=f"{prefix}-Document",
        uploaded_by_user=editor,
        file=ContentFile(f"{prefix}-DocumentContent".encode(), name=f"{slug}-document.txt"),
    )
    document.tags.add(f"{slug}-doctag")
    uploaded_image = UploadedFile.objects.create(
        file=ContentFile(tiny_png(), name=f"{slug}-upload.png"),
        for_content_type=ContentType.objects.get_for_model(Image),
        uploaded_by_user=editor,
    )
    uploaded_document = UploadedFile.objects.create(
        file=ContentFile(f"{prefix}-UploadContent".encode(), name=f"{slug}-upload.txt"),
        for_content_type=ContentType.objects.get_for_model(Document),
        uploaded_by_user=editor,
    )

    question = ContactFormField.objects.get(page=contact, label=f"{prefix}-Question").clean_name
    submission = FormSubmission.objects.create(
        page=contact, form_data={"your_name": f"{prefix}-Submitter", question: f"{prefix}-SubmissionAnswer"}
    )
    message = PatientMessageFactory(
        page=procedure,
        author_name=f"{prefix}-Patient",
        body=f"{prefix}-MessageBody: the injection helped.",
        reply=f"{prefix}-Reply: thank you.",
        status="pending",
    )
    redirect = Redirect.objects.create(site=onboarding.site, old_path=f"/{slug}-old-path", redirect_page=procedure)
    editing_session = EditingSession.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(procedure.pk),
        last_seen_at=timezone.now(),
    )

    # Audit entries of every family the admin shows: page actions (publish, workflow, lock above) and model entries.
    log(image, "wagtail.edit", user=editor)
    log(document, "wagtail.edit", user=editor)
    log(onboarding.settings, "wagtail.edit", user=reviewer)
    # A message's own label is "Message #n on page #m" (no patient data); the marker names the entry in the report.
    log(message, "wagtail.edit", user=moderator, title=f"{prefix}-MessageLogEntry")
    log_entries = list(PageLogEntry.objects.filter(page__in=[home, procedure, recovery, contact, alias]))
    for obj in (image, document, onboarding.settings, message):
        log_entries += ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )

    return ClinicWorld(
        prefix=prefix,
        onboarding=onboarding,
        users=users,
        home=home.specific,
        procedure=procedure.specific,
        recovery=recovery.specific,
        contact=contact.specific,
        alias=alias.specific,
        revisions=revisions,
        image=image,
        document=document,
        submission=submission,
        message=message,
        redirect=redirect,
        comment=comment,
        editing_session=editing_session,
        uploaded_image=uploaded_image,
        uploaded_document=uploaded_document,
        workflow_state=workflow_state,
        task_state=task_state,
        log_entries=log_entries,
    )


def build_world():
    a = build_clinic(A_PREFIX)
    b = build_clinic(B_PREFIX)
    superuser = UserFactory(username="isolation-network-admin", is_superuser=True, is_staff=True)
    return World(a=a, b=b, superuser=superuser)


# --- Clinic B's rows, before and after ----------------------------------------------------------------------------


def _rows(queryset, *fields):
    return sorted(tuple(str(value) for value in row) for row in queryset.values_list(*fields))


def clinic_snapshot(clinic):
    """Everything a cross-clinic request could change about `clinic`, as comparable rows."""
    known_ids = [page.pk for page in clinic.pages.values()]
    tree = Page.objects.filter(path__startswith=clinic.home.path)
    tree_ids = set(tree.values_list("pk", flat=True)) | set(known_ids)
    str_ids = [str(pk) for pk in tree_ids]
    page_ct = ContentType.objects.get_for_model(Page)
    image_ids = Image.objects.filter(collection__path__startswith=clinic.collection.path).values_list("pk", flat=True)
    image_ids = set(image_ids) | {clinic.image.pk}
    document_ids = Document.objects.filter(collection__path__startswith=clinic.collection.path)
    document_ids = set(document_ids.values_list("pk", flat=True)) | {clinic.document.pk}
    group_ids = [group.pk for group in clinic.groups.values()]
    user_ids = [user.pk for user in clinic.users.values()]
    object_ids = {
        Image: image_ids,
        Document: document_ids,
        ClinicSettings: [clinic.settings.pk],
        PatientMessage: PatientMessage.objects.filter(site=clinic.site).values_list("pk", flat=True),
    }
    model_log = [
        (ContentType.objects.get_for_model(model).pk, [str(pk) for pk in ids]) for model, ids in object_ids.items()
    ]
    return {
        "pages": _rows(
            Page.objects.filter(pk__in=tree_ids),
            "pk",
            "path",
            "title",
            "draft_title",
            "slug",
            "live",
            "locked",
            "locked_by_id",
            "has_unpublished_changes",
            "latest_revision_id",
            "alias_of_id",
            "go_live_at",
            "expire_at",
        ),
        # Copies and aliases of clinic B's pages made elsewhere carry its titles.
        "pages named after the clinic": _rows(Page.objects.filter(title__icontains=clinic.prefix), "pk", "path"),
        "aliases": _rows(Page.objects.filter(alias_of_id__in=tree_ids), "pk", "path"),
        "revisions": _rows(
            Revision.objects.filter(base_content_type=page_ct, object_id__in=str_ids),
            "pk",
            "object_id",
            "approved_go_live_at",
        ),
        "view restrictions": _rows(PageViewRestriction.objects.filter(page_id__in=tree_ids), "pk", "page_id"),
        "workflow states": _rows(
            WorkflowState.objects.filter(base_content_type=page_ct, object_id__in=str_ids),
            "pk",
            "status",
            "current_task_state_id",
        ),
        "task states": _rows(
            TaskState.objects.filter(workflow_state__object_id__in=str_ids), "pk", "status", "finished_by_id"
        ),
        "workflow": _rows(Workflow.objects.filter(pk=clinic.workflow.pk), "name", "active"),
        "workflow tasks": _rows(WorkflowTask.objects.filter(workflow=clinic.workflow), "task_id", "sort_order"),
        "workflow pages": _rows(WorkflowPage.objects.filter(page_id__in=tree_ids), "page_id", "workflow_id"),
        "task": _rows(Task.objects.filter(pk=clinic.task.pk), "name", "active"),
        "task groups": _rows(clinic.task.groups.all(), "pk"),
        "comments": _rows(Comment.objects.filter(page_id__in=tree_ids), "pk", "text", "resolved_at"),
        "subscriptions": _rows(PageSubscription.objects.filter(page_id__in=tree_ids), "user_id", "page_id"),
        "editing sessions": _rows(
            EditingSession.objects.filter(content_type=page_ct, object_id__in=str_ids), "pk", "user_id"
        ),
        "page log entries": _rows(PageLogEntry.objects.filter(page_id__in=tree_ids), "pk"),
        "model log entries": sorted(
            pk
            for content_type_id, ids in model_log
            for pk in ModelLogEntry.objects.filter(content_type_id=content_type_id, object_id__in=ids).values_list(
                "pk", flat=True
            )
        ),
        "images": _rows(Image.objects.filter(pk__in=image_ids), "pk", "title", "collection_id", "file"),
        "image tags": _rows(Image.objects.filter(pk__in=image_ids), "pk", "tags__name"),
        "documents": _rows(Document.objects.filter(pk__in=document_ids), "pk", "title", "collection_id", "file"),
        "uploaded files": _rows(UploadedFile.objects.filter(uploaded_by_user_id__in=user_ids), "pk", "file"),
        "collections": _rows(
            Collection.objects.filter(path__startswith=clinic.collection.path), "pk", "name", "path", "numchild"
        ),
        "collection restrictions": _rows(
            CollectionViewRestriction.objects.filter(collection__path__startswith=clinic.collection.path), "pk"
        ),
        "form submissions": _rows(FormSubmission.objects.filter(page_id__in=tree_ids), "pk", "form_data"),
        "form fields": _rows(ContactFormField.objects.filter(page_id__in=tree_ids), "pk", "label", "field_type"),
        "patient messages": _rows(
            PatientMessage.objects.filter(site=clinic.site) | PatientMessage.objects.filter(page_id__in=tree_ids),
            *[f.attname for f in PatientMessage._meta.concrete_fields],
        ),
        "settings": _rows(
            ClinicSettings.objects.filter(site=clinic.site), *[f.attname for f in ClinicSettings._meta.concrete_fields]
        ),
        "site": _rows(
            Site.objects.filter(pk=clinic.site.pk),
            "hostname",
            "port",
            "site_name",
            "root_page_id",
            "is_default_site",
        ),
        "redirects": _rows(Redirect.objects.filter(site=clinic.site), "pk", "old_path", "redirect_page_id"),
        "groups": _rows(Group.objects.filter(pk__in=group_ids), "pk", "name", "permissions__codename"),
        "group page permissions": _rows(
            GroupPagePermission.objects.filter(group_id__in=group_ids)
            | GroupPagePermission.objects.filter(page_id__in=tree_ids),
            "group_id",
            "page_id",
            "permission_id",
        ),
        "group collection permissions": _rows(
            GroupCollectionPermission.objects.filter(group_id__in=group_ids)
            | GroupCollectionPermission.objects.filter(collection__path__startswith=clinic.collection.path),
            "group_id",
            "collection_id",
            "permission_id",
        ),
        "group site permissions": _rows(
            GroupSitePermission.objects.filter(group_id__in=group_ids)
            | GroupSitePermission.objects.filter(site=clinic.site),
            "group_id",
            "site_id",
            "permission_id",
        ),
        "users": _rows(
            User.objects.filter(pk__in=user_ids) | User.objects.filter(groups__in=group_ids),
            "pk",
            "username",
            "email",
            "is_active",
            "is_superuser",
            "first_name",
            "last_name",
            "password",
        ),
        "user groups": _rows(User.groups.through.objects.filter(group_id__in=group_ids), "user_id", "group_id"),
    }


def payload_traces():
    """Rows anywhere that the matrix's POST body would create (titles and names "Hijacked", paths "/hijacked").

    A POST naming clinic B's object must create nothing, not even in clinic A (a copy of B's page into A's tree is
    B's content in A's hands). Compared only for those POSTs: posting a listing's form may rightly create things.
    """
    hijacked = Q(title__icontains=HIJACK) | Q(draft_title__icontains=HIJACK) | Q(slug__startswith="hijacked")
    return {
        "pages": _rows(Page.objects.filter(hijacked), "pk", "path"),
        "images": _rows(Image.objects.filter(title__icontains=HIJACK), "pk", "collection_id"),
        "documents": _rows(Document.objects.filter(title__icontains=HIJACK), "pk", "collection_id"),
        "collections": _rows(Collection.objects.filter(name__icontains=HIJACK), "pk", "path"),
        "groups": _rows(Group.objects.filter(name__icontains=HIJACK), "pk"),
        "workflows": _rows(Workflow.objects.filter(name__icontains=HIJACK), "pk"),
        "sites": _rows(Site.objects.filter(hostname__startswith="hijacked"), "pk"),
        "redirects": _rows(Redirect.objects.filter(old_path__startswith="/hijacked"), "pk"),
    }


def snapshot_diff(before, after, limit=2):
    """'what changed' in a few words per table, or '' when nothing did."""
    changes = []
    for key in before:
        if before[key] == after[key]:
            continue
        gone = [row for row in before[key] if row not in after[key]][:limit]
        new = [row for row in after[key] if row not in before[key]][:limit]
        changes.append(f"{key}: {gone} -> {new}")
    return "; ".join(changes)


# --- Admin URL patterns and their cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminPattern:
    name: str | None
    route: str
    params: tuple
    callback: object

    @property
    def label(self):
        return self.name or f"<unnamed {self.route}>"

    @property
    def namespace(self):
        return self.name.rpartition(":")[0] if self.name and ":" in self.name else ""

    @property
    def surface(self):
        """The admin area the URL belongs to: its first path segment, e.g. 'pages', 'images', 'reports'."""
        rest = re.sub(r"[\^$]", "", self.route.removeprefix("admin/"))
        return rest.split("/", 1)[0] or "dashboard"

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def view_model(self):
        """The model a class-based view is about, when it says (ModelViewSet views get it through as_view())."""
        model = getattr(self.callback, "view_initkwargs", {}).get("model")
        if model is None and self.view_class is not None:
            model = getattr(self.view_class, "model", None)
        return model if isinstance(model, type) else None

    def reverse(self, kwargs):
        if self.name:
            return reverse(self.name, kwargs=kwargs)
        if kwargs:
            raise NoReverseMatch(f"{self.route} has no name and cannot be built with parameters")
        return "/" + re.sub(r"[\^$]", "", self.route)


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            inner = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            regex = entry.pattern.regex
            params = tuple(regex.groupindex) or tuple(getattr(entry.pattern, "converters", {}))
            yield AdminPattern(name=name, route=prefix + str(entry.pattern), params=params, callback=entry.callback)


def admin_patterns():
    """Every URL pattern under /admin/, in resolver order."""
    return [pattern for pattern in _walk(get_resolver().url_patterns) if pattern.route.startswith("admin/")]


# Patterns the matrix does not request, and why. Keep this short: everything else is requested automatically.
EXCLUDED = {
    "wagtailadmin_logout": "ends the session the matrix runs in; it names no object",
    "wagtailadmin_password_reset_confirm": "takes a signed one-time token, not an object id; only anonymous users "
    "reach it",
    "wagtailadmin_error_test": "raises on purpose to show the 500 page; it names no object",
    "<unnamed admin/^.*/$>": "Wagtail's catch-all that answers 404 for unknown admin paths; it names no object",
}


@dataclass(frozen=True)
class Value:
    value: object
    of_b: bool  # the value names a clinic-B object (rather than clinic A's or a plain word)
    label: str


@dataclass
class Case:
    pattern: AdminPattern
    url: str
    about: str  # which objects the URL names, e.g. "procedure page"; "" for listings
    must_refuse: bool  # a path parameter names a clinic-B object
    post: bool = True
    variant: str = ""  # the query string's purpose: search, filters, export, ids
    b_values: frozenset = frozenset()  # the path parameters' values that name clinic-B objects

    @property
    def description(self):
        parts = [self.pattern.label]
        if self.about:
            parts.append(self.about)
        if self.variant:
            parts.append(self.variant)
        return ", ".join(parts)


# Parameter names that mean the same kind of object wherever they appear.
PARAM_KINDS = {
    "page_id": "page",
    "parent_page_id": "page",
    "page_pk": "page",
    "page_to_move_id": "page",
    "destination_id": "destination",
    "revision_id": "revision",
    "revision_id_a": "revision_a",
    "revision_id_b": "revision_b",
    "task_state_id": "task_state",
    "workflow_state_id": "workflow_state",
    "task_id": "task",
    "image_id": "image",
    "document_id": "document",
    "doc_id": "document",
    "collection_id": "collection",
    "redirect_id": "redirect",
    "session_id": "editing_session",
    "workflow_pk": "workflow",
    "filter_spec": "filter_spec",
}
# What `pk` (and the like) means where the view does not name its model.
PK_KINDS = {
    "wagtailadmin_pages": "page",
    "wagtailadmin_api:pages": "page",
    "wagtailadmin_api:images": "image",
    "wagtailadmin_api:documents": "document",
    "wagtailimages_chooser": "image",
    "wagtaildocs_chooser": "document",
    "wagtailadmin_collections": "collection",
    # Editing sessions name the object being edited; the world's session is on a page.
    "wagtailadmin_editing_sessions": "page",
    # Site settings are addressed by their Site's id.
    "wagtailsettings": "site",
}
MODEL_KINDS = {
    Page: "page",
    Image: "image",
    Document: "document",
    Collection: "collection",
    PatientMessage: "message",
    Redirect: "redirect",
    Workflow: "workflow",
    Task: "task",
    User: "user",
    Group: "group",
    Site: "site",
}
# Verbs a URL can carry (`.../<action>/`) where no registry lists them: the moderation and publishing vocabulary.
GENERIC_VERBS = ("approve", "reject", "spam", "restore", "publish", "unpublish", "delete")


def namespace_models(patterns):
    """Namespace -> model, from the views that name their model: a viewset's extra views often do not."""
    found = {}
    for pattern in patterns:
        if pattern.namespace and pattern.view_model is not None:
            found.setdefault(pattern.namespace, pattern.view_model)
    return found


def _kind_of(pattern, param, namespace_model=None):
    if param in PARAM_KINDS:
        return PARAM_KINDS[param]
    if param == "uploaded_file_id":
        return "uploaded_document" if pattern.namespace.startswith("wagtaildocs") else "uploaded_image"
    if param in {"action", "action_name"}:
        if pattern.namespace == "wagtailadmin_pages":
            return "workflow_action"
        if pattern.namespace.startswith("wagtailadmin_api"):
            return "api_action"
        return "verb"
    if param in {"pk", "object_id", "id"}:
        if pattern.namespace == "wagtailadmin_workflows":
            return "task" if "task" in (pattern.name or "") else "workflow"
        if pattern.namespace in PK_KINDS:
            return PK_KINDS[pattern.namespace]
        model = pattern.view_model or namespace_model
        for model_class, kind in MODEL_KINDS.items():
            if model is not None and issubclass(model, model_class):
                return kind
        if model is not None:
            return ("model", model)
    return None


class CaseBuilder:
    """Turns every admin URL pattern into requests naming clinic B's objects."""

    def __init__(self, world):
        self.world = world
        self.a, self.b = world.a, world.b
        self.patterns = admin_patterns()
        self.namespace_models = namespace_models(self.patterns)
        self.bundles = self._bundles()

    # Consistent sets of parameter values: a revision with its page, a task state with its page and action.
    def _bundles(self):
        a, b = self.a, self.b

        def v(obj, label, of_b=True):
            return Value(getattr(obj, "pk", obj), of_b, label)

        bundles = [{"page": v(page, f"{name} page")} for name, page in b.pages.items()]
        bundles += [
            {"page": v(b.procedure, "procedure page"), "revision": v(b.revisions["published"], "published revision")},
            {"page": v(b.procedure, "procedure page"), "revision": v(b.revisions["draft"], "draft revision")},
            {"page": v(b.home, "home page"), "revision": v(b.revisions["scheduled"], "scheduled revision")},
            {"page": v(b.recovery, "recovery page"), "revision": v(b.revisions["in_review"], "revision in review")},
            {
                "page": v(b.procedure, "procedure page"),
                "revision_a": Value("earliest", False, "earliest"),
                "revision_b": Value("latest", False, "latest"),
            },
            {
                "page": v(b.procedure, "procedure page"),
                "revision_a": v(b.revisions["published"], "published revision"),
                "revision_b": v(b.revisions["draft"], "draft revision"),
            },
            # Moves within clinic B, out of it into clinic A, and from clinic A into it.
            {"page": v(b.procedure, "procedure page"), "destination": v(b.home, "home page")},
            {"page": v(b.procedure, "procedure page"), "destination": v(a.home, "clinic A's home", of_b=False)},
            {"page": v(a.procedure, "clinic A's procedure page", of_b=False), "destination": v(b.home, "home page")},
            {"page": v(b.home, "home page"), "workflow": v(b.workflow, "workflow")},
            {"workflow": v(b.workflow, "workflow")},
            {"task": v(b.task, "review task")},
            {"collection": v(b.collection, "collection")},
            {"site": v(b.site, "site")},
            {"message": v(b.message, "patient message")},
            {"redirect": v(b.redirect, "redirect")},
            {"document": v(b.document, "document")},
            {"uploaded_image": v(b.uploaded_image, "uploaded image file")},
            {"uploaded_document": v(b.uploaded_document, "uploaded document file")},
            {"editing_session": v(b.editing_session, "editing session"), "page": v(b.procedure, "procedure page")},
        ]
        bundles += [{"user": v(user, f"{role} user")} for role, user in b.users.items()]
        bundles += [{"group": v(group, f"{role} group")} for role, group in b.groups.items()]
        bundles += [
            {"image": v(b.image, "image"), "filter_spec": Value(spec, False, spec)}
            for spec in ("original", "fill-40x40")
        ]
        actions = {name for name, _label, _modal in b.task.get_actions(b.recovery, self.world.superuser)}
        bundles += [
            {
                "page": v(b.recovery, "recovery page"),
                "task_state": v(b.task_state, "task state"),
                "workflow_state": v(b.workflow_state, "workflow state"),
                "task": v(b.task, "review task"),
                "workflow_action": Value(action, False, action),
            }
            for action in sorted(actions)
        ]
        bundles += [
            {"message": v(b.message, "patient message"), "verb": Value(verb, False, verb)} for verb in GENERIC_VERBS
        ]
        return bundles

    def build(self):
        """(cases, unfillable): every requestable case, and the patterns the matrix cannot fill, with why."""
        cases, unfillable, urls = [], {}, set()
        self.covered = set()
        for pattern in self.patterns:
            if pattern.label in EXCLUDED:
                continue
            try:
                built = self.cases_for(pattern)
            except (NoReverseMatch, ValueError) as exc:
                unfillable[pattern.label] = str(exc)
                continue
            if not built:
                unfillable[pattern.label] = "no clinic-B object fits its parameters " + repr(pattern.params)
            self.covered.add(pattern.label)
            # A pattern shadowed by an earlier one with the same path (e.g. the project's forms index over
            # Wagtail's) builds the same URLs: the request reaches the earlier view, once.
            for case in built:
                if case.url not in urls:
                    urls.add(case.url)
                    cases.append(case)
        return cases, unfillable

    def cases_for(self, pattern):
        params = set(pattern.params)
        app_params = params & {"app_label", "app_name", "content_type_app_name"}
        model_params = params & {"model_name", "content_type_model_name"}
        if pattern.name == "wagtail_bulk_action":
            return self._bulk_cases(pattern)
        if app_params and model_params:
            return self._model_cases(pattern, app_params.pop(), model_params.pop())
        if not params:
            return self._listing_cases(pattern)
        return self._object_cases(pattern)

    # URLs with object ids in the path: each must be refused.
    def _object_cases(self, pattern, fixed=None):
        fixed = fixed or {}
        kinds = {}
        for param in pattern.params:
            if param in fixed:
                continue
            kind = _kind_of(pattern, param, self.namespace_models.get(pattern.namespace))
            if kind is None:
                raise ValueError(f"the matrix does not know what the parameter {param!r} names")
            kinds[param] = kind
        cases, seen = [], set()
        for values in self._fillings(pattern, kinds):
            kwargs = {**fixed, **{param: value.value for param, value in values.items()}}
            key = tuple(sorted(kwargs.items()))
            if key in seen or not any(value.of_b for value in values.values()):
                continue
            seen.add(key)
            about = ", ".join(dict.fromkeys(f"B's {v.label}" if v.of_b else v.label for v in values.values()))
            b_values = frozenset(str(value.value) for value in values.values() if value.of_b)
            url = pattern.reverse(kwargs)
            cases.append(Case(pattern, url, about, must_refuse=True, b_values=b_values))
            cases += self._export_variants(pattern, url, about, must_refuse=True, b_values=b_values)
            if pattern.name == "wagtailforms:delete_submissions":
                query = urlencode({"selected-submissions": self.b.submission.pk})
                cases.append(
                    Case(pattern, f"{url}?{query}", about, True, variant="selected B submission", b_values=b_values)
                )
        return cases

    def _fillings(self, pattern, kinds):
        """Dicts param -> Value, consistent with each other (one bundle at a time)."""
        model_kinds = {param: kind for param, kind in kinds.items() if isinstance(kind, tuple)}
        if model_kinds:
            # A view of a model the bundles do not know (a new viewset, say): each clinic-B instance of it, with
            # each verb if the URL also takes one.
            others = {param: kind for param, kind in kinds.items() if param not in model_kinds}
            if len(model_kinds) > 1 or set(others.values()) - {"verb"}:
                raise ValueError(f"cannot combine {model_kinds} with {others}")
            ((param, (_tag, model)),) = model_kinds.items()
            instances = self.b.instances_of(model)
            if not instances:
                raise ValueError(f"the world has no clinic-B {model.__name__}; add one to build_clinic()")
            for instance in instances:
                value = Value(instance.pk, True, model._meta.verbose_name)
                for verb in GENERIC_VERBS if others else [None]:
                    yield {param: value, **{other: Value(verb, False, verb) for other in others}}
            return
        wanted = set(kinds.values())
        for bundle in self.bundles:
            if wanted <= set(bundle):
                yield {param: bundle[kind] for param, kind in kinds.items()}
        if "api_action" in wanted:
            actions = sorted(getattr(pattern.view_class, "actions", {}))
            for action in actions:
                yield {
                    param: Value(action, False, action)
                    if kind == "api_action"
                    else Value(self.b.procedure.pk, True, "procedure page")
                    for param, kind in kinds.items()
                }

    # URLs naming a model or page type: every registered model of that family.
    def _model_cases(self, pattern, app_param, model_param):
        name = pattern.name or ""
        if name.startswith("wagtailadmin_tag"):
            models = [m for m in (Image, Document, *get_page_models()) if _has_tags(m)]
        elif name.startswith("wagtailadmin_pages:"):
            models = list(get_page_models())
        elif name.startswith("wagtailadmin_workflows:"):
            models = list(get_task_types())
        elif name.startswith("wagtailsettings:"):
            models = list(settings_registry)
        elif name.startswith("wagtailadmin_editing_sessions:"):
            models = [Page]
        else:
            models = sorted({type(obj) for _kind, obj in self.b.objects()}, key=lambda m: m._meta.label)
        cases = []
        for model in models:
            fixed = {app_param: model._meta.app_label, model_param: model._meta.model_name}
            rest = [param for param in pattern.params if param not in fixed]
            if not rest:
                url = pattern.reverse(fixed)
                cases.append(Case(pattern, url, model._meta.label_lower, must_refuse=False))
                cases += self._query_variants(pattern, url, label=model._meta.label_lower)
                continue
            if name in {"wagtailadmin_pages:add", "wagtailadmin_pages:preview_on_add"}:
                # Only where the type may be created: anything else is refused for another reason.
                for page_name, parent in self.b.pages.items():
                    if model in parent.specific_class.allowed_subpage_models():
                        url = pattern.reverse({**fixed, "parent_page_id": parent.pk})
                        about = f"B's {page_name} page as parent of a new {model.__name__}"
                        cases.append(Case(pattern, url, about, True, b_values=frozenset({str(parent.pk)})))
                continue
            cases += self._object_cases(pattern, fixed=fixed)
        return cases

    def _bulk_cases(self, pattern):
        bulk_action_registry._scan_for_bulk_actions()
        cases = []
        for app_label, models in sorted(bulk_action_registry.actions.items()):
            for model_name, actions in sorted(models.items()):
                model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
                instances = self.b.instances_of(model)
                parents = self._bulk_parents(model)
                for action in sorted(actions):
                    url = pattern.reverse({"app_label": app_label, "model_name": model_name, "action": action})
                    label = f"{app_label}.{model_name} {action}"
                    cases.append(Case(pattern, f"{url}?id=all", label, False, variant="id=all"))
                    if instances:
                        query = urlencode([("id", obj.pk) for obj in instances])
                        cases.append(Case(pattern, f"{url}?{query}", label, False, variant="B ids"))
                    for parent_label, parent_id in parents:
                        query = urlencode({"id": "all", "childOf": parent_id})
                        cases.append(
                            Case(pattern, f"{url}?{query}", label, False, variant=f"all in B's {parent_label}")
                        )
                        query = urlencode({"id": "all", "childOf": parent_id, "q": SEARCH_TERM})
                        cases.append(
                            Case(pattern, f"{url}?{query}", label, False, variant=f"all in B's {parent_label}, search")
                        )
        return cases

    def _bulk_parents(self, model):
        if issubclass(model, Page):
            return [("home page", self.b.home.pk), ("procedure page", self.b.procedure.pk)]
        if issubclass(model, (Image, Document)):
            return [("collection", self.b.collection.pk)]
        return []

    # Listings and other URLs without parameters: as they are, searched, filtered by B's ids, exported.
    def _listing_cases(self, pattern):
        url = pattern.reverse({})
        return [Case(pattern, url, "", must_refuse=False), *self._query_variants(pattern, url)]

    def _query_variants(self, pattern, url, label=""):
        b = self.b
        search = {"q": SEARCH_TERM, "search": SEARCH_TERM, "term": SEARCH_TERM}
        filters = {
            "collection_id": b.collection.pk,
            "collection": b.collection.pk,
            "site": b.site.pk,
            "site_id": b.site.pk,
            "page": b.procedure.pk,
            "page_id": b.procedure.pk,
            "parent": b.home.pk,
            "parent_page_id": b.home.pk,
            "child_of": b.home.pk,
            "descendant_of": b.home.pk,
            "workflow": b.workflow.pk,
            "task": b.task.pk,
            "user": b.users["editors"].pk,
            "group": b.groups["editors"].pk,
        }
        variants = [
            Case(pattern, f"{url}?{urlencode(search)}", label, False, post=False, variant="search"),
            Case(pattern, f"{url}?{urlencode(filters)}", label, False, post=False, variant="filtered by B's ids"),
        ]
        model = pattern.view_model
        ids = [obj.pk for obj in self.b.instances_of(model)] if model is not None else []
        if not ids and "choose_page" in (pattern.name or ""):
            ids = [page.pk for page in b.pages.values()]
        if ids:
            query = urlencode([("id", pk) for pk in ids])
            variants.append(Case(pattern, f"{url}?{query}", label, False, post=False, variant="B ids"))
        if pattern.name and pattern.name.startswith("wagtailadmin_api:") and pattern.name.endswith(":listing"):
            query = urlencode({"fields": "*", "child_of": b.home.pk})
            variants.append(Case(pattern, f"{url}?{query}", label, False, post=False, variant="children of B's home"))
        variants += self._export_variants(pattern, url, label, must_refuse=False)
        return variants

    @staticmethod
    def _export_variants(pattern, url, about, must_refuse, b_values=frozenset()):
        view_class = pattern.view_class
        exports = (isinstance(view_class, type) and issubclass(view_class, SpreadsheetExportMixin)) or (
            pattern.name or ""
        ).startswith("wagtailforms:list_submissions")
        if not exports:
            return []
        return [
            Case(pattern, f"{url}?export={fmt}", about, must_refuse, False, f"{fmt} export", b_values)
            for fmt in ("csv", "xlsx")
        ]


def _has_tags(model):
    return any(isinstance(f, TaggableManager) for f in model._meta.get_fields() if hasattr(f, "remote_field"))


# --- What a clinic-A user sends -----------------------------------------------------------------------------------


def post_payload(world, pattern):
    """A POST body that every admin form the matrix reaches would accept from an authorised user.

    One body for all: forms ignore fields they do not have. Page fields are valid for each page type, so a view
    that forgets its permission check saves, publishes, moves or copies for real and the snapshot shows it.
    """
    a, b = world.a, world.b
    data = nested_form_data(
        {
            "title": HIJACK,
            "slug": "hijacked",
            "summary": "Hijacked summary.",
            "introduction": "Hijacked introduction.",
            "what_it_is": rich_text("<p>Hijacked.</p>"),
            "how_it_works": rich_text("<p>Hijacked.</p>"),
            "benefits": rich_text("<p>Hijacked.</p>"),
            "preparation": rich_text("<p>Hijacked.</p>"),
            "risks": rich_text("<p>Hijacked.</p>"),
            "activity_advice": rich_text("<p>Hijacked.</p>"),
            "warning_signs": rich_text("<p>Hijacked.</p>"),
            "intro": rich_text("<p>Hijacked.</p>"),
            "thank_you_text": rich_text("<p>Hijacked.</p>"),
            "day_steps": streamfield([]),
            "faq": streamfield([]),
            "timeline": streamfield(
                [
                    (
                        "stage",
                        {
                            "when": "Hijacked",
                            "what_to_expect": rich_text("<p>Hijacked.</p>"),
                            "what_to_do": rich_text(""),
                        },
                    )
                ]
            ),
            "form_fields": inline_formset([]),
            "comments": inline_formset([]),
            "body_location": "Hijacked",
            "procedure_type": "PercutaneousProcedure",
            "reviewer_name": "Dr Hijack",
            "reviewer_credentials": "",
            "last_reviewed": "2026-03-15",
            "next_review_due": "",
            "accept_messages": "on",
            "to_address": "",
            "from_address": "",
            "subject": "Hijacked",
        }
    )
    data.update(
        {
            # StreamField `body` of pages reads body-count; a message's `body` is plain text.
            "body-count": "0",
            "body": "Hijacked message text.",
            "reply": "Hijacked reply.",
            "status": "approved",
            "action-publish": "action-publish",
            # Copy, move, alias: into clinic A's tree, which the user may add to.
            "new_title": HIJACK,
            "new_slug": "hijacked-copy",
            "new_parent_page": a.home.pk,
            "copy_subpages": "on",
            "publish_copies": "on",
            "alias": "",
            "position": "0",
            "destination_page_id": a.home.pk,
            "recursive": "true",
            "keep_live": "true",
            "revision_id": b.revisions["published"].pk,
            "comment": "Hijacked comment.",
            "restriction_type": "password",
            "password": "hijacked-password-1",
            "include_descendants": "on",
            # Images, documents, collections: clinic B's collection.
            "collection": b.collection.pk,
            "parent": b.collection.pk,
            "tags": "",
            "name": HIJACK,
            # Clinic settings.
            "display_name": HIJACK,
            "short_description": HIJACK,
            "phone": "000",
            "address": HIJACK,
            "opening_hours": HIJACK,
            "notification_email": "hijack@example.com",
            "brand_colour": "#000000",
            "reading_grade_target": "8",
            "messages_close_after_days": "1",
            "message_link_limit": "1",
            "message_moderation_words": HIJACK,
            "message_disallowed_words": HIJACK,
            "message_retention_days": "1",
            # Sites and redirects.
            "hostname": "hijacked.test",
            "port": "80",
            "site_name": HIJACK,
            "root_page": a.home.pk,
            "old_path": "/hijacked",
            "site": b.site.pk,
            "redirect_page": a.home.pk,
            "is_permanent": "on",
            "selected-submissions": b.submission.pk,
            "next": "/admin/",
        }
    )
    # Single and multiple uploads, each a fresh file (an upload is read once).
    for key in ("file", "files[]"):
        if (pattern.namespace or "").startswith("wagtaildocs"):
            data[key] = SimpleUploadedFile("hijacked.txt", b"Hijacked document", content_type="text/plain")
        else:
            data[key] = SimpleUploadedFile("hijacked.png", tiny_png(), content_type="image/png")
    return data


# --- Reading responses --------------------------------------------------------------------------------------------


def response_bytes(response):
    """The body, kept on the response: a streamed body (CSV exports, files) can be read only once."""
    if not hasattr(response, "_isolation_body"):
        streaming = getattr(response, "streaming", False)
        response._isolation_body = b"".join(response.streaming_content) if streaming else response.content
    return response._isolation_body


def response_text(response, raw_spreadsheets=True):
    """The response as text a person or program would read: headers that matter, the body, and spreadsheet cells.

    A spreadsheet's raw bytes (compressed XML, with the time it was made) are included unless `raw_spreadsheets` is
    false: to compare two renders, only the cells count.
    """
    body = response_bytes(response)
    parts = [response.get("Location", ""), response.get("Content-Disposition", "")]
    is_spreadsheet = body[:2] == b"PK"
    if is_spreadsheet:  # XLSX is a zip archive: read its cells, its raw XML is compressed.
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
            for sheet in workbook.worksheets:
                parts.append(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    parts.append("\t".join("" if value is None else str(value) for value in row))
        except Exception as exc:  # noqa: BLE001 - not a workbook after all: the bytes are still searched below
            parts.append(f"<unreadable zip: {exc}>")
    if raw_spreadsheets or not is_spreadsheet:
        parts.append(body.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def marker_hits(text, limit=3):
    """The distinct clinic-B markers in `text`, each with a little context: what leaked and where."""
    found = {}
    for match in MARKER.finditer(text):
        word = match.group(0).replace("\\u002d", "-").replace("\\u002D", "-")
        if word.lower() in found:
            continue
        start, end = max(match.start() - 50, 0), min(match.end() + 30, len(text))
        context = re.sub(r"\s+", " ", text[start:end])
        found[word.lower()] = f"{word!r} in …{context}…"
        if len(found) >= limit:
            break
    return list(found.values())


# --- The checks ---------------------------------------------------------------------------------------------------

REFUSALS = {403, 404, 405}
COOKIE_MESSAGES = CookieStorage.cookie_name
# Views that answer the same for any id without reading or changing the object: the status rule does not apply to
# them (the marker and row checks still do). Each entry says why.
ANSWERS_ANY_ID = {
    "wagtailadmin_editing_sessions:release": "deletes only the caller's own editing session with that id "
    "(EditingSession.objects.filter(id=..., user=request.user)) and answers {} whatever the id",
}
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 4


def take_flash_messages(client):
    """The texts of the flash messages a client holds in its cookie, which is then emptied."""
    morsel = client.cookies.get(COOKIE_MESSAGES)
    if morsel is None or not morsel.value:
        return []
    client.cookies.pop(COOKIE_MESSAGES)
    return [str(message) for message in CookieStorage(HttpRequest())._decode(morsel.value) or []]


def refused_location(location):
    """Whether a redirect goes to the dashboard or the login page."""
    path = urlsplit(location).path
    return path in {reverse("wagtailadmin_home"), reverse("wagtailadmin_login")}


def names_any(location, values):
    """Whether an admin URL's path parameters name any of `values` (ids as strings)."""
    try:
        match = resolve(urlsplit(location).path)
    except Resolver404:
        return False
    return bool({str(value) for value in match.kwargs.values()} & values)


def database_writes():
    """Rows written so far on this connection, or None where the database cannot tell.

    Comparing the snapshot costs ~40 queries; most requests write nothing at all, and this counter says so for the
    price of one attribute read (SQLite) or one query (PostgreSQL, whose per-transaction statistics count rows
    written in rolled-back savepoints too).
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
            return cursor.fetchone()[0]
    return None


class Checker:
    """Sends one role's requests, each in a savepoint rolled back afterwards, and collects every problem."""

    def __init__(self, client, world, role):
        self.client = client
        self.world = world
        self.role = role
        self.found = {}  # collapse key -> [report, how many more requests showed the same]
        self.before = clinic_snapshot(world.b)
        self.traces_before = payload_traces()
        # One report per leaking page, however many requests redirect to it.
        self.reported = set()
        self.group = None
        client.raise_request_exception = False

    @property
    def problems(self):
        return [
            text + (f" (and {more} more URL(s) of this view)" if more else "") for text, more in self.found.values()
        ]

    def problem(self, method, url, case_description, text):
        # In the crawl, the same leak on page 2, sorted by title, etc. of one view is one problem, not twenty.
        key = (self.group, re.sub(r"….*", "", text)) if self.group else len(self.found)
        if key in self.found:
            self.found[key][1] += 1
        else:
            self.found[key] = [f"{method} {url} [{case_description}]: {text}", 0]

    def run(self, case, method="GET"):
        data = post_payload(self.world, case.pattern) if method == "POST" else None
        must_refuse = case.must_refuse and case.pattern.name not in ANSWERS_ANY_ID
        response = self.request(method, case.url, case.description, must_refuse, case.b_values, data)
        if method == "GET" and case in differential_cases([case]):
            final_url, final = self.last_hop
            rendered = normalised(response_text(final, raw_spreadsheets=False))
            self.world.renders[(self.role, case.url)] = (f"{final.status_code} {final_url}", rendered)
        return response

    def request(self, method, url, description, must_refuse=False, b_values=frozenset(), data=None, group=None):
        """Send one request (following admin redirects that stay on the object); return the last response."""
        self.world.stats[f"requests {method}"] += 1
        self.group = group
        with transaction.atomic():
            writes = database_writes()
            chain = self._send(method, url, data, b_values if must_refuse else None)
            self.last_hop = chain[-1]
            self._check_bodies(method, url, description, chain)
            # A flash message waiting for the next page (e.g. on the dashboard a refusal redirects to) is shown to
            # the user too: it is checked here, with the request that made it, and not carried to the next one.
            hits = marker_hits("\n".join(take_flash_messages(self.client)))
            if hits:
                self.problem(method, url, description, f"leaves a message showing clinic B data: {'; '.join(hits)}")
            if must_refuse:
                self._check_refused(method, url, description, chain, b_values)
            if connection.needs_rollback:
                self.problem(method, url, description, "broke the database transaction; rows not compared")
            elif writes is None or database_writes() != writes:
                changed = snapshot_diff(self.before, clinic_snapshot(self.world.b))
                if changed:
                    self.problem(method, url, description, f"changed clinic B data: {changed}")
                created = must_refuse and snapshot_diff(self.traces_before, payload_traces())
                if created:
                    self.problem(method, url, description, f"created from clinic B's object: {created}")
            transaction.set_rollback(True)
        # Cached site roots and permissions must not outlive the rolled-back rows.
        cache.clear()
        return chain[-1][1]

    def _send(self, method, url, data, b_values):
        """[(url, response)]: the request and the admin redirects followed from it.

        For a URL naming a clinic-B object, only redirects that still name it are followed: a redirect elsewhere
        (the user's own explorer, a listing) is a refusal, and where it lands is checked as a URL of its own.
        """
        response = self.client.post(url, data) if method == "POST" else self.client.get(url)
        chain = [(url, response)]
        while response.status_code in REDIRECTS and len(chain) <= MAX_REDIRECTS:
            location = response["Location"]
            target = urlsplit(location)
            if target.netloc or not target.path.startswith("/admin/") or refused_location(location):
                break
            if b_values is not None and not names_any(location, b_values):
                break
            response = self.client.get(location)
            chain.append((location, response))
        return chain

    def _check_bodies(self, method, url, description, chain):
        for hop_url, hop in chain:
            # A page that fails cannot be checked. (POSTs of the matrix's synthetic body to views it does not fit
            # may fail without telling anything; on a clinic-B URL that is still reported as not refusing.)
            if hop.status_code >= 500 and (method == "GET" or hop_url != url):
                self.problem(method, url, description, f"server error {hop.status_code} at {hop_url}")
            hits = marker_hits(response_text(hop))
            if not hits:
                continue
            key = (hop_url, hits[0].split(" in ")[0])
            if hop_url != url and key in self.reported:
                continue
            self.reported.add(key)
            where = "" if hop_url == url else f" (after redirect to {hop_url})"
            self.problem(method, url, description, f"shows clinic B data{where}: {'; '.join(hits)}")

    def _check_refused(self, method, url, description, chain, b_values):
        final = chain[-1][1]
        if final.status_code in REFUSALS:
            return
        if final.status_code in REDIRECTS:
            location = final["Location"]
            if refused_location(location) or not names_any(location, b_values):
                return
        route = " -> ".join(f"{hop.status_code} {hop_url}" for hop_url, hop in chain)
        self.problem(
            method,
            url,
            description,
            f"answers {final.status_code} instead of refusing (403/404/405 or a redirect away from the object)"
            + ("" if len(chain) == 1 else f"; chain: {route}"),
        )


# --- The crawl ----------------------------------------------------------------------------------------------------

LINK = re.compile(r"""["'](/admin/[^"'\s<>\\]*)""")
CRAWL_SKIP_NAMES = {"wagtailadmin_logout"}
MAX_URLS_PER_PATTERN = 8


def admin_links(text):
    """Admin URLs in a page: attributes, JSON props and scripts alike."""
    for match in LINK.finditer(html.unescape(text)):
        link = match.group(1).split("#", 1)[0]
        # Templates for client-side code ('/admin/pages/{id}/', '__ID__') are not links.
        if any(mark in link for mark in ("{", "}", "__", "%7B", "999999")):
            continue
        yield link


def crawl(checker, start="/admin/", limit=300):
    """Breadth-first over the admin links a user is shown; GET only. Returns the URLs visited."""
    queue, seen, visited = deque([start]), {start}, []
    per_pattern = Counter()
    while queue and len(visited) < limit:
        url = queue.popleft()
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        name = match.view_name
        if name in CRAWL_SKIP_NAMES or per_pattern[name] >= MAX_URLS_PER_PATTERN:
            continue
        per_pattern[name] += 1
        visited.append(url)
        response = checker.request("GET", url, f"crawl: {name}", group=name)
        content_type = response.get("Content-Type", "")
        if "html" not in content_type and "json" not in content_type:
            continue
        for link in admin_links(response_bytes(response).decode("utf-8", errors="replace")):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return visited


# --- Without clinic B, a listing must read the same -----------------------------------------------------------------

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
