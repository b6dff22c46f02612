"""What the import makes of the clinic export: pages, articles, media, messages, redirects and the audit log."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import ModelLogEntry, Page, PageLogEntry, PageViewRestriction

from pages.models import ArticlePage, GeneralPage, NewsIndexPage, PatientMessage, WordPressOrigin
from pages.patient_messages import flood, rules
from pages.wordpress.models import Kind
from tests.wordpress.support import CLINIC_EXPORT, run_import

pytestmark = pytest.mark.django_db


def page_from(clinic, wordpress_id, kind=Kind.POST):
    origin = WordPressOrigin.objects.get(site=clinic.site, kind=kind, wordpress_id=wordpress_id)
    return Page.objects.get(pk=origin.object_id).specific


def message_from(clinic, comment_id):
    origin = WordPressOrigin.objects.get(site=clinic.site, kind=Kind.COMMENT, wordpress_id=comment_id)
    return PatientMessage.objects.get(pk=origin.object_id)


def test_pages_become_general_pages_keeping_hierarchy_slugs_titles_and_dates(imported):
    about = page_from(imported, 10, Kind.PAGE)
    directions = page_from(imported, 11, Kind.PAGE)
    assert isinstance(about, GeneralPage) and isinstance(directions, GeneralPage)
    assert about.get_parent().pk == imported.home_page.pk
    assert directions.get_parent().pk == about.pk
    assert (about.slug, about.title, directions.slug) == ("about", "About us", "directions")
    assert about.live and about.first_published_at == datetime(2019, 3, 1, 9, tzinfo=UTC)
    assert about.introduction == "Who we are."
    assert about.accept_messages and not directions.accept_messages
    assert [block.block_type for block in directions.body] == ["heading", "paragraph"]


def test_posts_become_articles_under_a_news_index_with_date_and_author(imported):
    article = page_from(imported, 30)
    assert isinstance(article, ArticlePage)
    news = article.get_parent().specific
    assert isinstance(news, NewsIndexPage) and news.get_parent().pk == imported.home_page.pk
    assert (article.slug, article.title, article.author_name) == (
        "evening-hours",
        "Evening opening hours",
        "Dr Maria Lopez",
    )
    assert article.date == datetime(2019, 5, 2, 10, tzinfo=UTC)
    assert article.live and article.first_published_at == article.date
    assert article.introduction == "Later appointments on Thursdays."
    assert [block.block_type for block in article.body] == [
        "paragraph", "heading", "paragraph", "callout", "image", "image", "paragraph", "paragraph", "paragraph",
        "paragraph",
    ]  # fmt: skip


def test_drafts_scheduled_private_and_password_protected_posts(imported):
    draft, scheduled, private, protected = (page_from(imported, pk) for pk in (31, 32, 33, 34))
    assert not draft.live and draft.slug == "flu-clinic-next-winter"
    assert not scheduled.live and scheduled.go_live_at == datetime(2030, 1, 1, 8, tzinfo=UTC)
    assert scheduled.get_latest_revision().approved_go_live_at == scheduled.go_live_at
    assert not private.live
    assert protected.live
    restriction = PageViewRestriction.objects.get(page=protected)
    assert (restriction.restriction_type, restriction.password) == ("password", "group-secret")
    assert not WordPressOrigin.objects.filter(wordpress_id__in=[35, 40]).exists()
    report = imported.report.read_text()
    assert "post #35: skipped: in the trash" in report
    assert "post #33: private in WordPress: imported as a draft, not published" in report
    assert "nav_menu_item: 1 skipped" in imported.out


def test_attachments_become_the_clinics_images_and_documents_and_content_points_at_them(imported, clinic_b):
    image = Image.objects.get(title="Leg X-ray")
    document = Document.objects.get(title="Patient leaflet")
    assert image.collection == imported.collection and document.collection == imported.collection
    assert image.description == "An X-ray of a lower leg"
    about = page_from(imported, 10, Kind.PAGE)
    image_blocks = [block.value for block in about.body if block.block_type == "image"]
    assert [(value["image"].pk, value["caption"]) for value in image_blocks] == [(image.pk, "Our X-ray room")]
    paragraphs = " ".join(block.value.source for block in about.body if block.block_type == "paragraph")
    assert f'<a linktype="document" id="{document.pk}">patient leaflet</a>' in paragraphs
    assert '<a href="/2019/05/evening-hours/">our news</a>' in paragraphs
    assert "script" not in paragraphs and "iframe" not in paragraphs and "onclick" not in paragraphs
    # The missing scan and the file outside the uploads folder are reported, not imported.
    report = imported.report.read_text()
    assert "attachment #22: skipped: file 2018/01/missing.jpg is not in the uploads folder" in report
    assert "attachment #23: skipped" in report
    assert Image.objects.count() == 1 and Document.objects.count() == 1
    assert not Image.objects.filter(collection=clinic_b.collection).exists()


def test_comments_become_patient_messages_with_statuses_dates_and_staff_replies(imported):
    article = page_from(imported, 30)
    approved, held, spam, trashed, linked = (message_from(imported, pk) for pk in (601, 603, 604, 605, 606))
    assert [m.status for m in (approved, held, spam, trashed, linked)] == [
        "approved", "pending", "spam", "rejected", "approved",
    ]  # fmt: skip
    assert {m.page_id for m in (approved, held, spam)} == {article.pk}
    assert approved.site == imported.site
    assert (approved.author_name, approved.author_email, approved.body) == (
        "Bob Approved", "bob@patients.example", "Great news, thank you.",
    )  # fmt: skip
    assert approved.submitted_at == datetime(2019, 5, 3, 8, tzinfo=UTC)
    # The staff member's answer is the clinic's public reply, not a message of its own.
    assert approved.reply == "Glad it helps, see you on Thursday."
    assert approved.replied_at == datetime(2019, 5, 3, 9, 30, tzinfo=UTC)
    assert not WordPressOrigin.objects.filter(kind=Kind.COMMENT, wordpress_id=602).exists()
    assert PatientMessage.objects.filter(page=article).count() == 5
    assert "pingback: 1 skipped" in imported.out and "trackback: 1 skipped" in imported.out


def test_rules_flag_imported_text_without_changing_an_approved_status(imported):
    held, linked = message_from(imported, 603), message_from(imported, 606)
    assert rules.FLAG_URGENT in held.flag_list and held.status == "pending"
    assert {rules.FLAG_HEALTH_INFO} <= set(linked.flag_list) and linked.status == "approved"


def test_ip_addresses_are_never_stored_only_their_keyed_hash(imported):
    message = message_from(imported, 601)
    assert message.ip_hash == flood.ip_hash("198.51.100.7") and "198.51.100.7" not in message.ip_hash
    for row in PatientMessage.objects.values():
        assert "198.51.100.7" not in str(row) and "203.0.113.9" not in str(row)


def test_no_notification_email_is_sent_for_imported_messages(imported):
    assert mail.outbox == []


def test_everything_is_audited_as_an_import(imported):
    imported_pages = WordPressOrigin.objects.filter(kind__in=[Kind.PAGE, Kind.POST]).values_list("object_id", flat=True)
    logged = set(PageLogEntry.objects.filter(action="pages.wordpress.import").values_list("page_id", flat=True))
    assert set(imported_pages) <= logged
    message_ids = {str(pk) for pk in PatientMessage.objects.values_list("pk", flat=True)}
    message_logs = ModelLogEntry.objects.filter(
        action="pages.wordpress.import", object_id__in=message_ids, content_type__model="patientmessage"
    )
    assert message_logs.count() == len(message_ids) == 6
    for entry in message_logs:
        assert "@" not in entry.label and "thank" not in entry.label.lower()


def test_old_addresses_become_the_clinics_redirects(imported, clinic_b):
    article, about = page_from(imported, 30), page_from(imported, 10, Kind.PAGE)
    redirects = {r.old_path: r for r in Redirect.objects.filter(site=imported.site)}
    assert redirects["/2019/05/evening-hours"].redirect_page_id == article.pk
    assert redirects["/?p=30"].redirect_page_id == article.pk
    assert redirects["/?page_id=10"].redirect_page_id == about.pk
    assert redirects["/?p=10"].redirect_page_id == about.pk
    image = Image.objects.get()
    assert redirects["/about/leg-xray"].redirect_link == image.file.url
    assert redirects["/wp-content/uploads/2019/04/leg-xray.png"].redirect_link == image.file.url
    assert redirects["/?attachment_id=21"].redirect_link == Document.objects.get().url
    # A page that kept its address needs no redirect.
    assert "/about" not in redirects
    assert not Redirect.objects.filter(site=clinic_b.site).exists()
    assert not Redirect.objects.filter(site__isnull=True).exists()


def test_nothing_lands_in_the_other_clinic(imported, clinic_b):
    assert clinic_b.home_page.get_descendants().count() == 0
    assert not PatientMessage.objects.filter(site=clinic_b.site).exists()
    assert not WordPressOrigin.objects.filter(site=clinic_b.site).exists()
    home = imported.home_page
    for origin in WordPressOrigin.objects.filter(kind__in=[Kind.PAGE, Kind.POST]):
        assert Page.objects.get(pk=origin.object_id).is_descendant_of(home)


def counts():
    return (
        Page.objects.count(), PatientMessage.objects.count(), Redirect.objects.count(), Image.objects.count(),
        Document.objects.count(), WordPressOrigin.objects.count(), PageViewRestriction.objects.count(),
        PageLogEntry.objects.count(), ModelLogEntry.objects.count(),
    )  # fmt: skip


def test_a_second_run_changes_nothing(imported, uploads):
    before = counts()
    out, _ = run_import(CLINIC_EXPORT, imported.site.hostname, "--uploads", str(uploads))
    assert counts() == before
    assert " created" not in out and " updated" not in out
    assert "post: 5 unchanged" in out and "comment: 6 unchanged" in out


def test_a_changed_export_updates_in_place(imported, uploads, tmp_path):
    changed = tmp_path / "changed.xml"
    text = CLINIC_EXPORT.read_text().replace("Evening opening hours", "Late opening hours")
    changed.write_text(text.replace("Great news, <b>thank you</b>.", "Great news!"))
    article = page_from(imported, 30)
    before = counts()
    out, _ = run_import(changed, imported.site.hostname, "--uploads", str(uploads))
    article.refresh_from_db()
    assert article.title == "Late opening hours" and article.slug == "evening-hours"
    assert message_from(imported, 601).body == "Great news!"
    assert "post: 1 updated, 4 unchanged" in out and "comment: 1 updated, 5 unchanged" in out
    assert counts()[:7] == before[:7]


def test_a_page_moved_in_wordpress_is_moved_here_and_its_old_address_redirects(imported, uploads, tmp_path, client):
    directions = page_from(imported, 11, Kind.PAGE)
    old_path = directions.url_path.removeprefix(imported.home_page.url_path)  # "about/directions/"
    # A clinic page already holds the slug at the new place.
    imported.home_page.add_child(instance=GeneralPage(title="Directions (ours)", slug="directions"))
    moved = tmp_path / "moved.xml"
    text = CLINIC_EXPORT.read_text()
    moved.write_text(
        text.replace(
            "<wp:post_parent>10</wp:post_parent>\n\t\t<wp:post_type><![CDATA[page]]>",
            "<wp:post_parent>0</wp:post_parent>\n\t\t<wp:post_type><![CDATA[page]]>",
        )
    )
    assert moved.read_text() != text

    out, _ = run_import(moved, imported.site.hostname, "--uploads", str(uploads))

    directions = page_from(imported, 11, Kind.PAGE)
    assert directions.get_parent().pk == imported.home_page.pk
    assert directions.slug == "directions-2" and directions.title == "Directions"
    assert "page: 1 updated, 1 moved, 1 unchanged" in out
    assert PageLogEntry.objects.filter(page=directions, action="wagtail.move").exists()
    answer = client.get("/" + old_path, HTTP_HOST=imported.site.hostname)
    assert answer.status_code in (301, 302) and answer["Location"].endswith("/directions-2/")
    # A third run with the same export changes nothing more.
    again, _ = run_import(moved, imported.site.hostname, "--uploads", str(uploads))
    assert "moved" not in again and page_from(imported, 11, Kind.PAGE).path == directions.path


def test_a_message_deleted_at_the_clinic_is_not_brought_back(imported, uploads, tmp_path):
    message_from(imported, 603).delete()
    changed = tmp_path / "changed.xml"
    changed.write_text(CLINIC_EXPORT.read_text().replace("my legs feel numb", "my legs feel weak"))
    run_import(changed, imported.site.hostname, "--uploads", str(uploads))
    assert not PatientMessage.objects.filter(author_name="Carol Held").exists()


def test_a_dry_run_saves_nothing_and_leaves_no_files(clinic_a, uploads, settings):
    before = counts()
    out, _ = run_import(CLINIC_EXPORT, clinic_a.site.hostname, "--uploads", str(uploads), "--dry-run")
    assert counts() == before
    assert out.startswith("Dry run (nothing was saved) into ascpm.test:")
    assert "post: 5 created" in out
    media = settings.MEDIA_ROOT
    assert not [path for path in media.rglob("*") if path.is_file()] if media.exists() else True


def test_without_uploads_every_attachment_is_reported_missing(clinic_a):
    out, _ = run_import(CLINIC_EXPORT, clinic_a.site.hostname)
    assert "attachment: 4 skipped" in out
    assert Image.objects.count() == 0
    assert ArticlePage.objects.filter(title="Evening opening hours").exists()


def test_progress_is_shown_on_the_error_stream(imported):
    assert "Posts [" in imported.err and "6/6" in imported.err
