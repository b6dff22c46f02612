"""Remove what a fresh Wagtail install creates for a single-site project.

- The "Welcome to your new Wagtail site!" page and the default `localhost` Site: otherwise any unknown Host would be
  served that page, and `localhost` would look like a clinic.
- The global "Editors" and "Moderators" groups and the "Moderators approval" workflow: their permissions sit on the
  tree root and the root collection, so a user put in them would act on every clinic. Each clinic gets its own
  groups and workflow from `create_clinic`.

Only untouched defaults are removed: a welcome page with children, or a default site moved to another page, stays.
"""

from django.db import migrations

WELCOME_TITLE = "Welcome to your new Wagtail site!"
DEFAULT_GROUPS = ("Editors", "Moderators")
DEFAULT_WORKFLOW = "Moderators approval"


def remove_defaults(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")

    welcome = Page.objects.filter(depth=2, title=WELCOME_TITLE, numchild=0, content_type__app_label="wagtailcore")
    for page in welcome:
        Site.objects.filter(root_page=page).delete()
        page.delete()
        # Historical models do not run treebeard's bookkeeping: keep the root's child count right.
        root = Page.objects.get(depth=1)
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])

    workflows = Workflow.objects.filter(name=DEFAULT_WORKFLOW)
    task_ids = list(
        apps.get_model("wagtailcore", "WorkflowTask")
        .objects.filter(workflow__in=workflows)
        .values_list("task_id", flat=True)
    )
    apps.get_model("wagtailcore", "WorkflowPage").objects.filter(workflow__in=workflows).delete()
    workflows.delete()
    Task.objects.filter(pk__in=task_ids, name=DEFAULT_WORKFLOW).delete()
    Group.objects.filter(name__in=DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    # After every migration of Wagtail's that creates or extends these defaults.
    dependencies = [
        ("pages", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailforms", "0005_alter_formsubmission_form_data"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(remove_defaults, migrations.RunPython.noop)]
