"""Two clinics built by the real onboarding code, each with one object of every kind; clinic B's strings carry the
marker."""

import datetime
import re
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import (
    Comment,
    ModelLogEntry,
    Page,
    PageLogEntry,
    TaskState,
    UploadedFile,
    WorkflowState,
)
from wagtail_factories import DocumentFactory, ImageFactory

from pages.library.adoption import adopt
from pages.library.setup import ensure_library
from pages.models import ContactFormField, PatientMessage
from tests.factories import (
    ClinicFactory,
    ContactPageFactory,
    PatientMessageFactory,
    ProcedurePageFactory,
    RecoveryGuidancePageFactory,
    UserFactory,
    role_user,
)
from tests.library.support import build_master

Image = get_image_model()
Document = get_document_model()

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
    clinician: object = None
    adoption: object = None  # the clinic's copy of the procedure library's master (pages/library/)

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
            ("clinician", self.clinician),
            ("library adoption", self.adoption),
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
        clinician=procedure.reviewer,
    )


def adopt_library_master(master, side):
    """The clinic's adopted copy of the shared master, renamed after the clinic so a sight of it is a leak."""
    editor = side.users["editors"]
    side.adoption = adopt(master, side.site, side.home, editor)
    copy = side.adoption.page.specific
    copy.title = f"{side.prefix}-AdoptedPage"
    copy.save_revision(user=editor)
    Page.objects.filter(pk=copy.pk).update(title=copy.title, draft_title=copy.title)


def build_world():
    a = build_clinic(A_PREFIX)
    b = build_clinic(B_PREFIX)
    # The library is shared: one master, adopted by both clinics.
    master = build_master(ensure_library()).specific
    for side in (a, b):
        adopt_library_master(master, side)
    superuser = UserFactory(username="isolation-network-admin", is_superuser=True, is_staff=True)
    return World(a=a, b=b, superuser=superuser)
