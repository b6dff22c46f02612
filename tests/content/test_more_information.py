"""The "more information" section of clinical pages: a real heading, an "On this page" entry, and block labels."""

from pages.content.blocks import ContentStreamBlock, FAQStreamBlock
from tests.factories import ProcedurePageFactory, RecoveryGuidancePageFactory, role_user

MORE_HEADING = '<h2 id="more-information-heading">More information</h2>'
MORE_NAV_ENTRY = '<li><a href="#more-information">More information</a></li>'
EXTRA_BLOCKS = [("heading", {"text": "Driving afterwards", "level": "h3"})]


def html_of(client, clinic, path):
    return client.get(path, HTTP_HOST=clinic.site.hostname).content.decode()


def test_procedure_page_heads_more_information_and_lists_it_on_this_page(client, clinic_a):
    ProcedurePageFactory(parent=clinic_a.home_page, slug="ablation", body=EXTRA_BLOCKS)
    html = html_of(client, clinic_a, "/ablation/")
    assert MORE_HEADING in html
    assert MORE_NAV_ENTRY in html
    # The section's own heading comes before the editor's sub-heading, so a level 3 heading has its level 2.
    assert html.index(MORE_HEADING) < html.index("<h3>Driving afterwards</h3>")
    nav = html[html.index('<nav class="on-this-page"') : html.index("</nav>", html.index('<nav class="on-this-page"'))]
    assert nav.index("#risks") < nav.index("#more-information")


def test_recovery_page_heads_more_information_and_lists_it_on_this_page(client, clinic_a, procedure_a):
    RecoveryGuidancePageFactory(parent=procedure_a, slug="after", body=EXTRA_BLOCKS)
    html = html_of(client, clinic_a, "/facet-joint-injections/after/")
    assert MORE_HEADING in html
    assert 'id="more-information"' in html
    nav = html[html.index('<nav class="on-this-page"') : html.index("</nav>", html.index('<nav class="on-this-page"'))]
    assert nav.index("#when-to-call") < nav.index("#more-information")


def test_no_more_information_heading_or_entry_without_blocks(client, clinic_a, recovery_a):
    procedure_html = html_of(client, clinic_a, "/facet-joint-injections/")
    recovery_html = html_of(client, clinic_a, "/facet-joint-injections/after/")
    for html in (procedure_html, recovery_html):
        assert "More information" not in html
        assert "#more-information" not in html


def test_the_question_block_is_labelled_question_and_answer():
    assert ContentStreamBlock().child_blocks["faq"].label == "Question and answer"
    assert FAQStreamBlock().child_blocks["question"].label == "Question and answer"


def test_the_page_editor_offers_question_and_answer_not_faq(client, clinic_a, procedure_a):
    client.force_login(role_user(clinic_a, "editors"))
    html = client.get(f"/admin/pages/{procedure_a.pk}/edit/").content.decode()
    assert "Question and answer" in html
    assert '"Faq"' not in html
