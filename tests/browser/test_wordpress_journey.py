"""Journey 13: a clinic moves its WordPress site in, and patients, old links and moderators carry on.

A network admin creates a clinic while the server runs and imports the small WordPress export of the importer's
tests (tests/wordpress/exports/clinic.xml) with a copy of its uploads. A patient opens an imported article and
sees its approved comments and the clinic's reply, but none of the held, spam or trashed ones; follows an old
permalink and an old `/?p=` link to the new page; a moderator approves an imported pending comment, which then
shows under the article.
"""

import re

from PIL import Image as PILImage

from tests.browser.support import NETWORK_ADMIN, Clinic, expect, log_in, messages_section, unique_word
from tests.browser.test_moderator_journeys import search_messages
from tests.wordpress.support import CLINIC_EXPORT

ARTICLE_PATH = "/news/evening-hours/"


def make_uploads(folder):
    target = folder / "2019" / "04"
    target.mkdir(parents=True)
    PILImage.new("RGB", (64, 48), (30, 110, 105)).save(target / "leg-xray.png")
    (target / "leaflet.pdf").write_bytes(b"%PDF-1.4\n% leaflet\n")
    return folder


def test_a_clinic_moves_its_wordpress_site_in(open_window, server, screenshots, tmp_path):
    word = unique_word(6)
    name, hostname = f"Harbour {word.capitalize()}", f"harbour-{word}.localhost"
    server.manage(
        "create_clinic", "--name", name, "--hostname", hostname, "--port", str(server.port),
        "--phone", "(217) 555-0160", capture_output=True,
    )  # fmt: skip
    clinic = Clinic(name, hostname, "(217) 555-0160")
    uploads = make_uploads(tmp_path / "uploads")
    dry_run = server.manage(
        "import_wordpress", str(CLINIC_EXPORT), "--clinic", hostname, "--uploads", str(uploads), "--dry-run",
        capture_output=True,
    ).stdout  # fmt: skip
    assert dry_run.startswith("Dry run (nothing was saved)")
    report = tmp_path / "report.txt"
    output = server.manage(
        "import_wordpress", str(CLINIC_EXPORT), "--clinic", hostname, "--uploads", str(uploads),
        "--report", str(report), capture_output=True,
    ).stdout  # fmt: skip
    assert "post: 5 created" in output and "comment: 6 created" in output
    assert "attachment #22: skipped: file 2018/01/missing.jpg is not in the uploads folder" in report.read_text()

    # A patient reads the imported article and its approved comments with the clinic's reply.
    patient = open_window("patient")
    patient.goto(server.url(clinic, ARTICLE_PATH))
    expect(patient.get_by_role("heading", name="Evening opening hours", level=1)).to_be_visible()
    expect(patient.get_by_text("Dr Maria Lopez")).to_be_visible()
    expect(patient.get_by_role("img", name="Our X-ray room")).to_be_visible()
    published = messages_section(patient).get_by_role("listitem").filter(has_text="Great news, thank you.")
    expect(published).to_contain_text("Bob Approved")
    expect(published).to_contain_text("Glad it helps, see you on Thursday.")
    content = patient.content()
    for hidden in ("Carol Held", "Cheap Pills", "Dan Trashed", "bob@patients.example", "document.cookie"):
        assert hidden not in content, hidden
    screenshots(patient, "imported-article", show=published)

    # Old links: the permalink and WordPress's ?p= address both lead to the new page.
    patient.goto(server.url(clinic, "/2019/05/evening-hours/"))
    expect(patient).to_have_url(server.url(clinic, ARTICLE_PATH))
    patient.goto(server.url(clinic, "/?p=30"))
    expect(patient).to_have_url(server.url(clinic, ARTICLE_PATH))
    patient.goto(server.url(clinic, "/?page_id=10"))
    expect(patient).to_have_url(server.url(clinic, "/about/"))
    expect(messages_section(patient)).to_contain_text("Lovely staff, thank you!")
    screenshots(patient, "old-link-followed")

    # A moderator approves the imported comment WordPress had held.
    admin = open_window("moderator")
    log_in(admin, server, *NETWORK_ADMIN)
    message_link = search_messages(admin, "my legs feel numb", status="Pending")
    expect(message_link).to_have_count(1)
    message_link.click()
    admin.get_by_role("button", name="Approve", exact=True).click()
    expect(admin.get_by_text(re.compile(r"Carol H\. on Evening opening hours, .+: approved\."))).to_be_visible()
    screenshots(admin, "imported-message-approved")
    # The browser may keep the article it showed a minute ago (README "Page cache and edge cache"): reloading asks
    # the server, whose caches the approval has purged.
    patient.goto(server.url(clinic, ARTICLE_PATH))
    patient.reload()
    expect(messages_section(patient).get_by_role("listitem").filter(has_text="Carol Held")).to_be_visible()
