"""axe-core on every kind of public page of both clinics, and on the forms in their error and warning states.

Fails on any violation of serious or critical impact (WCAG 2.2 A/AA and axe's best practices).
"""

import pytest

from tests.browser.support import (
    ASCPM,
    CONTACT_PATH,
    PROCEDURE_PATH,
    RECOVERY_PATH,
    SPINAL,
    Clinic,
    FormTimer,
    Patient,
    assert_accessible,
    axe_violations,
    expect,
    fill_message_form,
    messages_section,
    open_form,
)

PAGES = [
    (clinic, path)
    for clinic in (ASCPM, SPINAL)
    for path in (
        "/",
        PROCEDURE_PATH,
        CONTACT_PATH,
        f"{PROCEDURE_PATH}messages/thanks/",
        f"{PROCEDURE_PATH}messages/thanks/?urgent=1",
        "/search/",
        "/search/?q=injection",
        "/search/?q=zebra",
        "/no-such-page/",
        # The pages beyond procedures: general pages, the treatments index and the team page.
        "/about-us/",
        "/treatments/",
        "/our-team/",
        "/privacy/",
    )
] + [
    (SPINAL, RECOVERY_PATH),
    (SPINAL, f"{RECOVERY_PATH}messages/thanks/"),
    # A hostname that is no clinic's: the neutral "No clinic at this address" page.
    (Clinic("No clinic", "unknown-clinic.localhost", ""), "/"),
]


def test_axe_finds_a_known_problem(browser, browser_requirements):
    """The check itself works: an image without a text alternative is a critical violation."""
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><title>Check</title><main><h1>Check</h1><img src="x.png"></main></html>')
        assert [violation["id"] for violation in axe_violations(page)] == ["image-alt"]
    finally:
        page.close()


@pytest.mark.parametrize(("clinic", "path"), PAGES, ids=[f"{clinic.hostname}{path}" for clinic, path in PAGES])
def test_public_page_is_accessible(open_window, server, clinic, path):
    page = open_window("patient")
    page.goto(server.url(clinic, path))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, page.url)


def test_message_form_states_are_accessible(open_window, server, screenshots):
    patient = Patient.new("Fay")
    page = open_window("patient")
    page.goto(server.url(SPINAL, RECOVERY_PATH))
    section = messages_section(page)
    fill_message_form(page, name="", email="fay.example.org", text="")
    section.get_by_role("button", name="Send message").click()
    expect(section.get_by_role("alert")).to_contain_text("Your message was not sent")
    screenshots(page, "errors", show=section.get_by_role("alert"))
    assert_accessible(page, "the message form with errors")

    page.goto(server.url(ASCPM, PROCEDURE_PATH))
    fill_message_form(page, name=patient.name, email=patient.email, text="Please call me on 555 010 7788.")
    section.get_by_role("button", name="Send message").click()
    expect(section.get_by_role("alert")).to_contain_text("Check your message before you send it")
    assert_accessible(page, "the message form asking about personal health information")


def test_contact_form_states_are_accessible(open_window, server):
    patient = Patient.new("Gil")
    for clinic in (ASCPM, SPINAL):
        # A window each: the contact forms' flood limit allows one submission from an address per 15 seconds.
        page = open_window("patient")
        timer = open_form(page, server.url(clinic, CONTACT_PATH))
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
        assert_accessible(page, f"{clinic.name}'s contact form with errors")
        # The form's tokens were fetched when Send was first pressed: the time trap counts from then.
        timer = FormTimer()

        page.get_by_role("textbox", name="Your name").fill(patient.name)
        page.get_by_role("textbox", name="Your email").fill(patient.email)
        page.get_by_role("textbox", name="How can we help?").fill("Is there a lift to the clinic's floor?")
        timer.wait()
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Your message has been sent")
        assert_accessible(page, f"{clinic.name}'s contact form's thank-you page")
