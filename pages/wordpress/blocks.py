"""Post content (block-editor markup or classic HTML) -> the raw data of a page's ContentStreamBlock.

Nothing of the file's HTML is ever passed through: every paragraph is rebuilt from its text with a short list of
tags (bold, italic, links, lists, line breaks) and escaped text, and links only keep http(s), mailto, tel and
site-relative addresses. What has no block here (shortcodes, embeds, scripts, iframes, inline styles, separators,
tables) is dropped or kept as text, and named in `Conversion.dropped` for the report.

Pure: images, documents and old page addresses are looked up through the `Links` given by the importer.
"""

import json
import re
from dataclasses import dataclass, field
from html import escape

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

HEADING_MAX = 120
CALLOUT_TITLE_MAX = 120
ALT_MAX = 250
CAPTION_MAX = 250

BLOCK_COMMENT = re.compile(r"<!--\s+(/)?wp:([a-z0-9_/-]+)(\s+(\{.*?\}))?\s*(/)?-->", re.DOTALL)
SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][a-zA-Z0-9_-]*)((?:\s[^\]]*)?)\]")
SHORTCODE_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
DROPPED_TAGS = {"script", "style", "iframe", "object", "embed", "noscript", "form", "input", "button", "select",
                "textarea", "svg", "video", "audio", "canvas", "template"}  # fmt: skip
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "figure", "table", "div", "hr",
              "pre", "section", "article", "header", "footer", "aside", "dl", "address", "center"}  # fmt: skip
CONTAINER_BLOCKS = {"group", "columns", "column", "cover", "media-text", "row", "stack"}
BLOCK_START = re.compile(r"<(p|div|h[1-6]|ul|ol|table|figure|blockquote|pre|hr)\b", re.IGNORECASE)
BLOCK_END = re.compile(r"(</(?:p|div|h[1-6]|ul|ol|table|figure|blockquote|pre)>|<hr\s*/?>)", re.IGNORECASE)
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


class Links:
    """What the importer knows of the site: the default finds nothing (every image is then reported missing)."""

    def image(self, attachment_id, url):
        """(Wagtail image id, alt text) for an attachment id or uploads URL, or None."""
        return None

    def document(self, url):
        """The Wagtail document id for a link to an uploaded file, or None."""
        return None

    def href(self, url):
        """The address a link should point at now: old permalinks become site-relative paths."""
        return url


@dataclass
class Conversion:
    blocks: list = field(default_factory=list)
    dropped: list = field(default_factory=list)  # e.g. "shortcode [contact-form-7]", "iframe"

    def raw(self):
        """The StreamField's raw JSON."""
        return json.dumps(self.blocks)


def convert(content, links=None):
    """The blocks of one post's content, and what could not be kept."""
    conversion = Conversion()
    converter = _Converter(links or Links(), conversion)
    if "<!-- wp:" in (content or ""):
        converter.block_markup(content)
    else:
        converter.classic(content or "")
    return conversion


def _attrs(text):
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def parse_block_markup(content):
    """Block-editor markup -> a tree of (name, attrs, inner html, children); text between blocks is 'freeform'."""
    root = ("root", {}, [], [])
    stack = [root]
    position = 0
    for match in BLOCK_COMMENT.finditer(content):
        between = content[position : match.start()]
        if between.strip():
            stack[-1][2].append(between)
            if len(stack) == 1:
                root[3].append(("freeform", {}, [between], []))
        position = match.end()
        closing, name, _, attrs, self_closing = match.groups()
        name = name.removeprefix("core/")
        if closing:
            if len(stack) > 1:
                stack.pop()
            continue
        block = (name, _attrs(attrs), [], [])
        stack[-1][3].append(block)
        if not self_closing:
            stack.append(block)
    tail = content[position:]
    if tail.strip():
        root[3].append(("freeform", {}, [tail], []))
    return root[3]


class _Converter:
    def __init__(self, links, conversion):
        self.links = links
        self.conversion = conversion

    def add(self, block_type, value):
        self.conversion.blocks.append({"type": block_type, "value": value})

    def drop(self, what):
        if what not in self.conversion.dropped:
            self.conversion.dropped.append(what)

    def paragraph(self, html):
        if _has_text(html):
            self.add("paragraph", html)

    def heading(self, text, level):
        text = " ".join(text.split())
        if len(text) > HEADING_MAX:
            self.drop("end of a long heading")
        if text:
            self.add("heading", {"text": text[:HEADING_MAX], "level": "h2" if level <= 2 else "h3"})

    def image(self, attachment_id, url, alt="", caption=""):
        found = self.links.image(attachment_id, url)
        if found is None:
            self.drop(f"image {url or attachment_id} (not in the uploads)")
            return
        image_id, default_alt = found
        alt = " ".join((alt or default_alt or "").split())[:ALT_MAX] or "Image"
        self.add("image", {"image": image_id, "alt_text": alt, "caption": " ".join(caption.split())[:CAPTION_MAX]})

    # --- block-editor markup ------------------------------------------------------------------------------------

    def block_markup(self, content):
        for block in parse_block_markup(content):
            self.block(*block)

    def block(self, name, attrs, html_parts, children):
        html = "".join(html_parts)
        soup = _soup(html)
        if name == "freeform":
            self.classic(html)
        elif name in ("paragraph", "list", "file"):
            self.flow(soup)
        elif name == "heading":
            self.heading(soup.get_text(" "), int(attrs.get("level", 2) or 2))
        elif name in ("quote", "pullquote"):
            self.quote(soup)
        elif name == "image":
            img = soup.find("img")
            caption = soup.find("figcaption")
            self.image(
                attrs.get("id"),
                img.get("src", "") if img else "",
                img.get("alt", "") if img else "",
                caption.get_text(" ") if caption else "",
            )
        elif name == "gallery":
            if children:
                for child in children:
                    self.block(*child)
            else:
                self.gallery(attrs.get("ids") or [], soup)
        elif name in ("separator", "spacer", "more", "nextpage"):
            self.drop(name)
        elif name == "table":
            self.table(soup)
        elif name in CONTAINER_BLOCKS or name in ("buttons", "button"):
            for child in children:
                self.block(*child)
            if not children:
                self.flow(soup)
        elif name == "html":
            self.drop("custom HTML block (kept as text)")
            self.text_only(soup)
        elif name == "shortcode":
            self.drop(f"shortcode {soup.get_text().strip()[:60]}")
        elif name.startswith(("embed", "core-embed")):
            url = attrs.get("url", "")
            self.drop(f"embed {url} (kept as a link)")
            if url.startswith(("http://", "https://")):
                self.paragraph(f'<p><a href="{escape(url)}">{escape(url)}</a></p>')
        else:
            self.drop(f"block {name} (kept as text)")
            self.text_only(soup)

    # --- classic HTML -------------------------------------------------------------------------------------------

    def classic(self, html):
        html = self.shortcodes(html)
        self.flow(_soup(_autop(html)))

    def shortcodes(self, html):
        """[caption] and [gallery] become figures; any other shortcode's brackets go, its text stays."""

        def replace(match):
            closing, name, attributes = match.groups()
            name_lower = name.lower()
            if name_lower == "caption":
                return "" if closing else "<figure>"
            if name_lower == "gallery" and not closing:
                values = {m[0]: m[1] or m[2] or m[3] for m in SHORTCODE_ATTRIBUTE.findall(attributes)}
                ids = [part.strip() for part in values.get("ids", "").split(",") if part.strip().isdigit()]
                return "".join(f'<img class="wp-image-{pk}" src="">' for pk in ids) or ""
            if not closing:
                self.drop(f"shortcode [{name}]")
            return ""

        html = re.sub(r"\[/caption\]", "</figure>", html, flags=re.IGNORECASE)
        return SHORTCODE.sub(replace, html)

    def flow(self, container):
        """Blocks from a run of HTML: paragraphs gather inline content; block elements each become blocks."""
        inline = []

        def flush():
            if inline:
                self.paragraph("<p>" + "".join(inline).strip() + "</p>")
                inline.clear()

        for node in list(container.children):
            if isinstance(node, Comment) or not isinstance(node, NavigableString | Tag):
                continue
            if isinstance(node, NavigableString):
                inline.append(escape(str(node)))
                continue
            name = node.name.lower()
            if name in DROPPED_TAGS:
                self.drop(name)
                continue
            if name in BLOCK_TAGS or name == "img" or (name == "a" and node.find("img")):
                flush()
                self.element(node, name)
            else:
                inline.append(self.inline(node))
        flush()

    def element(self, node, name):
        if node.get("style"):
            self.drop("inline styles")
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading(node.get_text(" "), int(name[1]))
        elif name == "p":
            self.paragraph_with_images(node)
        elif name in ("ul", "ol"):
            self.paragraph(self.list_html(node, name))
        elif name == "blockquote":
            self.quote(node)
        elif name == "figure" or name == "img" or name == "a":
            self.figure(node)
        elif name == "table":
            self.table(node)
        elif name == "hr":
            self.drop("separator")
        elif name == "pre":
            self.paragraph("<p>" + escape(node.get_text()).replace("\n", "<br/>") + "</p>")
        else:
            self.flow(node)

    def paragraph_with_images(self, node):
        images = node.find_all("img")
        for img in images:
            img.extract()
        self.paragraph("<p>" + self.inline_children(node).strip() + "</p>")
        for img in images:
            self.image_tag(img)

    def figure(self, node):
        img = node if node.name == "img" else node.find("img")
        caption = node.find("figcaption") if node.name != "img" else None
        caption_text = caption.get_text(" ") if caption else ""
        if img is None:
            self.flow(node)
            return
        if not caption_text and node.name == "figure":
            # A classic [caption] keeps its caption as the text after the image.
            img.extract()
            caption_text = node.get_text(" ")
        self.image_tag(img, caption_text)

    def image_tag(self, img, caption=""):
        match = WP_IMAGE_CLASS.search(" ".join(img.get("class") or []))
        self.image(int(match.group(1)) if match else None, img.get("src", ""), img.get("alt", ""), caption)

    def gallery(self, ids, soup):
        images = soup.find_all("img")
        for img in images:
            self.image_tag(img)
        for pk in [] if images else ids:
            self.image(pk, "")

    def quote(self, node):
        cite = node.find("cite")
        title = " ".join(cite.get_text(" ").split()) if cite else ""
        if cite:
            cite.extract()
        body = "".join("<p>" + self.inline_children(part).strip() + "</p>" for part in (node.find_all("p") or [node]))
        if _has_text(body):
            self.add("callout", {"style": "info", "title": (title or "Quote")[:CALLOUT_TITLE_MAX], "text": body})

    def table(self, node):
        self.drop("table (kept as a list)")
        rows = []
        for row in node.find_all("tr"):
            cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
            cells = [cell for cell in cells if cell]
            if cells:
                rows.append("<li>" + escape(" – ".join(cells)) + "</li>")
        if rows:
            self.add("paragraph", "<ul>" + "".join(rows) + "</ul>")

    def text_only(self, soup):
        for dropped in soup.find_all(DROPPED_TAGS):
            dropped.decompose()
        text = " ".join(soup.get_text(" ").split())
        if text:
            self.paragraph("<p>" + escape(text) + "</p>")

    def list_html(self, node, name):
        items = []
        for item in node.find_all("li", recursive=False) or node.find_all("li"):
            nested = [child.extract() for child in item.find_all(["ul", "ol"])]
            text = self.inline_children(item).strip()
            if text:
                items.append(f"<li>{text}</li>")
            for sub in nested:
                for sub_item in sub.find_all("li"):
                    sub_text = self.inline_children(sub_item).strip()
                    if sub_text:
                        items.append(f"<li>{sub_text}</li>")
        return f"<{name}>" + "".join(items) + f"</{name}>" if items else ""

    # --- inline content -----------------------------------------------------------------------------------------

    def inline_children(self, node):
        return "".join(
            escape(str(child)) if isinstance(child, NavigableString) else self.inline(child)
            for child in node.children
            if not isinstance(child, Comment) and isinstance(child, NavigableString | Tag)
        )

    def inline(self, node):
        name = node.name.lower()
        if name in DROPPED_TAGS:
            self.drop(name)
            return ""
        if node.get("style"):
            self.drop("inline styles")
        if name == "br":
            return "<br/>"
        if name == "img":
            return ""
        inner = self.inline_children(node)
        if name in ("b", "strong"):
            return f"<b>{inner}</b>" if inner.strip() else inner
        if name in ("i", "em"):
            return f"<i>{inner}</i>" if inner.strip() else inner
        if name == "a":
            return self.link(node.get("href", ""), inner)
        return inner

    def link(self, href, inner):
        href = (href or "").strip()
        if not inner.strip():
            return inner
        document_id = self.links.document(href) if href else None
        if document_id is not None:
            return f'<a linktype="document" id="{int(document_id)}">{inner}</a>'
        target = self.links.href(href) if href else ""
        if target.startswith(SAFE_SCHEMES) or (target.startswith("/") and not target.startswith("//")):
            return f'<a href="{escape(target)}">{inner}</a>'
        if href:
            self.drop("link with an unsafe or relative address (kept as text)")
        return inner


def _soup(html):
    return BeautifulSoup(html or "", "html.parser")


def _has_text(html):
    return bool(re.sub(r"<[^>]+>", "", html or "").strip())


def _autop(text):
    """WordPress's wpautop, roughly: blank lines part paragraphs, single newlines are line breaks."""
    text = BLOCK_END.sub(r"\1\n\n", BLOCK_START.sub(r"\n\n\g<0>", text))
    parts = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(part if BLOCK_START.match(part) else "<p>" + part.replace("\n", "<br>") + "</p>" for part in parts)
