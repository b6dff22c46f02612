"""Importing one WordPress export into one clinic: pages, posts, attachments, comments and old links.

The file is read twice, as a stream. The first pass checks it is a whole WordPress export and keeps what the second
needs before any post: the attachments and pages (a site has few) and each post's id. Nothing is written until the
first pass has read the file to its end, so a truncated or hostile file leaves the clinic as it was; the writing
itself is one transaction. A dry run does all of it and rolls the transaction back (files written meanwhile are
deleted again).

Every object remembers its WordPress id (WordPressOrigin) and a digest of what it was imported from: a second run
updates what changed and leaves the rest alone. Every object written is in the clinic's tree or collection, and
gets an audit-log entry of the registered action "pages.wordpress.import".
"""

from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, Page, PageLogEntry, PageViewRestriction, Site

from pages.clinics.models import ClinicSettings
from pages.content.general import GeneralPage
from pages.content.news import ArticlePage, NewsIndexPage
from pages.wordpress import blocks, indexing, reader
from pages.wordpress.comments import LOG_IMPORT, Comments, plain_text
from pages.wordpress.media import Attachments
from pages.wordpress.models import Kind, WordPressOrigin
from pages.wordpress.old_links import OldLinks
from pages.wordpress.report import Report

CONTENT_TYPES = {"post": Kind.POST, "page": Kind.PAGE}
SKIPPED_STATUSES = {"trash": "in the trash", "auto-draft": "an unsaved WordPress auto-draft", "inherit": "a revision"}
INTRODUCTION_MAX = 400
INDEXED_MODELS = (GeneralPage, ArticlePage, NewsIndexPage, get_image_model(), get_document_model())


class ImportRefused(Exception):
    """The import cannot start (the clinic or its uploads are not there); nothing was changed."""


@dataclass
class Catalogue:
    """What the first pass keeps: the channel, the attachments and pages, and how many posts follow."""

    channel: reader.Channel | None = None
    attachments: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    posts: int = 0
    other_types: dict = field(default_factory=dict)


def scan(path):
    catalogue = Catalogue()
    for entry in reader.read(path):
        if isinstance(entry, reader.Channel):
            catalogue.channel = entry
        elif entry.type == "attachment":
            catalogue.attachments.append(entry)
        elif entry.type == "page":
            catalogue.pages.append(entry)
        elif entry.type == "post":
            catalogue.posts += 1
        else:
            catalogue.other_types[entry.type] = catalogue.other_types.get(entry.type, 0) + 1
    return catalogue


class SiteLinks(blocks.Links):
    """Links in content: uploads -> the new images and documents; the old site's own addresses -> site-relative."""

    def __init__(self, attachments, hosts):
        self.attachments = attachments
        self.hosts = hosts

    def image(self, attachment_id, url):
        return self.attachments.image(attachment_id, url)

    def document(self, url):
        return self.attachments.document(url)

    def href(self, url):
        parsed = urlparse(url)
        if parsed.netloc and parsed.netloc.lower() in self.hosts:
            return (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
        return url


class Importer:
    def __init__(self, hostname, path, *, uploads=None, dry_run=False, progress=None):
        self.site = Site.objects.filter(hostname=hostname).select_related("root_page").first()
        if self.site is None:
            raise ImportRefused(f"There is no clinic with the hostname {hostname!r}. Create it first (create_clinic).")
        self.collection = Collection.objects.filter(name=self.site.site_name, depth=2).first()
        if self.collection is None:
            raise ImportRefused(f"The clinic {self.site.site_name!r} has no collection; run create_clinic again.")
        self.home = self.site.root_page
        self.path, self.uploads, self.dry_run = path, uploads, dry_run
        self.progress = progress or (lambda done, total: None)
        self.report = Report(hostname=hostname, dry_run=dry_run)
        self.written_files = []
        self._content_types = {}

    # --- bookkeeping the parts share -----------------------------------------------------------------------------

    def content_type(self, model):
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model)
        return self._content_types[model]

    def existing(self, kind, wordpress_id, model):
        """(origin, the object it points at) for an item imported before; (origin or None, None) otherwise."""
        origin = self.origins.get((kind, wordpress_id))
        if origin is None:
            return None, None
        obj = self.objects.get((kind, wordpress_id)) or model.objects.filter(pk=origin.object_id).first()
        return origin, obj

    def remember(self, kind, wordpress_id, obj, digest, origin):
        model = f"{obj._meta.app_label}.{obj._meta.model_name}"
        origin = origin or self.origins.get((kind, wordpress_id))
        if origin is None:
            origin = WordPressOrigin(site=self.site, kind=kind, wordpress_id=wordpress_id)
            self.new_origins.append(origin)
            self.origins[(kind, wordpress_id)] = origin
        elif origin.pk:
            self.changed_origins[origin.pk] = origin
        origin.object_id, origin.object_model, origin.digest = obj.pk, model, digest

    def audit(self, obj, wordpress_id):
        data = {"wordpress_id": wordpress_id, "file": "WordPress export"}
        if not isinstance(obj, Page):
            log(obj, LOG_IMPORT, data=data)
            return
        # Pages' entries are written in batches (save_origins): one INSERT each would cost more than the page.
        self.page_log_entries.append(
            PageLogEntry(
                page_id=obj.pk,
                content_type_id=obj.content_type_id,
                label=obj.get_admin_display_title(),
                action=LOG_IMPORT,
                data=data,
                timestamp=timezone.now(),
                content_changed=True,
            )  # fmt: skip
        )

    # --- the run ------------------------------------------------------------------------------------------------

    def run(self):
        catalogue = scan(self.path)
        self.channel = catalogue.channel
        for kind, n in catalogue.other_types.items():
            self.report.count(kind, "skipped", n)
        try:
            with transaction.atomic(), indexing.paused(INDEXED_MODELS):
                self.reindex = indexing.Reindex()
                self.write(catalogue)
                self.reindex.finish()
                if self.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            self.delete_written_files()
            raise
        if self.dry_run:
            self.delete_written_files()
        return self.report

    def delete_written_files(self):
        for storage, name in self.written_files:
            storage.delete(name)
        self.written_files = []

    def write(self, catalogue):
        self.origins = {(o.kind, o.wordpress_id): o for o in WordPressOrigin.objects.filter(site=self.site)}
        self.objects, self.new_origins, self.changed_origins = {}, [], {}
        self.last_child_paths, self.added_children, self.page_log_entries = {}, {}, []
        # The pages imported before, in one query: an unchanged post costs no query of its own.
        page_ids = [o.object_id for o in self.origins.values() if o.kind in (Kind.PAGE, Kind.POST)]
        pages = Page.objects.filter(pk__in=page_ids).only("pk", "title", "url_path", "path", "depth")
        self.imported_pages = {page.pk: page for page in pages}
        hosts = {urlparse(url).netloc.lower() for url in (self.channel.link, self.channel.base_site_url) if url}
        self.attachments = Attachments(self)
        self.links = SiteLinks(self.attachments, hosts - {""})
        self.old_links = OldLinks(self)
        self.comments = Comments(self, ClinicSettings.for_site(self.site).moderation_rules())
        self.attachments.import_all(catalogue.attachments)
        for item in catalogue.attachments:
            if item.id in self.attachments.files:
                self.old_links.add_file(item, self.attachments.files[item.id])
        self.import_pages(catalogue.pages)
        self.news_index = None
        done = 0
        for entry in reader.read(self.path):
            if isinstance(entry, reader.Item) and entry.type == "post":
                self.import_item(entry, self.news(), ArticlePage)
                done += 1
                self.progress(done, catalogue.posts)
                self.save_origins(threshold=500)
        self.comments.finish()
        self.old_links.save()
        self.save_origins()

    def save_origins(self, threshold=0):
        """Write what is kept back for batches: origins, page audit entries and the parents' child counts."""
        if len(self.new_origins) + len(self.changed_origins) + len(self.page_log_entries) < max(threshold, 1):
            return
        PageLogEntry.objects.bulk_create(self.page_log_entries, batch_size=500)
        self.page_log_entries = []
        self.flush_child_counts()
        WordPressOrigin.objects.bulk_create(self.new_origins, batch_size=500)
        fields = ["object_id", "object_model", "digest", "imported_at"]
        now = timezone.now()
        for origin in self.changed_origins.values():
            origin.imported_at = now
        WordPressOrigin.objects.bulk_update(list(self.changed_origins.values()), fields, batch_size=500)
        self.new_origins, self.changed_origins = [], {}

    def flush_child_counts(self):
        for parent_id, added in self.added_children.items():
            Page.objects.filter(pk=parent_id).update(numchild=F("numchild") + added)
        self.added_children = {}

    def news(self):
        """The clinic's news index: the one below its home page, created on first use."""
        if self.news_index is None:
            self.news_index = NewsIndexPage.objects.child_of(self.home).first()
            if self.news_index is None:
                index = NewsIndexPage(title="News", slug=self.free_slug(self.home, "news"))
                self.news_index = self.add_child(self.home, index)
                self.reindex.add(self.news_index, has_references=False)
                self.audit(self.news_index, 0)
                self.report.count("news index", "created")
        return self.news_index

    def import_pages(self, items):
        """Pages in an order that puts each parent first; a page whose parent is not imported goes under home."""
        by_id = {item.id: item for item in items}
        placed = {}

        def place(item, seen=()):
            if item.id in placed:
                return placed[item.id]
            parent_item = by_id.get(item.parent)
            parent = self.home
            if parent_item is not None and item.parent not in seen:
                parent = place(parent_item, (*seen, item.id)) or self.home
            placed[item.id] = self.import_item(item, parent, GeneralPage)
            return placed[item.id]

        for item in sorted(items, key=lambda item: (item.menu_order, item.id)):
            place(item)

    # --- one post or page ---------------------------------------------------------------------------------------

    def import_item(self, item, parent, model):
        kind = CONTENT_TYPES[item.type]
        if item.status in SKIPPED_STATUSES:
            self.report.skip(item.type, item.id, SKIPPED_STATUSES[item.status])
            return None
        origin = self.origins.get((kind, item.id))
        page = self.imported_pages.get(origin.object_id) if origin is not None else None
        if page is not None and origin.digest == item.digest:
            self.report.count(item.type, "unchanged")
        else:
            page = model.objects.filter(pk=page.pk).first() if page is not None else None
            try:
                page = self.save_page(item, parent, model, page, origin)
            except ValidationError as error:
                self.report.skip(item.type, item.id, f"not valid as a page ({'; '.join(error.messages)[:200]})")
                return None
        self.objects[(kind, item.id)] = page
        self.old_links.add_page(item, page)
        if item.comments:
            self.comments.import_for(item, page)
        return page

    def save_page(self, item, parent, model, page, origin):
        created = page is None
        page = page or model()
        page.title = (" ".join(item.title.split()) or f"Untitled {item.type} {item.id}")[:255]
        conversion = blocks.convert(item.content, self.links)
        page.body = page_raw = conversion.raw()
        page.introduction = plain_text(item.excerpt)[:INTRODUCTION_MAX]
        page.accept_messages = item.comment_status == "open"
        published_at = item.date_gmt or (timezone.make_aware(item.date_local) if item.date_local else None)
        if model is ArticlePage:
            page.date = published_at or timezone.now()
            page.author_name = self.channel.authors.get(item.creator, item.creator)[:120]
        self.set_state(page, item, published_at)
        if created:
            page.slug = self.free_slug(parent, self.slug_for(item))
            self.add_child(parent, page)
        else:
            page.draft_title = page.title
            page.save(clean=False)
            if page.path[: -Page.steplen] != parent.path:
                page = self.move(page, parent, item)
        if item.status == "future":
            page.save_revision(approved_go_live_at=page.go_live_at, log_action=False)
        self.restrict(page, item, created)
        # A new page without images or links has nothing for the reference index.
        self.reindex.add(page, has_references=not created or '"image"' in page_raw or "linktype" in page_raw)
        for dropped in conversion.dropped:
            self.report.note(item.type, item.id, f"dropped: {dropped}")
        if item.status == "private":
            self.report.note(item.type, item.id, "private in WordPress: imported as a draft, not published")
        self.remember(CONTENT_TYPES[item.type], item.id, page, item.digest, origin)
        self.audit(page, item.id)
        self.report.count(item.type, "created" if created else "updated")
        return page

    def set_state(self, page, item, published_at):
        """Published stays published (with its dates), a scheduled post keeps its go-live time, the rest are drafts."""
        live = item.status == "publish"
        page.live, page.has_unpublished_changes = live, not live
        page.go_live_at = published_at if item.status == "future" else None
        if live and published_at:
            page.first_published_at = page.first_published_at or published_at
            page.last_published_at = published_at

    def restrict(self, page, item, created):
        if created and not item.password:
            return
        restriction = PageViewRestriction.objects.filter(page=page, restriction_type="password").first()
        if item.password and restriction is None:
            PageViewRestriction.objects.create(page=page, restriction_type="password", password=item.password[:255])
        elif item.password and restriction.password != item.password[:255]:
            restriction.password = item.password[:255]
            restriction.save()
        elif not item.password and restriction is not None:
            restriction.delete()

    def add_child(self, parent, page):
        """treebeard's add_child (the same paths), at the cost of the page's own INSERTs and one UPDATE.

        The parent's last child is remembered instead of looked up for each page, and the page is saved without
        Wagtail's full_clean, whose look-ups cost more than the page: the import chose the slug (free among the
        siblings, sibling_slugs) and the blocks' images (the clinic's own), and the whole run is one transaction.
        """
        last = self.last_child_paths.get(parent.pk)
        if last is None:
            child = parent.get_last_child()
            last = child.path if child is not None else ""
        page.depth = parent.depth + 1
        page.path = Page(path=last)._inc_path() if last else Page._get_path(parent.path, page.depth, 1)
        # The parents' numchild columns are brought up to date together, in save_origins().
        self.added_children[parent.pk] = self.added_children.get(parent.pk, 0) + 1
        parent.numchild += 1
        page.draft_title, page.locale_id = page.title, parent.locale_id
        page._cached_parent_obj, page._is_site_root = parent, False
        page.save(clean=False, log_action=None)
        self.last_child_paths[parent.pk] = page.path
        return page

    def move(self, page, parent, item):
        """WordPress moved the page to another parent since the last import: move it there, to the end, as an
        editor's move would (Wagtail keeps a redirect from the old address and logs the move), with a slug that is
        free among its new siblings."""
        self.flush_child_counts()  # treebeard reads the parents' child counts from the database
        slug = self.free_slug(parent, page.slug)
        if slug != page.slug:
            page.slug = slug
            page.save(clean=False, update_fields=["slug"])
        page.move(parent, pos="last-child")
        parent.numchild += 1  # as the database now says, for the next move's "last child"
        page = type(page).objects.get(pk=page.pk)
        self.last_child_paths[parent.pk] = page.path
        self.report.count(item.type, "moved")
        return page

    def slug_for(self, item):
        slug = slugify(unquote(item.slug), allow_unicode=True) or slugify(item.title, allow_unicode=True)
        return (slug or f"{item.type}-{item.id}")[:200]

    def free_slug(self, parent, slug):
        taken = self.sibling_slugs(parent)
        candidate, n = slug, 1
        while candidate in taken:
            n += 1
            candidate = f"{slug}-{n}"
        taken.add(candidate)
        return candidate

    def sibling_slugs(self, parent):
        if not hasattr(self, "_slugs"):
            self._slugs = {}
        if parent.pk not in self._slugs:
            self._slugs[parent.pk] = set(parent.get_children().values_list("slug", flat=True))
        return self._slugs[parent.pk]
