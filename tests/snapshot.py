"""A comparable picture of everything onboarding and the demo write, to prove repeated runs change nothing."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail import models as wagtail_models
from wagtail.images.models import Image

from pages.models import ClinicSettings, PatientMessage


def database_snapshot():
    User = get_user_model()
    return {
        "sites": sorted(
            wagtail_models.Site.objects.values_list("site_name", "hostname", "port", "root_page__url_path")
        ),
        "pages": sorted(
            wagtail_models.Page.objects.values_list("url_path", "title", "live", "content_type__model", "numchild")
        ),
        "revisions": wagtail_models.Revision.objects.count(),
        "collections": sorted(wagtail_models.Collection.objects.values_list("path", "name")),
        "settings": sorted(ClinicSettings.objects.values_list(*_fields(ClinicSettings))),
        "groups": sorted(
            (group.name, sorted(group.permissions.values_list("codename", flat=True)))
            for group in Group.objects.prefetch_related("permissions")
        ),
        "page_permissions": sorted(
            wagtail_models.GroupPagePermission.objects.values_list(
                "group__name", "page__url_path", "permission__codename"
            )
        ),
        "collection_permissions": sorted(
            wagtail_models.GroupCollectionPermission.objects.values_list(
                "group__name", "collection__name", "permission__codename"
            )
        ),
        "site_permissions": sorted(
            wagtail_models.GroupSitePermission.objects.values_list(
                "group__name", "site__hostname", "permission__codename"
            )
        ),
        "workflows": sorted(wagtail_models.Workflow.objects.values_list("name", "active")),
        "workflow_tasks": sorted(
            wagtail_models.WorkflowTask.objects.values_list("workflow__name", "task__name", "sort_order")
        ),
        "workflow_pages": sorted(wagtail_models.WorkflowPage.objects.values_list("page__url_path", "workflow__name")),
        "approval_groups": sorted(wagtail_models.GroupApprovalTask.objects.values_list("name", "groups__name")),
        "users": sorted(
            User.objects.values_list("username", "email", "is_superuser", "is_staff", "is_active", "password")
        ),
        "user_groups": sorted(User.groups.through.objects.values_list("user__username", "group__name")),
        "images": sorted(Image.objects.values_list("title", "file", "collection__name", "width", "height")),
        # Page, email and text first: they identify a demo message, so sorting never compares two None dates.
        "patient_messages": sorted(
            PatientMessage.objects.values_list(
                "page__url_path",
                "author_email",
                "body",
                *(name for name in _fields(PatientMessage) if name not in {"page_id", "author_email", "body"}),
            )
        ),
    }


def _fields(model):
    return [f.attname for f in model._meta.concrete_fields if f.attname not in {"id"}]
