"""Journey 9: a busy clinic's triage: an urgent message listed first, followed up with a note, the next one in one click."""

import re

from tests.browser.support import (
    RECOVERY_PATH,
    SPINAL,
    Patient,
    expect,
    leave_message,
    log_in,
    messages_section,
)
from tests.browser.test_moderator_journeys import search_messages

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
