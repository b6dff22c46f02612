"""Clinic B's rows before and after a request: nothing of clinic B may change, nothing may be made from it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.admin.models import EditingSession
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
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
)

from pages.models import Clinician, ClinicSettings, ContactFormField, PatientMessage
from pages.review.queries import clinical_page_models
from tests.isolation.world import HIJACK

Image = get_image_model()
Document = get_document_model()
User = get_user_model()


def _rows(queryset, *fields):
    return sorted(tuple(str(value) for value in row) for row in queryset.values_list(*fields))


def _clinician_references(clinic, tree_ids, image_ids, user_ids):
    """Rows outside `clinic` that point at its clinicians, images or staff: another clinic's clinician with its photo
    or staff account, another clinic's page (or a revision of one) naming its clinician as medical reviewer."""
    clinician_ids = list(Clinician.objects.filter(site=clinic.site).values_list("pk", flat=True))
    reviewed = sorted(
        (model.__name__, str(pk), str(reviewer_id))
        for model in clinical_page_models()
        for pk, reviewer_id in model.objects.filter(reviewer_id__in=clinician_ids)
        .exclude(pk__in=tree_ids)
        .values_list("pk", "reviewer_id")
    )
    page_ct = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.filter(base_content_type=page_ct, content__reviewer__in=clinician_ids).exclude(
        object_id__in=[str(pk) for pk in tree_ids]
    )
    return {
        "clinicians elsewhere with the clinic's photo or staff": _rows(
            Clinician.objects.exclude(site=clinic.site).filter(Q(photo_id__in=image_ids) | Q(user_id__in=user_ids)),
            "pk",
            "site_id",
            "photo_id",
            "user_id",
        ),
        "pages elsewhere reviewed by the clinic's clinicians": reviewed,
        "revisions elsewhere naming the clinic's clinicians": _rows(revisions, "pk", "object_id"),
    }


def clinic_snapshot(clinic):
    """Everything a cross-clinic request could change about `clinic`, as comparable rows."""
    known_ids = [page.pk for page in clinic.pages.values()]
    tree = Page.objects.filter(path__startswith=clinic.home.path)
    tree_ids = set(tree.values_list("pk", flat=True)) | set(known_ids)
    str_ids = [str(pk) for pk in tree_ids]
    page_ct = ContentType.objects.get_for_model(Page)
    # Revisions and workflow states name their page by content type and the page's id as a string.
    of_the_pages = {"base_content_type": page_ct, "object_id__in": str_ids}
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
        "revisions": _rows(Revision.objects.filter(**of_the_pages), "pk", "object_id", "approved_go_live_at"),
        "view restrictions": _rows(PageViewRestriction.objects.filter(page_id__in=tree_ids), "pk", "page_id"),
        "workflow states": _rows(WorkflowState.objects.filter(**of_the_pages), "pk", "status", "current_task_state_id"),
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
        "clinicians": _rows(
            Clinician.objects.filter(site=clinic.site), *[f.attname for f in Clinician._meta.concrete_fields]
        ),
        **_clinician_references(clinic, tree_ids, image_ids, user_ids),
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
        "clinicians": _rows(Clinician.objects.filter(name__icontains=HIJACK), "pk", "site_id"),
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
