"""Every old WordPress address -> a redirect of the clinic's Site (wagtail.contrib.redirects) to what it became.

Permalinks, `/?p=ID`, `/?page_id=ID` (pages), attachment pages, `/?attachment_id=ID` and the uploaded files' own
addresses. Wagtail's RedirectMiddleware answers them when the path is not found; the ones on the site root (`/?p=`),
where the home page answers first, are answered by middleware.py.
"""

from urllib.parse import urlparse

from wagtail.contrib.redirects.models import Redirect


def old_paths(item):
    """The normalised old addresses of one post, page or attachment (without the site's hostname)."""
    paths = set()
    for url in (item.link, item.guid):
        parsed = urlparse(url or "")
        if parsed.path or parsed.query:
            paths.add(Redirect.normalise_path(url))
    key = {"page": "page_id", "attachment": "attachment_id"}.get(item.type)
    paths.add(Redirect.normalise_path(f"/?p={item.id}"))
    if key:
        paths.add(Redirect.normalise_path(f"/?{key}={item.id}"))
    if item.type == "attachment" and item.attachment_url:
        paths.add(Redirect.normalise_path(item.attachment_url))
    paths.discard("/")
    return paths


class OldLinks:
    """Collects the redirects as items are imported, then writes them in bulk: new, changed, or left alone."""

    def __init__(self, importer):
        self.importer = importer
        self.pages = {}  # old path -> page id
        self.links = {}  # old path -> URL (attachments: the new file)

    def add_page(self, item, page):
        new_path = Redirect.normalise_path(page.url_path[len(self.importer.home.url_path) - 1 :])
        for path in old_paths(item):
            if path != new_path:
                self.pages[path] = page.pk

    def add_file(self, item, url):
        for path in old_paths(item):
            self.links[path] = url

    def save(self):
        report, site = self.importer.report, self.importer.site
        existing = {redirect.old_path: redirect for redirect in Redirect.objects.filter(site=site)}
        new, changed = [], []
        wanted = [(path, page_id, "") for path, page_id in self.pages.items()]
        wanted += [(path, None, url) for path, url in self.links.items() if path not in self.pages]
        for path, page_id, url in wanted:
            redirect = existing.get(path)
            if redirect is None:
                new.append(Redirect(site=site, old_path=path, redirect_page_id=page_id, redirect_link=url))
            elif (redirect.redirect_page_id, redirect.redirect_link) != (page_id, url):
                redirect.redirect_page_id, redirect.redirect_link = page_id, url
                changed.append(redirect)
            else:
                report.count("redirect", "unchanged")
        Redirect.objects.bulk_create(new, batch_size=500)
        Redirect.objects.bulk_update(changed, ["redirect_page", "redirect_link"], batch_size=500)
        report.count("redirect", "created", len(new))
        report.count("redirect", "updated", len(changed))
