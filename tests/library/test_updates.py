"""Staying current: a revised master shows on each copy, section by section; the clinic takes or keeps each one."""

import pytest
from django.urls import reverse

from pages.library.adoption import AdoptionRefused, Versions, adopt, decide
from pages.library.records import LibraryAdoption
from tests.library.support import MASTER_HOW, NEW_HOW, NEW_RISKS, compare_url, decide_url, revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def adoption_a(clinic_a, master, editor_a, reviewer_a):
    return adopt(master.specific, clinic_a.site, clinic_a.home_page, editor_a)


@pytest.fixture
def adoption_b(clinic_b, master, editor_b):
    return adopt(master.specific, clinic_b.site, clinic_b.home_page, editor_b)


def test_an_unrevised_master_has_nothing_waiting(client, adoption_a, editor_a):
    client.force_login(editor_a)
    response = client.get(compare_url(adoption_a))
    assert "up to date with the library" in response.content.decode()
    assert Versions(adoption_a).pending() == []
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[adoption_a.page_id]))
    assert "library version of this page has changed" not in edit.content.decode()


def test_a_revised_master_shows_the_change_on_the_copy(client, adoption_a, master, editor_a):
    revise(master, how_it_works=NEW_HOW, risks=NEW_RISKS)
    adoption_a.refresh_from_db()
    assert Versions(adoption_a).pending() == ["how_it_works", "risks"]
    client.force_login(editor_a)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[adoption_a.page_id]))
    assert "The library version of this page has changed." in edit.content.decode()
    assert compare_url(adoption_a) in edit.content.decode()
    page = client.get(compare_url(adoption_a)).content.decode()
    # Side by side: the text the copy came from, the new text, and the clinic's own.
    assert "guides a thin needle with live X-ray." in page
    assert "into the joint (revised)." in page
    assert page.count('name="section" value=') == 2


def test_a_master_revised_outside_its_sections_settles_at_once(adoption_a, master, mailoutbox):
    revise(master, title="Facet joint injections (library, renamed)")
    adoption_a.refresh_from_db()
    assert adoption_a.master_revision_id == master.live_revision_id
    assert mailoutbox == []


def test_take_section_puts_the_new_text_into_a_new_draft_only(client, adoption_a, master, editor_a):
    revise(master, how_it_works=NEW_HOW, risks=NEW_RISKS)
    page = adoption_a.page.specific
    revisions_before = page.revisions.count()
    client.force_login(editor_a)
    response = client.post(decide_url(adoption_a), {"section": "how_it_works", "choice": "take"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.revisions.count() == revisions_before + 1
    draft = page.get_latest_revision_as_object()
    assert draft.how_it_works == NEW_HOW
    assert draft.risks != NEW_RISKS  # the other section still waits
    assert page.latest_revision.user == editor_a
    adoption_a.refresh_from_db()
    assert Versions(adoption_a).pending() == ["risks"]


def test_keep_own_changes_nothing_and_settles_the_section(client, adoption_a, master, editor_a):
    ours = adoption_a.page.specific.get_latest_revision_as_object()
    ours.how_it_works = "<p>Dr Alpha explains everything first.</p>"
    ours.save_revision()
    revise(master, how_it_works=NEW_HOW)
    revisions_before = adoption_a.page.revisions.count()
    client.force_login(editor_a)
    client.post(decide_url(adoption_a), {"section": "how_it_works", "choice": "keep"})
    adoption_a.refresh_from_db()
    assert adoption_a.page.revisions.count() == revisions_before
    assert (
        adoption_a.page.specific.get_latest_revision_as_object().how_it_works
        == "<p>Dr Alpha explains everything first.</p>"
    )
    # Nothing else waited: the adoption moves to the master's new version.
    assert adoption_a.master_revision_id == master.live_revision_id
    assert (
        "library version"
        not in client.get(reverse("wagtailadmin_pages:edit", args=[adoption_a.page_id])).content.decode()
    )


def test_bad_section_or_choice_is_refused_and_changes_nothing(client, adoption_a, master, editor_a):
    revise(master, how_it_works=NEW_HOW)
    client.force_login(editor_a)
    for data in (
        {"section": "title", "choice": "take"},
        {"section": "reviewer", "choice": "take"},
        {"section": "nonsense", "choice": "take"},
        {"section": "how_it_works", "choice": "both"},
        {"section": "risks", "choice": "take"},  # unchanged section
        {},
    ):
        response = client.post(decide_url(adoption_a), data, follow=True)
        assert response.status_code == 200
        assert [message.level_tag for message in response.context["messages"]] == ["error"], data
    adoption_a.refresh_from_db()
    assert adoption_a.section_revisions == {}
    assert adoption_a.page.specific.get_latest_revision_as_object().how_it_works == MASTER_HOW
    with pytest.raises(AdoptionRefused):
        decide(adoption_a, "how_it_works", "take-all", editor_a)


def test_the_clinics_reviewers_get_a_content_free_email(
    adoption_a, master, reviewer_a, editor_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        revise(master, how_it_works=NEW_HOW)
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [reviewer_a.email]
    assert "ASCPM" in email.subject
    text = email.subject + email.body
    assert compare_url(adoption_a) in email.body
    for words in (master.title, adoption_a.page.title, "X-ray", "needle", "Facet"):
        assert words not in text


def test_each_clinic_is_told_of_its_own_copy_only(
    adoption_a, adoption_b, master, reviewer_a, clinic_b, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import role_user

    reviewer_b = role_user(clinic_b, "medical reviewers")
    with django_capture_on_commit_callbacks(execute=True):
        revise(master, how_it_works=NEW_HOW)
    recipients = sorted(tuple(email.to) for email in mailoutbox)
    assert recipients == sorted([(reviewer_a.email,), (reviewer_b.email,)])
    for email in mailoutbox:
        own = adoption_a if email.to == [reviewer_a.email] else adoption_b
        other = adoption_b if own is adoption_a else adoption_a
        assert compare_url(own) in email.body and compare_url(other) not in email.body


def test_the_report_lists_waiting_copies_of_the_users_clinics_only(
    client, adoption_a, adoption_b, master, editor_a, superuser
):
    report = reverse("pages_library_updates")
    client.force_login(editor_a)
    assert "No library updates are waiting" in client.get(report).content.decode()
    revise(master, how_it_works=NEW_HOW)
    page = client.get(report).content.decode()
    assert compare_url(adoption_a) in page
    assert compare_url(adoption_b) not in page and "Spinal Diagnostics" not in page
    client.force_login(superuser)
    page = client.get(report).content.decode()
    assert compare_url(adoption_a) in page and compare_url(adoption_b) in page


def test_the_other_clinics_copy_is_untouched_by_a_take(client, adoption_a, adoption_b, master, editor_a):
    revise(master, how_it_works=NEW_HOW)
    client.force_login(editor_a)
    client.post(decide_url(adoption_a), {"section": "how_it_works", "choice": "take"})
    adoption_b.refresh_from_db()
    assert adoption_b.page.specific.get_latest_revision_as_object().how_it_works == MASTER_HOW
    assert Versions(adoption_b).pending() == ["how_it_works"]
    assert LibraryAdoption.objects.get(pk=adoption_b.pk).section_revisions == {}


def test_saving_a_master_in_the_editor_without_changing_its_words_changes_no_section(adoption_a, master):
    # The rich-text editor keys every paragraph on save; the words are the same.
    keyed = master.specific.what_it_is.replace("<p>", '<p data-block-key="k3y9x">')
    revise(master, what_it_is=keyed, how_it_works=NEW_HOW)
    adoption_a.refresh_from_db()
    assert Versions(adoption_a).pending() == ["how_it_works"]
