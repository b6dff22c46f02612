"""A clinic's settings: contact details, branding and moderation options, one row per Site."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from pages import adverts
from pages.clinics import branding, phones
from pages.clinics.references import ClinicBounds, ClinicReferencesFormMixin, ClinicReferencesMixin
from pages.fields import line, lines, optional_image
from pages.patient_messages import rules


class ClinicSettingsForm(ClinicReferencesFormMixin, WagtailAdminModelForm):
    """The Clinic settings form: refuses, and never shows, another clinic's logo."""


def validate_brand_colour(value):
    try:
        branding.parse_hex(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


@register_setting(icon="site")
class ClinicSettings(ClinicReferencesMixin, BaseSiteSetting):
    """Contact details and branding of one clinic, edited by that clinic in Settings → Clinic settings."""

    display_name = line(
        "display name",
        "The clinic's name as patients see it, e.g. 'Spinal Diagnostics'.",
        max_length=120,
        blank=False,
    )
    short_description = line(
        "short description",
        "A line under the name, e.g. 'Spine and pain care in Springfield'.",
        max_length=255,
    )
    phone = line(
        "phone number",
        "The number patients should call, as it should be shown, with its area code, e.g. '(217) 555-0142'. "
        "Urgent advice on every page tells patients to call it.",
        max_length=40,
        blank=False,
        validators=[phones.validate_phone_number],
    )
    address = lines(
        "address",
        "Postal address, one part per line, e.g. '12 Market Street', then 'Springfield, IL 62701' on the next line.",
    )
    opening_hours = lines(
        "opening hours",
        "One line per day or range, e.g. 'Monday to Friday: 8am to 5pm'.",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="privacy notice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The clinic's privacy notice page. Both patient forms and the footer of every page link to it.",
    )
    notification_email = models.EmailField(
        "notification email",
        blank=True,
        help_text="Where staff notifications go (never to patients), e.g. 'frontdesk@example.com'.",
    )
    logo = optional_image(
        "logo",
        "Shown in the header of every page; a wide image about 240 × 80 pixels works best.",
    )
    brand_colour = models.CharField(
        "brand colour",
        max_length=7,
        default="#1d4f91",
        validators=[validate_brand_colour],
        help_text="Header colour as #rrggbb, e.g. '#0b6e69'. Text colours are chosen to stay readable.",
    )

    reading_grade_target = models.PositiveSmallIntegerField(
        "reading grade target",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(16)],
        help_text="Highest Flesch-Kincaid grade editors should aim for; 6 to 8 suits most patients.",
    )

    messages_close_after_days = models.PositiveIntegerField(
        "close messages after (days)",
        default=0,
        help_text="Stop taking new messages on a page this many days after it was first published; 0 means never.",
    )
    message_link_limit = models.PositiveSmallIntegerField(
        "links that make a message spam",
        default=adverts.DEFAULT_LINK_LIMIT,
        help_text="A patient message with this many links or more (including ones written without 'http', such as "
        "'cheap-pills.shop') is classed as spam (kept for review, never shown); a contact form with as many is "
        "not sent, and the sender is asked to take them out. 0 turns this off.",
    )
    message_moderation_words = lines(
        "words that hold a message for a closer look",
        "One word or phrase per line, e.g. 'lawyer'. A message with any of them (in its text, name "
        "or email) is flagged for moderators.",
    )
    message_disallowed_words = lines(
        "words that make a message spam",
        "One word or phrase per line, e.g. 'casino'. A patient message with any of them is classed as spam; a "
        "contact form with any of them is not sent, and the sender is told which word to take out. New clinics "
        "start with a list of common advertising words; add to it or remove any your patients need.",
        default="\n".join(adverts.DEFAULT_SPAM_WORDS),
    )
    message_retention_days = models.PositiveIntegerField(
        "keep rejected and spam messages for (days)",
        default=30,
        validators=[MinValueValidator(1)],
        help_text="After this many days, rejected and spam messages are deleted for good.",
    )
    urgent_message_reminder_hours = models.PositiveSmallIntegerField(
        "remind moderators of urgent messages after (hours)",
        default=4,
        validators=[MaxValueValidator(168)],
        help_text="A pending message mentioning urgent symptoms that has waited this long is highlighted on the "
        "dashboard, and the clinic's moderators get one reminder email about it, e.g. 4. 0 turns this off.",
    )

    # One query for the settings and the logo on every page.
    select_related = ["logo", "privacy_page"]
    # The logo is refused, and never shown back, when it is another clinic's (see ClinicReferencesMixin).
    base_form_class = ClinicSettingsForm

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("display_name"),
                FieldPanel("short_description"),
                FieldPanel("logo"),
                # The browser's colour picker; the field's validator still refuses anything but #rrggbb on the server.
                FieldPanel("brand_colour", widget=forms.TextInput(attrs={"type": "color"})),
            ],
            heading="Name and branding",
        ),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("address"), FieldPanel("opening_hours"), FieldPanel("privacy_page")],
            heading="Contact details",
        ),
        MultiFieldPanel([FieldPanel("notification_email")], heading="Staff notifications"),
        MultiFieldPanel([FieldPanel("reading_grade_target")], heading="Writing for patients"),
        MultiFieldPanel(
            [
                FieldPanel("messages_close_after_days"),
                FieldPanel("message_link_limit"),
                FieldPanel("message_moderation_words"),
                FieldPanel("message_disallowed_words"),
                FieldPanel("message_retention_days"),
                FieldPanel("urgent_message_reminder_hours"),
            ],
            heading="Patient messages",
        ),
    ]

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name or f"Clinic settings #{self.pk}"

    def reference_bounds(self):
        return ClinicBounds.of_site(self.site_id)

    def moderation_rules(self):
        return rules.ModerationRules(
            link_limit=self.message_link_limit,
            disallowed_words=adverts.word_list(self.message_disallowed_words),
            moderation_words=adverts.word_list(self.message_moderation_words),
        )

    @property
    def brand_text_colour(self):
        return branding.text_colour_on(self.brand_colour)

    @property
    def brand_link_colour(self):
        return branding.darken_until_readable(self.brand_colour)

    @property
    def address_lines(self):
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def opening_hours_lines(self):
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def phone_href(self):
        """The phone number as a tel: URL in international format, for a tap-to-call link."""
        return phones.tel_href(self.phone)
