"""Post content becomes the page's blocks; nothing of the file's HTML is passed through as it was."""

import json

from pages.wordpress import blocks


class KnownUploads(blocks.Links):
    def image(self, attachment_id, url):
        if attachment_id == 20 or "leg-xray" in (url or ""):
            return 7, "An X-ray"
        return None

    def document(self, url):
        return 9 if url.endswith("leaflet.pdf") else None

    def href(self, url):
        return url.replace("https://old.example", "")


def convert(content):
    return blocks.convert(content, KnownUploads())


def types(conversion):
    return [block["type"] for block in conversion.blocks]


def test_block_editor_markup_becomes_headings_paragraphs_lists_quotes_and_images():
    conversion = convert(
        '<!-- wp:heading {"level":3} --><h3>After the injection</h3><!-- /wp:heading -->'
        "<!-- wp:paragraph --><p>Rest <strong>today</strong>.</p><!-- /wp:paragraph -->"
        '<!-- wp:list {"ordered":true} --><ol><li>Ice</li><li>Walk</li></ol><!-- /wp:list -->'
        '<!-- wp:quote --><blockquote class="wp-block-quote"><p>It helped</p><cite>Ann</cite></blockquote>'
        "<!-- /wp:quote -->"
        '<!-- wp:image {"id":20} --><figure><img src="https://old.example/wp-content/uploads/leg-xray-300x200.png" '
        'alt="The room" class="wp-image-20"/><figcaption>Our room</figcaption></figure><!-- /wp:image -->'
    )
    assert conversion.blocks == [
        {"type": "heading", "value": {"text": "After the injection", "level": "h3"}},
        {"type": "paragraph", "value": "<p>Rest <b>today</b>.</p>"},
        {"type": "paragraph", "value": "<ol><li>Ice</li><li>Walk</li></ol>"},
        {"type": "callout", "value": {"style": "info", "title": "Ann", "text": "<p>It helped</p>"}},
        {"type": "image", "value": {"image": 7, "alt_text": "The room", "caption": "Our room"}},
    ]
    assert conversion.dropped == []
    assert json.loads(conversion.raw()) == conversion.blocks


def test_galleries_buttons_separators_and_tables():
    conversion = convert(
        '<!-- wp:gallery {"ids":[20]} --><figure><img src="x" class="wp-image-20" alt=""/></figure><!-- /wp:gallery -->'
        '<!-- wp:buttons --><div><!-- wp:button --><a href="https://old.example/contact/">Book</a><!-- /wp:button -->'
        "</div><!-- /wp:buttons -->"
        "<!-- wp:separator --><hr/><!-- /wp:separator -->"
        "<!-- wp:table --><table><tr><th>Day</th><th>Hours</th></tr><tr><td>Mon</td><td>9-5</td></tr></table>"
        "<!-- /wp:table -->"
    )
    assert conversion.blocks == [
        {"type": "image", "value": {"image": 7, "alt_text": "An X-ray", "caption": ""}},
        {"type": "paragraph", "value": '<p><a href="/contact/">Book</a></p>'},
        {"type": "paragraph", "value": "<ul><li>Day – Hours</li><li>Mon – 9-5</li></ul>"},
    ]
    assert conversion.dropped == ["separator", "table (kept as a list)"]


def test_classic_html_paragraphs_captions_galleries_and_document_links():
    conversion = convert(
        "First line\nsecond line\n\n"
        '[caption id="attachment_20"]<img class="wp-image-20" src="a.png" alt="Room"> The room[/caption]\n\n'
        '[gallery ids="20"]\n\n'
        '<h2>Leaflets</h2>\n\n<a href="https://old.example/wp-content/uploads/2019/04/leaflet.pdf">Leaflet</a>'
    )
    assert conversion.blocks == [
        {"type": "paragraph", "value": "<p>First line<br/>second line</p>"},
        {"type": "image", "value": {"image": 7, "alt_text": "Room", "caption": "The room"}},
        {"type": "image", "value": {"image": 7, "alt_text": "An X-ray", "caption": ""}},
        {"type": "heading", "value": {"text": "Leaflets", "level": "h2"}},
        {"type": "paragraph", "value": '<p><a linktype="document" id="9">Leaflet</a></p>'},
    ]


def test_scripts_iframes_styles_handlers_and_unsafe_links_never_survive():
    conversion = convert(
        '<p style="color:red" onclick="steal()">Hi <a href="javascript:alert(1)">there</a> '
        '<span onmouseover="x()">you</span><img src="y" onerror="z()"></p>'
        "<script>alert('x')</script><iframe src='https://evil.example'></iframe><style>p{}</style>"
        '[contact-form-7 id="1"] <object data="x"></object>'
        "<!-- wp:html --><div><script>document.cookie</script><b>Box</b></div><!-- /wp:html -->"
        '<!-- wp:embed {"url":"https://video.example/1"} --><figure>https://video.example/1</figure><!-- /wp:embed -->'
        "<!-- wp:shortcode -->[booking]<!-- /wp:shortcode -->"
    )
    raw = conversion.raw()
    for forbidden in ("script", "alert", "onclick", "onerror", "onmouseover", "style", "iframe", "javascript:",
                      "evil.example", "object", "cookie", "[contact-form-7", "[booking]"):  # fmt: skip
        assert forbidden not in raw, forbidden
    assert "Hi there you" in raw and "Box" in raw
    assert {"type": "paragraph", "value": '<p><a href="https://video.example/1">https://video.example/1</a></p>'} in (
        conversion.blocks
    )
    for reported in ("script", "iframe", "style", "inline styles", "shortcode [contact-form-7]", "object",
                     "custom HTML block (kept as text)", "embed https://video.example/1 (kept as a link)",
                     "shortcode [booking]", "link with an unsafe or relative address (kept as text)"):  # fmt: skip
        assert reported in conversion.dropped, reported


def test_text_is_escaped_not_interpreted():
    conversion = convert("<p>5 &lt; 6 &amp; &lt;b&gt;not bold&lt;/b&gt;</p>")
    assert conversion.blocks == [{"type": "paragraph", "value": "<p>5 &lt; 6 &amp; &lt;b&gt;not bold&lt;/b&gt;</p>"}]


def test_an_image_that_is_not_in_the_uploads_is_reported_not_kept():
    conversion = convert('<!-- wp:image {"id":99} --><figure><img src="https://old.example/lost.jpg"/></figure>'
                         "<!-- /wp:image -->")  # fmt: skip
    assert conversion.blocks == []
    assert conversion.dropped == ["image https://old.example/lost.jpg (not in the uploads)"]


def test_long_headings_are_cut_and_said_so():
    conversion = convert("<h2>" + "word " * 40 + "</h2>")
    assert len(conversion.blocks[0]["value"]["text"]) == blocks.HEADING_MAX
    assert conversion.dropped == ["end of a long heading"]
