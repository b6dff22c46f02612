"""Journeys 4-6: moderators answer their clinic's patients in the admin, and see nothing of the other clinic."""

import csv
import re
from urllib.parse import urlencode

from tests.browser.support import (
    ASCPM,
    CONTACT_PATH,
    RECOVERY_PATH,
    SPINAL,
    Patient,
    assert_refused,
    expect,
    leave_message,
    log_in,
    messages_section,
    open_admin_menu,
    open_form,
)


def search_messages(admin, words, status=None):
    """Patient messages → the count of one status, if given → search for `words`: the links to the messages found."""
    open_admin_menu(admin, "Patient messages")
    expect(admin.get_by_role("heading", name="Patient messages", level=1)).to_be_visible()
    if status:
        counts = admin.get_by_role("navigation", name="Messages by status")
        counts.get_by_role("link", name=re.compile(f"^{status} ")).click()
        expect(admin).to_have_url(re.compile(f"status={status.lower()}"))
    admin.get_by_role("textbox", name="Search term").fill(words)
    # The listing is searched as one types; its address says so once the results are in.
    expect(admin).to_have_url(re.compile(rf"[?&]{re.escape(urlencode({'q': words}))}(&|$)"))
    return admin.get_by_role("table").get_by_role("link", name=words)


def send_contact_form(page, server, clinic, patient, question):
    timer = open_form(page, server.url(clinic, CONTACT_PATH))
    page.get_by_role("textbox", name="Your name").fill(patient.name)
    page.get_by_role("textbox", name="Your email").fill(patient.email)
    page.get_by_role("textbox", name="How can we help?").fill(question)
    timer.wait()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your message has been sent")


def test_moderator_replies_to_and_approves_a_message(open_window, server, screenshots):
    patient = Patient.new("Cleo")
    text = f"I went for a short walk the day after and felt fine. Is swimming all right too? ({patient.word})"
    reply = f"Yes: gentle swimming is fine after two days. Build up slowly. ({patient.word})"
    recovery_url = server.url(SPINAL, RECOVERY_PATH)
    page = open_window("patient")
    leave_message(page, recovery_url, patient, text)

    admin = open_window("moderator")
    log_in(admin, server, "spinaldiagnostics-moderator")
    screenshots(admin, "dashboard")
    message_link = search_messages(admin, patient.word, status="Pending")
    expect(message_link).to_have_count(1)
    # Readable at any width: the message keeps a column of its own (the table scrolls sideways on a phone).
    assert message_link.bounding_box()["width"] >= 200
    screenshots(admin, "pending-list")

    message_link.click()
    expect(admin.get_by_text(f"{patient.email} (never shown publicly)")).to_be_visible()
    admin.get_by_role("link", name="Reply or redact").click()
    admin.get_by_role("textbox", name="Clinic reply").fill(reply)
    screenshots(admin, "reply")
    # Reply and approve in one step; the notice names the message by the patient's first name and initial.
    admin.get_by_role("button", name="Save and approve", exact=True).click()
    initial = patient.name.split()[-1][0]
    approved = admin.get_by_text(re.compile(rf"Cleo {initial}\. on .+, \d+ \w{{3}}: saved and approved\."))
    expect(approved).to_be_visible()
    screenshots(admin, "approved", show=approved)

    page.goto(recovery_url)
    published = messages_section(page).get_by_role("listitem").filter(has_text=text)
    expect(published).to_contain_text(patient.name)
    expect(published).to_contain_text("Reply from Spinal Diagnostics")
    expect(published).to_contain_text(reply)
    assert patient.email not in page.content()
    screenshots(page, "published-with-reply", show=published)


def test_keyboard_shortcuts_act_on_a_message_but_not_while_typing(open_window, server, screenshots):
    patient = Patient.new("Uri")
    text = f"Since yesterday I have new numbness in my left leg after the injection. ({patient.word})"
    page = open_window("patient")
    leave_message(page, server.url(SPINAL, RECOVERY_PATH), patient, text)

    admin = open_window("moderator")
    log_in(admin, server, "spinaldiagnostics-moderator")
    search_messages(admin, patient.word, status="Pending").click()
    inspect_url = admin.url
    shortcuts = admin.get_by_role("list", name="Keyboard shortcuts")
    expect(shortcuts).to_contain_text("R Reject")

    # Typed into the follow-up note, "r" is a letter: nothing is rejected.
    note = admin.get_by_role("textbox", name="Internal note")
    note.click()
    note.press_sequentially("rsa")
    expect(note).to_have_value("rsa")
    assert admin.url == inspect_url

    # Outside a text field, "r" rejects the message and leads on to the queue.
    admin.get_by_role("heading", name="Moderate").click()
    admin.keyboard.press("r")
    rejected = admin.get_by_text(re.compile(r"Uri \w\. on .+: rejected\."))
    expect(rejected).to_be_visible()
    screenshots(admin, "rejected-by-shortcut", show=rejected)


def test_other_clinics_moderator_finds_nothing_of_it(open_window, server, screenshots):
    patient = Patient.new("Dev")
    text = f"Thank you for explaining the ice pack. It helped a lot. ({patient.word})"
    question = f"Can I bring my daughter to the appointment? ({patient.word})"
    page = open_window("patient")
    leave_message(page, server.url(SPINAL, RECOVERY_PATH), patient, text)
    send_contact_form(page, server, SPINAL, patient, question)
    spinal = server.query(
        "from pages.models import PatientMessage\n"
        "from wagtail.contrib.forms.models import FormSubmission\n"
        "from wagtail.images.models import Image\n"
        "from wagtail.models import Page\n"
        f"message = PatientMessage.objects.get(author_email={patient.email!r})\n"
        "form = Page.objects.get(url_path='/spinal-diagnostics/contact/')\n"
        "submissions = [s.form_data for s in FormSubmission.objects.filter(page=form)]\n"
        f"assert any({question!r} in data.values() for data in submissions)\n"
        "recovery = Page.objects.get(url_path__endswith='/what-to-expect-after/')\n"
        "logo = Image.objects.get(title='Spinal Diagnostics logo')\n"
        "result = {'message': message.pk, 'form': form.pk, 'page': recovery.pk, 'image': logo.pk}"
    )

    admin = open_window("moderator")
    log_in(admin, server, "ascpm-moderator")
    # Their own clinic's pending messages are found; the other clinic's new one is not.
    expect(search_messages(admin, "usual tablets")).to_have_count(1)
    found = search_messages(admin, patient.word)
    expect(admin.get_by_text("No patient messages match these filters.")).to_be_visible()
    expect(found).to_have_count(0)
    admin.get_by_role("textbox", name="Search term").fill("")
    expect(admin.get_by_role("table")).to_contain_text("Grace Whitfield")
    expect(admin.get_by_role("cell", name="Spinal Diagnostics")).to_have_count(0)
    screenshots(admin, "messages-search")

    open_admin_menu(admin, "Forms")
    forms = admin.get_by_role("table")
    expect(forms.get_by_role("link", name="Contact us")).to_have_count(1)
    expect(forms.get_by_role("cell", name="ASCPM", exact=True)).to_be_visible()
    expect(forms).not_to_contain_text("Spinal Diagnostics")
    screenshots(admin, "forms")

    # The dashboard, titled with their clinic, offers no page search; the search's address is refused too.
    admin.goto(server.admin_url())
    expect(admin.get_by_role("heading", level=1)).to_contain_text("ASCPM")
    expect(admin.get_by_role("main").get_by_role("textbox", name="Search term")).to_have_count(0)
    screenshots(admin, "dashboard")
    assert_refused(admin, server.admin_url("pages/search/?q=What+to+expect+after"), "What to expect after")

    assert_refused(admin, server.admin_url("images/?q=Spinal"), "Spinal Diagnostics logo")
    assert_refused(admin, server.admin_url("documents/?q=Spinal"))
    assert_refused(admin, server.admin_url(f"patient-messages/inspect/{spinal['message']}/"), text, patient.email)
    assert_refused(admin, server.admin_url(f"forms/submissions/{spinal['form']}/"), question)
    assert_refused(admin, server.admin_url(f"forms/submissions/{spinal['form']}/?export=csv"), question)
    assert_refused(admin, server.admin_url(f"pages/{spinal['page']}/edit/"), "What to expect after")
    assert_refused(admin, server.admin_url(f"images/{spinal['image']}/"), "Spinal Diagnostics logo")
    screenshots(admin, "refused")


def test_moderator_exports_a_contact_form_submission(open_window, server, screenshots, tmp_path):
    patient = Patient.new("Eve")
    question = f"Do you have parking for patients near the clinic? ({patient.word})"
    page = open_window("patient")
    send_contact_form(page, server, ASCPM, patient, question)
    screenshots(page, "contact-sent")

    admin = open_window("moderator")
    log_in(admin, server, "ascpm-moderator")
    open_admin_menu(admin, "Forms")
    admin.get_by_role("table").get_by_role("link", name="Contact us").click()
    row = admin.get_by_role("row").filter(has_text=question)
    expect(row).to_contain_text(patient.email)
    screenshots(admin, "submissions")

    with admin.expect_download() as download_info:
        admin.get_by_role("button", name="Actions", exact=True).click()
        admin.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8-sig")))
    exported = [row for row in rows if patient.word in " ".join(row.values())]
    assert len(exported) == 1, rows
    assert exported[0]["Your email"] == patient.email
    assert exported[0]["How can we help?"] == question
