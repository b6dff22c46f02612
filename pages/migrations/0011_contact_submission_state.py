import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0010_message_followup"),
        ("wagtailforms", "0005_alter_formsubmission_form_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactSubmissionState",
            fields=[
                (
                    "submission",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="contact_state",
                        serialize=False,
                        to="wagtailforms.formsubmission",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("new", "New"), ("handled", "Handled")],
                        default="new",
                        max_length=16,
                        verbose_name="state",
                    ),
                ),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="changed at")),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact submission state",
                "ordering": ["-changed_at"],
            },
        ),
    ]
