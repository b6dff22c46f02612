"""The export is read as a stream, in every WXR version, and never resolves an entity."""

import pytest

from pages.wordpress import reader
from tests.wordpress.support import CLINIC_EXPORT, EXPORTS


def read_all(path):
    entries = list(reader.read(path))
    return entries[0], entries[1:]


def test_the_channel_comes_first_with_the_sites_authors():
    channel, items = read_all(CLINIC_EXPORT)
    assert isinstance(channel, reader.Channel)
    assert (channel.version, channel.title, channel.base_site_url) == (
        "1.2",
        "Old Pain Clinic",
        "https://old-clinic.example",
    )
    assert channel.authors == {"drlopez": "Dr Maria Lopez"}
    assert channel.author_ids == {1}
    assert [item.id for item in items] == [20, 21, 22, 23, 10, 11, 30, 31, 32, 33, 34, 35, 40]


def test_an_item_carries_its_fields_meta_and_comments():
    _, items = read_all(CLINIC_EXPORT)
    post = next(item for item in items if item.id == 30)
    assert (post.type, post.status, post.slug, post.creator) == ("post", "publish", "evening-hours", "drlopez")
    assert post.date_gmt.isoformat() == "2019-05-02T10:00:00+00:00"
    assert post.date_local.isoformat() == "2019-05-02T11:00:00"
    assert "<!-- wp:paragraph -->" in post.content
    assert post.excerpt == "Later appointments on Thursdays."
    assert [c.id for c in post.comments] == [601, 602, 603, 604, 605, 606, 607, 608]
    reply = post.comments[1]
    assert (reply.parent, reply.user_id, reply.approved) == (601, 1, "1")
    attachment = items[0]
    assert attachment.meta["_wp_attachment_image_alt"] == "An X-ray of a lower leg"
    draft = next(item for item in items if item.id == 31)
    assert draft.date_gmt is None


@pytest.mark.parametrize(
    ("name", "version", "kind", "title", "excerpt"),
    [
        ("wxr-1.0.xml", "1.0", "post", "Welcome", ""),
        ("wxr-1.1.xml", "1.1", "page", "Insurance", "Plans we accept."),
    ],
)
def test_older_export_formats_are_read_the_same_way(name, version, kind, title, excerpt):
    channel, items = read_all(EXPORTS / name)
    assert channel.version == version
    assert [(item.type, item.title, item.excerpt, item.status) for item in items] == [(kind, title, excerpt, "publish")]


def test_an_external_entity_is_refused_and_never_read():
    with pytest.raises(reader.ExportError, match="declares a document type, entities or external references"):
        read_all(EXPORTS / "external-entity.xml")


def test_an_entity_expansion_bomb_is_refused_before_it_expands():
    with pytest.raises(reader.ExportError, match="declares a document type"):
        read_all(EXPORTS / "entity-bomb.xml")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-xml.csv", "is not well-formed XML"),
        ("truncated.xml", "is not well-formed XML .* cut short"),
        ("not-rss.xml", "is XML but not a WordPress export"),
        ("not-wordpress.xml", "is not a WordPress export: it has no <wp:wxr_version>"),
        ("unknown-version.xml", "format 9.9"),
        ("no-such-file.xml", "There is no file"),
    ],
)
def test_bad_files_are_refused_with_a_clear_reason(name, message):
    with pytest.raises(reader.ExportError, match=message):
        read_all(EXPORTS / name)


def test_items_are_released_as_they_are_read(tmp_path):
    """Streaming: of 3,000 items, the channel never holds more than the parser's read-ahead (a few dozen)."""
    item = (
        "<item><title>Post</title><content:encoded><![CDATA[<p>Text</p>]]></content:encoded>"
        "<wp:post_id>{}</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n"
    )
    export = tmp_path / "many.xml"
    export.write_text(
        '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><wp:wxr_version>1.2</wp:wxr_version>"
        + "".join(item.format(n) for n in range(1, 3001))
        + "</channel></rss>"
    )
    held = []
    real_iterparse = reader.iterparse

    def watching(*args, **kwargs):
        for event, element in real_iterparse(*args, **kwargs):
            if event == "start" and element.tag == "channel":
                watching.channel = element
            if event == "end" and element.tag == "item":
                held.append(len(watching.channel))
            yield event, element

    reader.iterparse = watching
    try:
        _, items = read_all(export)
    finally:
        reader.iterparse = real_iterparse
    assert len(items) == 3000 and items[-1].id == 3000
    assert max(held) < 200
