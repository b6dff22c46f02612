"""Contact pages built with Wagtail's form builder: each clinic chooses its own fields."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField

from pages.blocks import PARAGRAPH_FEATURES


class ContactFormField(AbstractFormField):
    """One field of a clinic's contact form, e.g. 'Your name' (single line, required)."""

    page = ParentalKey("pages.ContactPage", on_delete=models.CASCADE, related_name="form_fields")

    class Meta(AbstractFormField.Meta):
        verbose_name = "contact form field"


class ContactPage(AbstractEmailForm):
    """A contact form. Submissions are stored for the clinic's staff; the email only says that one arrived."""

    intro = RichTextField(
        "introduction",
        features=PARAGRAPH_FEATURES,
        blank=True,
        help_text="Shown above the form, e.g. 'Send us a question and we will reply within two working days.'",
    )
    thank_you_text = RichTextField(
        "thank-you message",
        features=PARAGRAPH_FEATURES,
        blank=True,
        help_text="Shown after sending, e.g. 'Thank you. We will be in touch within two working days.'",
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="Notification email (it never contains what was submitted)",
        ),
    ]

    parent_page_types = ["pages.ClinicHomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "contact page"
