"""Journey 9: a clinic added while the server runs works at once; its staff build its site and name its reviewer.

A network admin runs `create_clinic --starter` against the running demo server (no restart): the clinic's site,
admin and sitemap work. The network admin adds its medical reviewer under Users (a tick in the clinic's own row of
roles); the reviewer adds a clinician, publishes an About page and a team page, and chooses that clinician as a
procedure page's medical reviewer; the page's JSON-LD names the clinician.
"""

import json
import re

from tests.browser.support import NETWORK_ADMIN, STAFF_PASSWORD, Clinic, expect, log_in, unique_word


def create_clinic(server, name, hostname):
    return server.manage(
        "create_clinic",
        "--name",
        name,
        "--hostname",
        hostname,
        "--port",
        str(server.port),
        "--phone",
        "(217) 555-0150",
        "--notification-email",
        "team@lakeside.example",
        "--starter",
        capture_output=True,
    ).stdout


def add_staff(page, server, name, username, role):
    """A network admin adds the clinic's staff account under Users, ticking the role in the clinic's own row."""
    page.goto(server.admin_url("users/new/"))
    page.locator("#id_username").fill(username)
    page.locator("#id_email").fill(f"{username}@lakeside.example")
    page.locator("#id_first_name").fill("Nadia")
    page.locator("#id_last_name").fill("Reviewer")
    page.locator("#id_password1").fill(STAFF_PASSWORD)
    page.locator("#id_password2").fill(STAFF_PASSWORD)
    page.locator("#tab-label-roles").click()  # Wagtail's user form: "Account", then "Roles"
    page.get_by_role("group", name=name, exact=True).get_by_label(role, exact=True).check()
    page.get_by_role("button", name=re.compile(r"^(Add user|Create|Save)")).first.click()
    expect(page.get_by_text(re.compile(r"User '.+' created"))).to_be_visible()


def add_draft_procedure(server, hostname, title, slug):
    """A procedure page drafted by the clinic (its long form is filled in the review journey, not here)."""
    return server.query(
        "from wagtail.models import Site\n"
        "from pages.models import ProcedurePage\n"
        f"home = Site.objects.get(hostname={hostname!r}).root_page.specific\n"
        f"page = ProcedurePage.objects.child_of(home).filter(slug={slug!r}).first()\n"
        "if page is None:\n"
        f"    page = ProcedurePage(title={title!r}, slug={slug!r}, live=False, summary='A small injection eases "
        "back pain.', what_it_is='<p>What it is.</p>', how_it_works='<p>How it works.</p>', benefits='<p>Less "
        "pain.</p>', preparation='<p>Bring a driver.</p>', risks='<p>Some soreness.</p>', body_location='Lower back')\n"
        "    home.add_child(instance=page)\n"
        "    page.save_revision()\n"
        "result = page.pk"
    )


def publish_from_editor(page):
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    # "Page '…' created and published." for a new page, "… has been published." for an edited one.
    expect(page.get_by_text(re.compile(r"(created and|has been) published\."))).to_be_visible()


def test_a_clinic_created_while_the_server_runs_gets_its_site_team_and_reviewer(open_window, server, screenshots):
    word = unique_word(6)
    name, hostname = f"Lakeside {word.capitalize()}", f"lakeside-{word}.localhost"
    output = create_clinic(server, name, hostname)
    assert f"http://{hostname}:{server.port}/" in output
    assert output.count("added as a draft") == 4
    clinic = Clinic(name, hostname, "(217) 555-0150")
    prefix = name.lower().replace(" ", "-")
    admin = open_window("network-admin")
    log_in(admin, server, *NETWORK_ADMIN)
    add_staff(admin, server, name, f"{prefix}-reviewer", "medical reviewer")
    screenshots(admin, "staff-added")

    # Patients: the new site answers at once, and its sitemap names its real address.
    patient = open_window("patient")
    patient.goto(server.url(clinic))
    expect(patient.get_by_role("heading", level=1)).to_be_visible()
    sitemap = patient.goto(server.url(clinic, "/sitemap.xml")).text()
    assert f"<loc>http://{hostname}:{server.port}/</loc>" in sitemap and "None" not in sitemap

    reviewer = open_window("reviewer")
    log_in(reviewer, server, f"{prefix}-reviewer")
    screenshots(reviewer, "dashboard")

    # A clinician, written once.
    clinician = f"Dr Nadia {unique_word(6).capitalize()}"
    reviewer.goto(server.admin_url("clinicians/new/"))
    reviewer.locator("#id_name").fill(clinician)
    reviewer.locator("#id_credentials").fill("MD, pain medicine")
    reviewer.get_by_role("button", name="Create").click()
    expect(reviewer.get_by_text(clinician).first).to_be_visible()
    screenshots(reviewer, "clinician-added")

    home_pk = server.query(
        f"from wagtail.models import Site\nresult = Site.objects.get(hostname={hostname!r}).root_page_id"
    )
    for page_type, title in [("generalpage", "About us"), ("teampage", "Our team")]:
        reviewer.goto(server.admin_url(f"pages/add/pages/{page_type}/{home_pk}/"))
        reviewer.locator("#id_title").fill(title)
        reviewer.locator("#id_introduction").fill(f"{title}: who we are and how we care for you.")
        publish_from_editor(reviewer)
    screenshots(reviewer, "pages-published")

    patient.goto(server.url(clinic, "/our-team/"))
    expect(patient.get_by_role("heading", name=clinician)).to_be_visible()
    screenshots(patient, "team-page")
    patient.goto(server.url(clinic, "/about-us/"))
    expect(patient.get_by_role("heading", name="About us", level=1)).to_be_visible()

    # The clinician is chosen as a procedure page's medical reviewer; publishing records the review.
    procedure_pk = add_draft_procedure(server, hostname, "Facet joint injections", "facet-joint-injections")
    reviewer.goto(server.admin_url(f"pages/{procedure_pk}/edit/"))
    reviewer.locator("#id_reviewer").select_option(label=f"{clinician}, MD, pain medicine")
    publish_from_editor(reviewer)

    patient.goto(server.url(clinic, "/facet-joint-injections/"))
    data = json.loads(patient.locator('script[type="application/ld+json"]').first.text_content())
    assert data["reviewedBy"]["name"] == clinician
    assert "lastReviewed" in data
    expect(patient.get_by_text(f"Reviewed by {clinician}")).to_be_visible()
    screenshots(patient, "procedure-reviewed")
