"""Setting up the procedure library: its root page, its two network groups and its medical review. Idempotent."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from pages.clinics.roles import ADMIN_ACCESS, LIBRARY_EDITORS, LIBRARY_REVIEWERS
from pages.library.pages import LibraryIndexPage

LIBRARY_TITLE = "Procedure library"
LIBRARY_SLUG = "procedure-library"
WORKFLOW_NAME = "Procedure library medical review"


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def library_root():
    """The library's root page, or None before `create_library` ran."""
    return LibraryIndexPage.objects.order_by("path").first()


def _ensure_group(role, root):
    group, _ = Group.objects.get_or_create(name=role.suffix)
    group.permissions.add(_permission(*ADMIN_ACCESS.split(".")))
    for permission_type in role.page_permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=_permission("wagtailcore", f"{permission_type}_page")
        )
    return group


def ensure_library():
    """The library root under the Wagtail root (no Site points at it), its groups and its review; returns the root.

    Library editors write master pages and submit them; library medical reviewers approve (and so publish) them.
    """
    with transaction.atomic():
        root = library_root()
        if root is None:
            root = Page.get_first_root_node().add_child(
                instance=LibraryIndexPage(title=LIBRARY_TITLE, slug=LIBRARY_SLUG)
            )
        _ensure_group(LIBRARY_EDITORS, root)
        reviewers = _ensure_group(LIBRARY_REVIEWERS, root)
        workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
        task, _ = GroupApprovalTask.objects.get_or_create(name=f"{WORKFLOW_NAME}: approval by medical reviewers")
        task.groups.set([reviewers])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return root
