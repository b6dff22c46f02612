"""Reading grade: the pure text functions, and the read-only panel editors see in the page editor."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from pages.content.blocks import ContentStreamBlock, FAQStreamBlock
from pages.content.panels import ReadingGradePanel, clinic_reading_target
from pages.content.readability import MIN_WORDS, ReadingGrade, as_sentence, html_to_text, reading_grade, stream_text
from pages.models import ClinicHomePage, ProcedurePage
from tests.factories import RecoveryGuidancePageFactory, role_user

PLAIN = (
    "We put a thin needle into the joint. It takes a few minutes. Most people go home the same day. "
    "You may feel sore for a day or two. Call us if the pain gets worse. Rest and drink water."
)
DENSE = (
    "Intra-articular corticosteroid administration, performed under continuous fluoroscopic visualisation, "
    "necessitates meticulous anatomical localisation, considerable procedural experience, and comprehensive "
    "periprocedural evaluation of anticoagulation, hypersensitivity, immunosuppression, and contraindications "
    "associated with glucocorticoid pharmacology in individuals presenting with degenerative spondyloarthropathy."
)


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


# Pure functions


def test_html_to_text_drops_markup_and_ends_list_items_as_sentences():
    html = '<p>Rest <b>today</b>, see <a href="https://example.com/x">our advice</a>.</p><ul><li>Fever</li></ul>'
    text = html_to_text(html)
    assert text == "Rest today, see our advice. Fever."
    assert "href" not in text
    assert "example.com" not in text


def test_as_sentence_adds_a_full_stop_only_where_missing():
    assert as_sentence("Who can have this injection") == "Who can have this injection."
    assert as_sentence("Will it hurt?") == "Will it hurt?"
    assert as_sentence("  ") == ""


def test_stream_text_reads_the_words_and_skips_choices_images_and_markup():
    block = ContentStreamBlock()
    value = block.to_python(
        [
            {"type": "heading", "value": {"text": "Who can have it", "level": "h3"}},
            {
                "type": "callout",
                "value": {"style": "warning", "title": "Bring a driver", "text": "<p>You <i>cannot</i> drive.</p>"},
            },
            {"type": "paragraph", "value": '<p>We use <a href="https://example.com">live X-ray</a>.</p>'},
            {"type": "steps", "value": {"heading": "", "steps": [{"title": "We clean the skin", "text": ""}]}},
            {"type": "image", "value": {"image": None, "alt_text": "A doctor with a model", "caption": ""}},
        ]
    )
    texts = stream_text(block, value)
    assert texts == [
        "Who can have it",
        "Bring a driver",
        "You cannot drive.",
        "We use live X-ray.",
        "We clean the skin",
        "A doctor with a model",
    ]
    joined = " ".join(texts)
    # Choice values and their labels are settings, not words a patient reads.
    for not_text in ("h3", "Sub-section", "warning", "Important", "<", "example.com"):
        assert not_text not in joined


def test_stream_text_of_an_empty_or_missing_stream_is_empty():
    block = FAQStreamBlock()
    assert stream_text(block, block.to_python([])) == []
    assert stream_text(block, None) == []


def test_patient_text_joins_title_plain_rich_and_stream_fields_as_sentences():
    page = ProcedurePage(
        title="Facet joint injections",
        summary="A small injection into your spine",
        what_it_is="<p>It eases <b>back</b> pain.</p>",
        how_it_works="<ul><li>Numbing medicine</li><li>A steroid</li></ul>",
        benefits="",
        preparation="",
        risks="",
        procedure_type="SurgicalProcedure",
        faq=[("question", {"question": "Will it hurt", "answer": "<p>Only a little.</p>"})],
    )
    text = page.patient_text()
    assert text == (
        "Facet joint injections. A small injection into your spine. It eases back pain. Numbing medicine. "
        "A steroid. Will it hurt. Only a little."
    )
    assert "SurgicalProcedure" not in text


def test_too_little_text_has_no_grade_and_says_how_much_is_needed():
    result = reading_grade("Rest today. Call us if worried.", target=8)
    assert result.grade is None
    assert result.words == 6
    assert not result.meets_target
    assert result.summary == f"Not enough text to measure yet (6 words; {MIN_WORDS} needed)."


def test_plain_text_meets_the_target_and_dense_text_is_above_it():
    plain = reading_grade(PLAIN, target=8)
    assert plain.words >= MIN_WORDS
    assert plain.meets_target
    assert plain.summary == f"Reading grade {plain.grade:.1f} meets the clinic's target of grade 8."

    dense = reading_grade(DENSE, target=8)
    assert dense.grade > 8
    assert not dense.meets_target
    assert dense.summary == f"Reading grade {dense.grade:.1f} is above the clinic's target of grade 8."


def test_the_summary_formats_the_grade_to_one_decimal():
    assert ReadingGrade(7.25, 120, 8).summary == "Reading grade 7.2 meets the clinic's target of grade 8."


# The panel in the page editor


def test_the_panel_refuses_a_model_without_patient_text():
    with pytest.raises(ImproperlyConfigured):
        ReadingGradePanel().bind_to_model(ClinicHomePage)
    assert ReadingGradePanel().bind_to_model(ProcedurePage).model is ProcedurePage


def test_editor_sees_the_grade_word_count_and_clinic_target(client, clinic_a, procedure_a):
    client.force_login(role_user(clinic_a, "editors"))
    response = client.get(edit_url(procedure_a))
    assert response.status_code == 200
    html = response.content.decode()
    expected = procedure_a.reading_grade(8)
    assert expected.grade is not None
    assert f"Reading grade {expected.grade:.1f} meets the clinic&#x27;s target of grade 8." in html
    assert f"Words measured: {expected.words}." in html
    assert "set by ASCPM in Settings" in html


def test_changing_the_clinic_target_changes_the_verdict(client, clinic_a, procedure_a):
    clinic_a.settings.reading_grade_target = 2
    clinic_a.settings.save()
    client.force_login(role_user(clinic_a, "editors"))
    html = client.get(edit_url(procedure_a)).content.decode()
    grade = procedure_a.reading_grade(2).grade
    assert f"Reading grade {grade:.1f} is above the clinic&#x27;s target of grade 2." in html
    assert "Try shorter sentences and words." in html
    assert "target of grade 8" not in html


def test_the_grade_is_of_the_latest_draft_not_the_published_page(client, clinic_a, procedure_a):
    draft = ProcedurePage.objects.get(pk=procedure_a.pk)
    draft.summary = DENSE
    draft.save_revision()
    expected = draft.reading_grade(8)
    # The page row (what is published) keeps its text; only the revision has the new summary.
    published = ProcedurePage.objects.get(pk=procedure_a.pk)
    assert published.summary != DENSE
    assert expected.words != published.reading_grade(8).words

    client.force_login(role_user(clinic_a, "medical reviewers"))
    html = client.get(edit_url(procedure_a)).content.decode()
    assert f"Words measured: {expected.words}." in html
    assert f"Reading grade {expected.grade:.1f}" in html


def test_each_clinic_measures_against_its_own_target(client, clinics, procedure_a, procedure_b):
    clinic_a, clinic_b = clinics
    clinic_b.settings.reading_grade_target = 11
    clinic_b.settings.save()
    recovery_b = RecoveryGuidancePageFactory(parent=procedure_b)

    assert clinic_reading_target(procedure_a) == (8, "ASCPM")
    assert clinic_reading_target(recovery_b) == (11, "Spinal Diagnostics")

    client.force_login(role_user(clinic_b, "editors"))
    html = client.get(edit_url(recovery_b)).content.decode()
    assert "target of grade 11" in html
    assert "set by Spinal Diagnostics in Settings" in html


def test_a_page_with_too_little_text_says_so(client, clinic_a, procedure_a):
    recovery = RecoveryGuidancePageFactory(
        parent=procedure_a,
        title="After",
        summary="Rest.",
        timeline=[],
        activity_advice="<p>Walk.</p>",
        warning_signs="<p>Fever.</p>",
    )
    client.force_login(role_user(clinic_a, "editors"))
    html = client.get(edit_url(recovery)).content.decode()
    assert "Not enough text to measure yet (4 words; 30 needed)." in html


def test_the_create_view_shows_the_panel_with_the_parent_clinics_target(client, clinic_a):
    clinic_a.settings.reading_grade_target = 6
    clinic_a.settings.save()
    client.force_login(role_user(clinic_a, "editors"))
    url = reverse("wagtailadmin_pages:add", args=["pages", "procedurepage", clinic_a.home_page.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not enough text to measure yet" in html
    assert "Target: grade 6, set by ASCPM" in html
