"""Journey: a library editor revises the facet joint injection master and the library's reviewer approves it; an
ASCPM editor sees the update, compares, takes one section; the ASCPM reviewer approves it; Spinal Diagnostics'
copy is untouched until its own staff act."""

from tests.browser.support import ASCPM, PROCEDURE_PATH, SPINAL, expect, log_in, unique_word

MASTER = "Facet joint injections"


def approve_from_dashboard(window, title):
    awaiting = window.get_by_role("region", name="Awaiting your review")
    expect(awaiting).to_contain_text(title)
    awaiting.get_by_role("row").filter(has_text=title).first.get_by_role("button", name="Actions").click()
    awaiting.get_by_role("button", name="Approve", exact=True).click()
    return awaiting


def test_library_update_reaches_one_clinic_by_its_own_choice_and_review(open_window, server, screenshots):
    word = unique_word()
    summary = f"A facet joint injection puts medicine into a small joint of your spine to ease pain ({word})."

    # The library editor revises the master and sends it to the library's medical review.
    library_editor = open_window("library editor")
    log_in(library_editor, server, "library-editor")
    library_editor.goto(server.admin_url("library/"))
    library_editor.get_by_role("link", name=MASTER, exact=True).click()
    library_editor.get_by_role("link", name="Edit this library page").click()
    library_editor.get_by_role("textbox", name="Summary").fill(summary)
    library_editor.get_by_role("button", name="More actions").click()
    library_editor.get_by_role("button", name="Submit to Procedure library medical review").click()
    expect(library_editor.get_by_text("has been submitted for")).to_be_visible()
    screenshots(library_editor, "master-submitted")

    library_reviewer = open_window("library reviewer")
    log_in(library_reviewer, server, "library-reviewer")
    awaiting = approve_from_dashboard(library_reviewer, MASTER)
    expect(awaiting).to_have_count(0)

    # ASCPM's editor finds the update in the report, compares and takes the summary only.
    editor = open_window("ascpm editor")
    log_in(editor, server, "ascpm-editor")
    editor.goto(server.admin_url("reports/library-updates/"))
    expect(editor.get_by_text("Spinal Diagnostics")).to_have_count(0)
    editor.get_by_role("link", name=MASTER, exact=True).first.click()
    section = editor.locator("#section-summary")
    expect(section.get_by_text("changed", exact=True)).to_be_visible()
    expect(section.locator(".library-now")).to_contain_text(word)
    expect(section.locator(".library-ours")).not_to_contain_text(word)
    screenshots(editor, "compare", show=section)
    section.get_by_role("button", name="Take the new text").click()
    expect(editor.get_by_text("'Summary' now has the library's new text")).to_be_visible()
    editor.get_by_role("link", name="Edit your page").click()
    expect(editor.get_by_role("textbox", name="Summary")).to_have_value(summary)
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Submit to ASCPM medical review").click()
    expect(editor.get_by_text("has been submitted for")).to_be_visible()

    patient = open_window("patient")
    patient.goto(server.url(ASCPM, PROCEDURE_PATH))
    expect(patient.get_by_text(word)).to_have_count(0)

    reviewer = open_window("ascpm reviewer")
    log_in(reviewer, server, "ascpm-reviewer")
    expect(approve_from_dashboard(reviewer, MASTER)).to_have_count(0)
    patient.reload()
    expect(patient.get_by_text(summary)).to_be_visible()
    screenshots(patient, "ascpm-live", show=patient.get_by_text(summary))

    # Spinal Diagnostics' copy: not on its site, still waiting for its own staff's choice.
    patient.goto(server.url(SPINAL, PROCEDURE_PATH))
    expect(patient.get_by_role("heading", level=1)).to_be_visible()
    expect(patient.get_by_text(word)).to_have_count(0)
    spinal = open_window("spinal editor")
    log_in(spinal, server, "spinaldiagnostics-editor")
    spinal.goto(server.admin_url("reports/library-updates/"))
    spinal.get_by_role("link", name=MASTER, exact=True).first.click()
    spinal_section = spinal.locator("#section-summary")
    expect(spinal_section.get_by_text("changed", exact=True)).to_be_visible()
    expect(spinal_section.locator(".library-ours")).not_to_contain_text(word)
    screenshots(spinal, "spinal-waiting", show=spinal_section)
