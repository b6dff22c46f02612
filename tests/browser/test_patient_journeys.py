"""Journeys 1-3: a patient reads both clinics' pages and leaves messages under them."""

from tests.browser.support import (
    ASCPM,
    PROCEDURE_PATH,
    RECOVERY_PATH,
    SPINAL,
    Patient,
    expect,
    expect_message_thanks,
    fill_message_form,
    messages_section,
    open_form,
    stored_messages,
)


def expect_clinic_page(page, clinic, other, title, reviewed, next_review):
    """The page carries `clinic`'s name, phone and review dates, and nothing of `other`."""
    expect(page).to_have_title(f"{title} | {clinic.name}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=clinic.name)).to_have_attribute("href", "/")
    expect(header.get_by_role("link", name=clinic.phone)).to_be_visible()
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("heading", name=f"Contact {clinic.name}")).to_be_visible()
    expect(footer.get_by_role("link", name=clinic.phone)).to_be_visible()
    expect(page.get_by_text(f"Page last reviewed: {reviewed}. Next review due: {next_review}.")).to_be_visible()
    for text in (other.name, other.phone):
        expect(page.get_by_text(text)).to_have_count(0)


def test_patient_reads_both_clinics(open_window, server, screenshots):
    page = open_window("patient")

    page.goto(server.url(ASCPM, PROCEDURE_PATH))
    expect_clinic_page(page, ASCPM, SPINAL, "Facet joint injections", "15 March 2026", "15 March 2027")
    screenshots(page, "ascpm-procedure")

    page.goto(server.url(SPINAL, RECOVERY_PATH))
    expect_clinic_page(
        page,
        SPINAL,
        ASCPM,
        "What to expect after facet joint injections",
        "2 November 2025",
        "2 November 2026",
    )
    screenshots(page, "spinal-recovery")


def test_patient_corrects_an_email_and_sends_a_message(open_window, server, screenshots):
    patient = Patient.new()
    text = f"Thank you for the tip about the ice pack. It helped me rest on the first evening. ({patient.word})"
    page = open_window("patient")
    timer = open_form(page, server.url(SPINAL, RECOVERY_PATH))
    section = messages_section(page)
    fill_message_form(page, name=patient.name, email="ada.example.org", text=text)
    section.get_by_role("button", name="Send message").click()

    summary = section.get_by_role("alert")
    expect(summary).to_contain_text("Your message was not sent")
    expect(
        summary.get_by_role("link", name="Please enter your email in the right format, like name@example.com")
    ).to_be_visible()
    expect(section.get_by_role("textbox", name="Name", exact=True)).to_have_value(patient.name)
    expect(section.get_by_role("textbox", name="Email", exact=True)).to_have_value("ada.example.org")
    expect(section.get_by_role("textbox", name="Message", exact=True)).to_have_value(text)
    screenshots(page, "bad-email", show=summary)

    section.get_by_role("textbox", name="Email", exact=True).fill(patient.email)
    timer.wait()
    section.get_by_role("button", name="Send message").click()
    expect_message_thanks(page)
    screenshots(page, "awaiting-moderation")

    page.get_by_role("link", name="Back to “What to expect after facet joint injections”").click()
    expect(messages_section(page)).to_contain_text("Helen O'Brien")  # the approved ones are listed
    expect(messages_section(page)).not_to_contain_text(patient.word)
    screenshots(page, "not-published-yet", show=messages_section(page).get_by_role("list").first)
    assert stored_messages(server, patient.email) == [("pending", "", text)]


def test_patient_removes_a_phone_number_before_sending(open_window, server, screenshots):
    patient = Patient.new("Ben")
    with_phone = f"Could someone call me on 555 010 7788 about the best day for my injection? ({patient.word})"
    edited = f"Could someone tell me which day of the week is best for my injection? ({patient.word})"
    page = open_window("patient")
    timer = open_form(page, server.url(ASCPM, PROCEDURE_PATH))
    section = messages_section(page)
    fill_message_form(page, name=patient.name, email=patient.email, text=with_phone)
    section.get_by_role("button", name="Send message").click()

    warning = section.get_by_role("alert")
    expect(warning).to_contain_text("Check your message before you send it")
    expect(warning).to_contain_text("Your message seems to contain a phone number.")
    expect(section.get_by_role("button", name="Send anyway")).to_be_visible()
    message = section.get_by_role("textbox", name="Message", exact=True)
    expect(message).to_have_value(with_phone)
    screenshots(page, "phone-number-warning", show=warning)

    message.fill(edited)
    timer.wait()
    section.get_by_role("button", name="Send message", exact=True).click()
    expect_message_thanks(page)
    screenshots(page, "sent-without-number")
    assert stored_messages(server, patient.email) == [("pending", "", edited)]
