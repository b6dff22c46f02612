"""Demo clinics, accounts and logos for local development, built in code and safe to build again."""

import datetime
from dataclasses import dataclass
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.fields import StreamField
from wagtail.images.models import Image

from pages.clinics import branding
from pages.clinics.onboarding import create_or_update_clinic
from pages.clinics.roles import ROLES
from pages.demo import content as demo_content
from pages.demo import site_content
from pages.demo.library import ensure_demo_library
from pages.models import (
    Clinician,
    ContactFormField,
    ContactPage,
    GeneralPage,
    PatientMessage,
    ProcedurePage,
    RecoveryGuidancePage,
    Status,
    TeamPage,
    TreatmentsIndexPage,
)
from pages.patient_messages import rules

SUPERUSER = ("admin", "clinic-admin-demo")
STAFF_PASSWORD = "clinic-staff-demo"
LIBRARY_ACCOUNTS = {"Library editors": "library-editor", "Library medical reviewers": "library-reviewer"}
ROLE_ACCOUNTS = {"editors": "editor", "medical reviewers": "reviewer", "moderators": "moderator"}


@dataclass(frozen=True)
class DemoClinic:
    name: str
    hostname: str
    account_prefix: str
    introduction: str
    settings: dict


CLINICS = (
    DemoClinic(
        name="ASCPM",
        hostname="ascpm.localhost",
        account_prefix="ascpm",
        introduction="We help people with back and neck pain move more easily, with care close to home.",
        settings={
            "display_name": "ASCPM",
            "short_description": "Spine care and pain management",
            "phone": "(217) 555-0144",
            "address": "200 Harbor Medical Plaza\nSuite 310\nSpringfield",
            "opening_hours": "Monday to Friday: 8am to 5pm\nSaturday and Sunday: closed",
            "notification_email": "frontdesk@ascpm.example",
            "brand_colour": "#0b6e69",
        },
    ),
    DemoClinic(
        name="Spinal Diagnostics",
        hostname="spinaldiagnostics.localhost",
        account_prefix="spinaldiagnostics",
        introduction="We find the cause of your back or neck pain and treat it, so you can get back to your life.",
        settings={
            "display_name": "Spinal Diagnostics",
            "short_description": "Diagnosis and treatment of back and neck pain",
            "phone": "(309) 555-0172",
            "address": "48 Riverside Drive\nBuilding B\nLakeview",
            "opening_hours": "Monday to Thursday: 7:30am to 6pm\nFriday: 7:30am to 3pm",
            "notification_email": "team@spinaldiagnostics.example",
            "brand_colour": "#5b2a86",
        },
    ),
)


def draw_logo(text, colour):
    """A badge with the clinic's initials in its brand colour (the header prints the name beside it). PNG bytes."""
    size = 160
    canvas = PILImage.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=32, fill=colour)
    initials = "".join(word[0] for word in text.split()[:2]).upper()
    font = ImageFont.load_default(size=80)
    draw.text((size / 2, size / 2), initials, font=font, fill=branding.text_colour_on(colour), anchor="mm")
    out = BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def ensure_logo(result, demo):
    title = f"{demo.settings['display_name']} logo"
    logo = Image.objects.filter(collection=result.collection, title=title).first()
    if logo is None:
        data = draw_logo(demo.settings["display_name"], demo.settings["brand_colour"])
        logo = Image(title=title, collection=result.collection)
        logo.file = ImageFile(BytesIO(data), name=f"{demo.account_prefix}-logo.png")
        logo.save()
    if result.settings.logo_id != logo.pk:
        result.settings.logo = logo
        result.settings.save(update_fields=["logo"])
    return logo


def ensure_user(username, password, email, *, superuser=False, groups=()):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    wanted = {"email": email, "is_staff": superuser, "is_superuser": superuser, "is_active": True}
    changed = created
    for key, value in wanted.items():
        if getattr(user, key) != value:
            setattr(user, key, value)
            changed = True
    # Re-hashing on every run would change the database each time; only set a password that does not match.
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.save()
    user.groups.add(*groups)
    return user


def _comparable(model, name, value):
    """A field value in a form that compares equal when the content is the same (StreamField block ids vary)."""
    field = model._meta.get_field(name)
    if isinstance(field, StreamField):
        probe = model(**{name: value})  # lets the field turn (type, value) tuples into a StreamValue
        return [(block["type"], block["value"]) for block in field.get_prep_value(getattr(probe, name))]
    return value


def ensure_page(parent, model, data):
    """Create the page under `parent`, or update it when the demo text changed; either way it ends up published."""
    page = model.objects.child_of(parent).filter(slug=data["slug"]).first()
    if page is None:
        page = model(**data)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    stale = {
        name: wanted
        for name, wanted in data.items()
        if _comparable(model, name, getattr(page, name)) != _comparable(model, name, wanted)
    }
    if stale:
        for name, wanted in stale.items():
            setattr(page, name, wanted)
        page.save_revision().publish()
    return page


def ensure_contact_page(home, clinic_name):
    page = ensure_page(home, ContactPage, demo_content.contact_page(clinic_name))
    for order, field in enumerate(demo_content.CONTACT_FIELDS):
        ContactFormField.objects.update_or_create(
            page=page, label=field["label"], defaults={**field, "sort_order": order}
        )
    return page


def ensure_clinicians(site, demo):
    """The clinic's clinicians by name, created or brought back to the demo text."""
    clinicians = {}
    for data in demo_content.CLINICIANS[demo.account_prefix]:
        clinician, _ = Clinician.objects.update_or_create(
            site=site, name=data["name"], defaults={key: value for key, value in data.items() if key != "name"}
        )
        clinicians[clinician.name] = clinician
    return clinicians


def with_reviewer(data, clinicians):
    """Page data with its reviewer's name replaced by that clinician of the clinic."""
    return {**data, "reviewer": clinicians[data["reviewer"]]} if "reviewer" in data else data


def ensure_content(home, demo, clinicians):
    """The clinic's pages; returns its clinical pages by path under the home page, e.g. "facet-joint-injections"."""
    content = demo_content.CONTENT[demo.account_prefix]
    pages = {}
    for procedure_data, recovery_pages in content["procedures"]:
        procedure = ensure_page(home, ProcedurePage, with_reviewer(procedure_data, clinicians))
        pages[procedure.slug] = procedure
        for recovery_data in recovery_pages:
            recovery = ensure_page(procedure, RecoveryGuidancePage, with_reviewer(recovery_data, clinicians))
            pages[f"{procedure.slug}/{recovery.slug}"] = recovery
    ensure_contact_page(home, demo.settings["display_name"])
    return pages


def ensure_site_pages(result, demo):
    """About us, Our team, Our treatments and the privacy notice, which Clinic settings then point to."""
    home, name = result.home_page, demo.settings["display_name"]
    town = demo.settings["address"].splitlines()[-1]
    ensure_page(home, GeneralPage, site_content.about_page(name, town))
    ensure_page(home, TreatmentsIndexPage, site_content.TREATMENTS_PAGE)
    ensure_page(home, TeamPage, site_content.TEAM_PAGE)
    privacy = ensure_page(home, GeneralPage, site_content.privacy_page(name, demo.settings["notification_email"]))
    if result.settings.privacy_page_id != privacy.pk:
        result.settings.privacy_page = privacy
        result.settings.save(update_fields=["privacy_page"])


def ensure_message(page, result, data, moderator, now):
    """Create one demo message, or put its status, flags and reply back; found by page, email and text.

    Dates are set once, relative to the first run, and never moved afterwards: a second run changes nothing.
    """
    decision = rules.decide(data["body"], data["name"], data["email"], result.settings.moderation_rules())
    # Approval is a person's decision, so approved ones say so; the others get what the rules decide.
    decided = Status.SPAM if decision.is_spam else Status.PENDING
    status = Status.APPROVED if data["status"] == Status.APPROVED else decided
    probe = PatientMessage()
    probe.flag_list = decision.flags
    wanted = {
        "site_id": result.site.pk,
        "author_name": data["name"],
        "status": status,
        "flags": probe.flags,
        "reply": data.get("reply", ""),
        "redacted": False,
        "erased_at": None,
    }
    message = PatientMessage.objects.filter(page=page, author_email=data["email"], body=data["body"]).first()
    if message is None:
        submitted = now - datetime.timedelta(days=data["days_ago"], hours=2)
        moderated = submitted + datetime.timedelta(hours=1) if status == Status.APPROVED else None
        return PatientMessage.objects.create(
            page=page,
            author_email=data["email"],
            body=data["body"],
            submitted_at=submitted,
            moderated_at=moderated,
            moderated_by=moderator if moderated else None,
            replied_at=moderated if wanted["reply"] else None,
            replied_by=moderator if wanted["reply"] else None,
            **wanted,
        )
    stale = {name: value for name, value in wanted.items() if getattr(message, name) != value}
    if stale:
        for name, value in stale.items():
            setattr(message, name, value)
        message.save(update_fields=list(stale))
    return message


def ensure_messages(pages, result, demo, moderator):
    now = timezone.now()
    for data in demo_content.MESSAGES[demo.account_prefix]:
        ensure_message(pages[data["page"]], result, data, moderator, now)


def build_demo(port=8000):
    """Create or refresh the demo clinics and accounts; returns lines describing what to open and how to log in."""
    lines = []
    ensure_user(SUPERUSER[0], SUPERUSER[1], "admin@example.com", superuser=True)
    homes = []
    for demo in CLINICS:
        result = create_or_update_clinic(demo.name, demo.hostname, port, **demo.settings)
        home = result.home_page
        if home.introduction != demo.introduction:
            home.introduction = demo.introduction
            home.save_revision().publish()
        ensure_logo(result, demo)
        clinicians = ensure_clinicians(result.site, demo)
        pages = ensure_content(home, demo, clinicians)
        ensure_site_pages(result, demo)
        lines.append(f"{demo.name}: {result.site.root_url}/  (admin: {result.site.root_url}/admin/)")
        accounts = {}
        for role in ROLES:
            username = f"{demo.account_prefix}-{ROLE_ACCOUNTS[role.suffix]}"
            accounts[role.suffix] = ensure_user(
                username,
                STAFF_PASSWORD,
                f"{username}@example.com",
                groups=[result.groups[role.suffix]],
            )
            lines.append(f"    {role.suffix:<18} {username} / {STAFF_PASSWORD}")
        # The demo reviewer account is the clinic's (first) clinician: the reviews they approve name them.
        reviewer = next(iter(clinicians.values()))
        if reviewer.user_id != accounts["medical reviewers"].pk:
            reviewer.user = accounts["medical reviewers"]
            reviewer.save(update_fields=["user"])
        # After the accounts: the clinic's demo moderator approved and answered the messages.
        ensure_messages(pages, result, demo, accounts["moderators"])
        homes.append((result.site, home))
    ensure_demo_library(ensure_page, homes)
    lines.append("Procedure library (Procedure library in the admin menu):")
    for group, username in LIBRARY_ACCOUNTS.items():
        ensure_user(username, STAFF_PASSWORD, f"{username}@example.com", groups=[Group.objects.get(name=group)])
        lines.append(f"    {group.lower():<18} {username} / {STAFF_PASSWORD}")
    lines.append(f"Network admin (superuser): {SUPERUSER[0]} / {SUPERUSER[1]}  at http://localhost:{port}/admin/")
    return lines
