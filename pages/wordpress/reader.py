"""Reading a WordPress export (WXR 1.0 to 1.2) as a stream of items, safely.

The file is untrusted. It is parsed with defusedxml, which refuses document type declarations, entity declarations
and external references outright (an export has none of them: WordPress writes plain elements and CDATA), so an
entity-expansion bomb or an external entity is an error before anything of it is expanded or fetched. The file is
read with `iterparse` and each <item> is cleared once read: memory holds one item at a time, however large the file.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
NAMESPACE_PREFIXES = (
    ("http://wordpress.org/export/", "/excerpt/", "excerpt"),
    ("http://wordpress.org/export/", "", "wp"),
    ("http://purl.org/rss/1.0/modules/content/", "", "content"),
    ("http://purl.org/dc/elements/1.1/", "", "dc"),
)
NO_DATE = "0000-00-00 00:00:00"


class ExportError(Exception):
    """The file cannot be imported; the message says why in words an operator can act on."""


@dataclass
class Channel:
    """What the export says about the whole site, read before its first item."""

    version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    # login -> display name, for the authorship text of posts.
    authors: dict = field(default_factory=dict)
    # WordPress user ids of the site's own authors: their comments are the clinic's replies.
    author_ids: set = field(default_factory=set)


@dataclass
class Comment:
    id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date_gmt: datetime | None = None
    date_local: datetime | None = None
    content: str = ""
    approved: str = "0"
    type: str = ""
    parent: int = 0
    user_id: int = 0

    @property
    def digest(self):
        return _digest(
            self.author, self.email, self.date_gmt, self.date_local, self.content, self.approved, self.type,
            self.parent, self.user_id,
        )  # fmt: skip


@dataclass
class Item:
    id: int
    type: str = ""
    status: str = ""
    title: str = ""
    slug: str = ""
    link: str = ""
    guid: str = ""
    parent: int = 0
    menu_order: int = 0
    date_gmt: datetime | None = None
    date_local: datetime | None = None
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    password: str = ""
    comment_status: str = ""
    attachment_url: str = ""
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)

    @property
    def digest(self):
        return _digest(
            self.type, self.status, self.title, self.slug, self.link, self.parent, self.menu_order, self.date_gmt,
            self.date_local, self.creator, self.content, self.excerpt, self.password, self.comment_status,
            self.attachment_url, sorted(self.meta.items()),
        )  # fmt: skip


def _digest(*values):
    return hashlib.sha256(repr(values).encode()).hexdigest()


def _name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id', whatever the WXR version's namespace."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    for start, end, prefix in NAMESPACE_PREFIXES:
        if uri.startswith(start) and uri.endswith(end):
            return f"{prefix}:{local}"
    return local


def _int(text):
    try:
        return int((text or "").strip() or 0)
    except ValueError:
        return 0


def _date(text, aware):
    text = (text or "").strip()
    if not text or text == NO_DATE:
        return None
    try:
        value = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if aware else value


def _text(element):
    return element.text or ""


def _comment(element):
    values = {_name(child.tag): _text(child) for child in element}
    return Comment(
        id=_int(values.get("wp:comment_id")),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date_gmt=_date(values.get("wp:comment_date_gmt"), aware=True),
        date_local=_date(values.get("wp:comment_date"), aware=False),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "0").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=_int(values.get("wp:comment_parent")),
        user_id=_int(values.get("wp:comment_user_id")),
    )


def _item(element):
    item = Item(id=0)
    for child in element:
        name = _name(child.tag)
        if name == "wp:postmeta":
            meta = {_name(part.tag): _text(part) for part in child}
            item.meta[meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name == "wp:comment":
            item.comments.append(_comment(child))
        elif name in ITEM_FIELDS:
            attribute, convert = ITEM_FIELDS[name]
            setattr(item, attribute, convert(_text(child)))
    return item


ITEM_FIELDS = {
    "wp:post_id": ("id", _int),
    "wp:post_type": ("type", str.strip),
    "wp:status": ("status", str.strip),
    "title": ("title", str.strip),
    "wp:post_name": ("slug", str.strip),
    "link": ("link", str.strip),
    "guid": ("guid", str.strip),
    "wp:post_parent": ("parent", _int),
    "wp:menu_order": ("menu_order", _int),
    "wp:post_date_gmt": ("date_gmt", lambda text: _date(text, aware=True)),
    "wp:post_date": ("date_local", lambda text: _date(text, aware=False)),
    "dc:creator": ("creator", str.strip),
    "content:encoded": ("content", str),
    "excerpt:encoded": ("excerpt", str),
    "wp:post_password": ("password", str),
    "wp:comment_status": ("comment_status", str.strip),
    "wp:attachment_url": ("attachment_url", str.strip),
}
CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "version",
}


def _author(channel, element):
    values = {_name(child.tag): _text(child).strip() for child in element}
    login = values.get("wp:author_login", "")
    if login:
        channel.authors[login] = values.get("wp:author_display_name") or login
    if _int(values.get("wp:author_id")):
        channel.author_ids.add(_int(values.get("wp:author_id")))


def read(path):
    """Yield the export's Channel once (before its first item), then each Item in file order.

    Raises ExportError for a file that is not XML, not a WordPress export, truncated, or that declares entities.
    """
    try:
        yield from _read(path)
    except FileNotFoundError as error:
        raise ExportError(f"There is no file {path}.") from error
    except IsADirectoryError as error:
        raise ExportError(f"{path} is a folder, not a WordPress export file.") from error
    except DefusedXmlException as error:
        raise ExportError(
            f"{path} declares a document type, entities or external references ({type(error).__name__}). A WordPress "
            "export never does, so the file was not read: it may have been altered."
        ) from error
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ExportError(
            f"{path} is not well-formed XML (line {line}, column {column}): it may be cut short or not be a "
            "WordPress export. Export the site again (Tools > Export > All content)."
        ) from error


def _read(path):
    channel = Channel()
    channel_element = None
    announced = False
    depth = 0
    for event, element in iterparse(path, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            if depth == 1 and element.tag != "rss":
                raise ExportError(f"{path} is XML but not a WordPress export (it starts with <{_name(element.tag)}>).")
            if depth == 2 and element.tag == "channel":
                channel_element = element
            continue
        depth -= 1
        if depth != 2 or channel_element is None:
            continue
        name = _name(element.tag)
        if name == "item":
            if not announced:
                _check_version(path, channel)
                announced = True
                yield channel
            yield _item(element)
        elif name == "wp:author":
            _author(channel, element)
        elif name in CHANNEL_FIELDS:
            setattr(channel, CHANNEL_FIELDS[name], _text(element).strip())
        # Done with it: only one item is ever held in memory.
        channel_element.remove(element)
    if not announced:
        _check_version(path, channel)
        yield channel


def _check_version(path, channel):
    if not channel.version:
        raise ExportError(
            f"{path} is not a WordPress export: it has no <wp:wxr_version>. Use the file from Tools > Export."
        )
    if channel.version not in SUPPORTED_VERSIONS:
        raise ExportError(
            f"{path} is a WordPress export of format {channel.version}; this import reads formats "
            f"{', '.join(SUPPORTED_VERSIONS)}."
        )
