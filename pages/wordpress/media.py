"""WordPress attachments -> the clinic's Wagtail images and documents, read from a copy of wp-content/uploads.

Nothing is fetched from the network: a file that is not in the uploads folder is reported and skipped. A path from
the export that points outside the folder (`../`) is treated as missing.
"""

import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.files import File
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from pages.wordpress.models import Kind

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "avif"}
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
UPLOADS_MARKER = "/wp-content/uploads/"


def uploads_path(url_or_path):
    """'https://old/wp-content/uploads/2019/05/x-300x200.jpg' -> '2019/05/x.jpg' (the original, not a thumbnail)."""
    path = unquote(urlparse(url_or_path or "").path)
    if UPLOADS_MARKER in path:
        path = path.split(UPLOADS_MARKER, 1)[1]
    elif not url_or_path or "://" in url_or_path or path.startswith("/"):
        return ""
    return SIZE_SUFFIX.sub("", posixpath.normpath(path).lstrip("/"))


class Attachments:
    """The clinic's imported attachments, by WordPress id and by uploads path, for content and old links."""

    def __init__(self, importer):
        self.importer = importer
        self.uploads = Path(importer.uploads).resolve() if importer.uploads else None
        self.images = {}  # WordPress id -> (image id, alt)
        self.documents = {}  # WordPress id -> document id
        self.by_path = {}  # uploads path -> WordPress id
        self.files = {}  # WordPress id -> the new file's URL

    def image(self, attachment_id, url):
        wordpress_id = _int(attachment_id) or self.by_path.get(uploads_path(url))
        return self.images.get(wordpress_id)

    def document(self, url):
        wordpress_id = self.by_path.get(uploads_path(url)) if UPLOADS_MARKER in (url or "") else None
        return self.documents.get(wordpress_id)

    def source_file(self, item):
        """The attachment's file inside the uploads folder, or None."""
        relative = item.meta.get("_wp_attached_file") or uploads_path(item.attachment_url)
        if not relative or self.uploads is None:
            return None
        candidate = (self.uploads / relative).resolve()
        if not candidate.is_relative_to(self.uploads) or not candidate.is_file():
            return None
        return candidate

    def import_all(self, items):
        for item in items:
            path = item.meta.get("_wp_attached_file") or uploads_path(item.attachment_url)
            if path:
                self.by_path[SIZE_SUFFIX.sub("", path)] = item.id
            self.import_one(item)

    def import_one(self, item):
        importer, report = self.importer, self.importer.report
        source = self.source_file(item)
        if source is None:
            where = item.meta.get("_wp_attached_file") or item.attachment_url or "no file named"
            report.skip("attachment", item.id, f"file {where} is not in the uploads folder")
            return
        extension = source.suffix.lower().lstrip(".")
        is_image = extension in IMAGE_EXTENSIONS
        if not is_image and extension not in getattr(settings, "WAGTAILDOCS_EXTENSIONS", [extension]):
            report.skip("attachment", item.id, f"files of type .{extension} are not accepted as documents")
            return
        model = get_image_model() if is_image else get_document_model()
        digest = f"{item.digest[:48]}{source.stat().st_size:016x}"
        title = (item.title or source.stem)[:255]
        alt = " ".join(item.meta.get("_wp_attachment_image_alt", "").split())[:255]
        origin, obj = importer.existing(Kind.ATTACHMENT, item.id, model)
        if obj is not None and origin.digest == digest:
            report.count("attachment", "unchanged")
        else:
            created = obj is None
            obj = obj or model(collection=importer.collection)
            obj.title = title
            if is_image:
                obj.description = alt
            if created or not obj.file or obj.file.size != source.stat().st_size:
                with source.open("rb") as handle:
                    obj.file = File(handle, name=os.path.basename(source.name))
                    obj.save()
                importer.written_files.append((obj.file.storage, obj.file.name))
            else:
                obj.save()
            importer.remember(Kind.ATTACHMENT, item.id, obj, digest, origin)
            importer.reindex.add(obj)
            importer.audit(obj, item.id)
            report.count("attachment", "created" if created else "updated")
        if is_image:
            self.images[item.id] = (obj.pk, alt or obj.title)
        else:
            self.documents[item.id] = obj.pk
        self.files[item.id] = obj.file.url if is_image else obj.url


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
