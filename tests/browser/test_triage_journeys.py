"""Journeys 9-12: a busy clinic's triage (urgent first, followed up, next in one click) and patients' forms that
neither lose a message nor send one twice, and a reply notice that tells nothing of the message."""

import re

from tests.browser.support import (
    CONTACT_PATH,
    PROCEDURE_PATH,
    RECOVERY_PATH,
    SPINAL,
    Patient,
    expect,
    expect_message_thanks,
    fill_message_form,
    leave_message,
    log_in,
    messages_section,
    open_form,
    stored_messages,
)
from tests.browser.test_moderator_journeys import search_messages, send_contact_form

INSPECT_URL = re.compile(r"/admin/patient-messages/inspect/(\d+)/$")


def message_id(admin):
    """The id in the address of the message the moderator is on."""
    return int(INSPECT_URL.search(admin.url).group(1))


def test_urgent_message_is_first_followed_up_and_next_opens_in_one_click(open_window, server, screenshots):
    patient = Patient.new("Ivo")
    other = Patient.new("Lena")
    # The urgent message is sent first: newest-first alone would list it below the ordinary one.
    urgent = f"Since this morning I have new numbness in my leg and I cannot pass urine. ({patient.word})"
    ordinary = f"Thank you, the leaflet about the first week was clear and useful. ({patient.word})"
    note = f"Called the patient at 9:10, seen in clinic today ({patient.word} note)"
    recovery_url = server.url(SPINAL, RECOVERY_PATH)
    leave_message(open_window("urgent patient"), recovery_url, patient, urgent)
    leave_message(open_window("other patient"), recovery_url, other, ordinary)

    admin = open_window("moderator")
    log_in(admin, server, "spinaldiagnostics-moderator")
    search_messages(admin, patient.word, status="Pending")
    rows = admin.get_by_role("table").get_by_role("row").filter(has_text=patient.word)
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Urgent symptoms")
    expect(rows.first).to_contain_text(patient.name)
    expect(rows.nth(1)).to_contain_text(other.name)
    expect(rows.nth(1)).not_to_contain_text("Urgent symptoms")
    screenshots(admin, "urgent-first")

    # Without a search, too, the pending list starts with the urgent messages.
    admin.get_by_role("textbox", name="Search term").fill("")
    expect(admin).not_to_have_url(re.compile(r"[?&]q="))
    expect(admin.get_by_role("table").get_by_role("row").nth(1)).to_contain_text("Urgent symptoms")

    search_messages(admin, patient.word, status="Pending")
    rows.first.get_by_role("link").first.click()
    expect(admin).to_have_url(INSPECT_URL)
    urgent_id = message_id(admin)
    inspect_url = admin.url
    expect(admin.get_by_text(urgent)).to_be_visible()

    follow_up = admin.get_by_role("form", name="Follow-up")
    follow_up.get_by_role("radio", name="Patient contacted").check()
    follow_up.get_by_role("textbox", name="Internal note").fill(note)
    follow_up.get_by_role("button", name="Save follow-up").click()
    expect(admin.get_by_text(re.compile(r"Ivo \w\. on .+: follow-up saved\."))).to_be_visible()
    recorded = admin.get_by_text(
        re.compile(r"Patient contacted, recorded by spinaldiagnostics-moderator, \d+ \w{3} \d{4}")
    )
    expect(recorded).to_be_visible()
    expect(follow_up.get_by_role("textbox", name="Internal note")).to_have_value(note)
    screenshots(admin, "contacted", show=admin.get_by_role("heading", name="Follow-up"))

    follow_up.get_by_role("radio", name="Handled").check()
    follow_up.get_by_role("button", name="Save follow-up").click()
    expect(
        admin.get_by_text(re.compile(r"Handled, recorded by spinaldiagnostics-moderator, \d+ \w{3} \d{4}"))
    ).to_be_visible()
    assert server.query(
        "from pages.models import PatientMessage\n"
        f"message = PatientMessage.objects.get(pk={urgent_id})\n"
        "result = [message.status, message.followup_state, message.followup_note]"
    ) == ["pending", "handled", note]
    screenshots(admin, "handled", show=admin.get_by_role("heading", name="Follow-up"))

    # One click on "Next pending message" opens another pending message of the clinic.
    admin.get_by_role("link", name="Next pending message").click()
    expect(admin).to_have_url(INSPECT_URL)
    assert message_id(admin) != urgent_id
    expect(admin.get_by_text("Pending", exact=True)).to_be_visible()
    expect(admin.get_by_text(urgent)).to_have_count(0)
    screenshots(admin, "next-pending")

    # Approved, the message is public; its follow-up and note are not.
    admin.goto(inspect_url)
    admin.get_by_role("button", name="Approve", exact=True).click()
    expect(admin.get_by_text(re.compile(r"Ivo \w\. on .+: approved\."))).to_be_visible()
    page = open_window("reader")
    page.goto(recovery_url)
    published = messages_section(page).get_by_role("listitem").filter(has_text=urgent)
    expect(published).to_be_visible()
    content = page.content()
    for private in (note, "Handled", "Patient contacted", "follow-up", "Follow-up"):
        assert private not in content, private
    screenshots(page, "published-without-note", show=published)


def test_contact_form_reloaded_after_sending_stores_one_submission(open_window, server, screenshots):
    patient = Patient.new("Noor")
    question = f"Is there a lift to the first floor of the clinic? ({patient.word})"
    emails_before = len(server.sent_emails())
    page = open_window("patient")
    send_contact_form(page, server, SPINAL, patient, question)
    expect(page).to_have_url(re.compile(re.escape(CONTACT_PATH) + r"\?sent=1$"))
    screenshots(page, "sent")

    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Your message has been sent")
    screenshots(page, "reloaded")

    stored = server.query(
        "from wagtail.contrib.forms.models import FormSubmission\n"
        f"result = [s.pk for s in FormSubmission.objects.all() if {question!r} in s.form_data.values()]"
    )
    assert len(stored) == 1, stored
    new_emails = server.sent_emails()[emails_before:]
    assert len(new_emails) == 1, [message["Subject"] for message in new_emails]
    text = new_emails[0].get_body().get_content()
    for private in (question, patient.word, patient.email):
        assert private not in text and private not in new_emails[0]["Subject"]


def test_fast_patient_keeps_their_message(open_window, server, screenshots):
    patient = Patient.new("Tess")
    text = f"Thanks, very helpful! ({patient.word})"
    page = open_window("patient")
    timer = open_form(page, server.url(SPINAL, PROCEDURE_PATH))
    section = messages_section(page)
    fill_message_form(page, name=patient.name, email=patient.email, text=text)
    # At once, as with a browser's autofill: sooner than the time trap.
    section.get_by_role("button", name="Send message").click()

    summary = section.get_by_role("alert")
    expect(summary).to_contain_text("Your message was not sent")
    expect(summary).to_contain_text("please press Send again")
    expect(section.get_by_role("textbox", name="Name", exact=True)).to_have_value(patient.name)
    expect(section.get_by_role("textbox", name="Email", exact=True)).to_have_value(patient.email)
    expect(section.get_by_role("textbox", name="Message", exact=True)).to_have_value(text)
    screenshots(page, "press-send-again", show=summary)
    assert stored_messages(server, patient.email) == []

    timer.wait()
    section.get_by_role("button", name="Send message").click()
    expect_message_thanks(page)
    screenshots(page, "sent")
    assert stored_messages(server, patient.email) == [("pending", "", text)]


def test_reply_notice_arrives_without_the_message_or_the_reply(open_window, server, screenshots):
    patient = Patient.new("Omar")
    text = f"Is it normal that the injection site is a little sore on the second day? ({patient.word})"
    reply = f"Yes, some soreness for two or three days is common; a cold pack helps. ({patient.word})"
    recovery_url = server.url(SPINAL, RECOVERY_PATH)
    page = open_window("patient")
    timer = open_form(page, recovery_url)
    section = messages_section(page)
    fill_message_form(page, name=patient.name, email=patient.email, text=text)
    section.get_by_role("checkbox", name="Email me when the clinic replies").check()
    screenshots(page, "asks-for-notice", show=section.get_by_role("checkbox", name="Email me when the clinic replies"))
    timer.wait()
    section.get_by_role("button", name="Send message").click()
    expect_message_thanks(page)

    admin = open_window("moderator")
    log_in(admin, server, "spinaldiagnostics-moderator")
    search_messages(admin, patient.word, status="Pending").click()
    admin.get_by_role("link", name="Reply or redact").click()
    admin.get_by_role("textbox", name="Clinic reply").fill(reply)
    admin.get_by_role("button", name="Save and approve", exact=True).click()
    expect(admin.get_by_text(re.compile(r"Omar \w\. on .+: saved and approved\."))).to_be_visible()
    screenshots(admin, "replied")

    notices = [message for message in server.sent_emails() if message["To"] == patient.email]
    assert len(notices) == 1, [message["Subject"] for message in notices]
    notice = notices[0]
    subject, body = notice["Subject"], notice.get_body().get_content()
    assert SPINAL.name in subject
    assert SPINAL.name in body
    assert "What to expect after facet joint injections" in body
    assert recovery_url in body
    for private in (text, reply, patient.word, patient.name):
        assert private not in subject and private not in body, private

    # The link in the email leads to the reply on the page.
    page.goto(re.search(r"http://\S+", body).group(0))
    published = messages_section(page).get_by_role("listitem").filter(has_text=text)
    expect(published).to_contain_text(reply)
    screenshots(page, "reply-from-email", show=published)
