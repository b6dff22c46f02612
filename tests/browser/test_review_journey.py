"""Journey 7: an editor's change reaches patients only once the clinic's medical reviewer approves it."""

from tests.browser.support import ASCPM, PROCEDURE_PATH, expect, log_in, unique_word


def test_editor_change_goes_live_after_medical_review(open_window, server, screenshots):
    # A harmless change that no other run or viewport makes: the procedure's duration, with a marker word.
    duration = f"The injection itself takes only a few minutes, often less than ten. ({unique_word()})"
    patient = open_window("patient")
    public_url = server.url(ASCPM, PROCEDURE_PATH)

    editor = open_window("editor")
    log_in(editor, server, "ascpm-editor")
    search = editor.get_by_role("textbox", name="Search term")
    search.fill("Facet joint injections")
    search.press("Enter")
    editor.get_by_role("link", name="Search the whole site").click()
    # The editor finds their clinic's page only, though Spinal Diagnostics has one of the same title.
    results = editor.get_by_role("table").get_by_role("link", name="Facet joint injections", exact=True)
    expect(results).to_have_count(1)
    screenshots(editor, "search")
    results.click()

    expect(editor.get_by_role("heading", name="Editing Procedure page: Facet joint injections")).to_be_visible()
    editor.get_by_role("textbox", name="How long it takes").fill(duration)
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Submit to ASCPM medical review").click()
    submitted = editor.get_by_text("Page 'Facet joint injections' has been submitted for medical review.")
    expect(submitted).to_be_visible()
    screenshots(editor, "submitted", show=submitted)

    patient.goto(public_url)
    expect(patient.get_by_role("heading", name="Facet joint injections", level=1)).to_be_visible()
    expect(patient.get_by_text(duration)).to_have_count(0)

    reviewer = open_window("reviewer")
    log_in(reviewer, server, "ascpm-reviewer")
    awaiting = reviewer.get_by_role("region", name="Awaiting your review")
    expect(awaiting).to_contain_text("Facet joint injections")
    screenshots(reviewer, "awaiting-review", show=awaiting)
    awaiting.get_by_role("row").filter(has_text="Facet joint injections").get_by_role("button", name="Actions").click()
    awaiting.get_by_role("button", name="Approve", exact=True).click()
    # Approved: the dashboard comes back with nothing left to review.
    expect(awaiting).to_have_count(0)
    expect(reviewer).to_have_url(server.admin_url())
    screenshots(reviewer, "approved")

    patient.reload()
    expect(patient.get_by_text(duration)).to_be_visible()
    screenshots(patient, "live", show=patient.get_by_text(duration))
