"""Build the reference site's content: a home page with a menu, a blog index and its posts. Safe to run again."""

import datetime
from io import BytesIO

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page, Site

from scripts.bench.reference.blog.models import (
    BlogIndexPage,
    BlogPage,
    BlogPersonRelationship,
    FooterText,
    HomePage,
    Person,
    StandardPage,
)

POSTS = 10
MENU_PAGES = ("Breads", "Locations", "Gallery", "About", "Contact")
PARAGRAPH = (
    "<p>Bread is one of the oldest prepared foods. Evidence from 30,000 years ago in Europe revealed starch "
    "residue on rocks used for pounding plants. It is possible that during this time, starch extract from the "
    "roots of plants, such as cattails and ferns, was spread on a flat rock, placed over a fire and cooked into "
    'a primitive form of <b>flatbread</b>. Read more <a href="https://example.com/">about bread</a>.</p>'
)


def make_image(title, size, colour):
    buffer = BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG")
    image = Image(title=title)
    image.file = ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.jpg")
    image.save()
    return image


def body(image):
    blocks = []
    for n in range(3):
        blocks += [
            ("heading_block", {"heading_text": f"Section {n + 1}", "size": "h2"}),
            ("paragraph_block", PARAGRAPH),
            ("paragraph_block", PARAGRAPH),
        ]
    blocks.insert(3, ("image_block", {"image": image, "caption": "Freshly baked", "attribution": "The baker"}))
    blocks.append(
        (
            "block_quote",
            {"text": "The smell of good bread baking is indescribable.", "attribute_name": "M. F. K. Fisher"},
        )
    )
    return blocks


class Command(BaseCommand):
    help = "Create the reference site's pages (home, menu pages, a blog index with posts) unless they exist."

    def handle(self, *args, **options):
        if HomePage.objects.exists():
            self.stdout.write("Reference site already seeded.")
            return
        root = Page.get_first_root_node()
        for page in root.get_children():
            page.delete()
        hero = make_image("Hero", (1920, 1080), (180, 120, 60))
        home = root.add_child(instance=HomePage(title="Home", slug="home", introduction="Welcome.", image=hero))
        Site.objects.all().delete()
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Bakery")
        for title in MENU_PAGES:
            page = home.add_child(instance=StandardPage(title=title, show_in_menus=True, introduction=f"{title}."))
            page.add_child(instance=StandardPage(title=f"{title} detail", show_in_menus=True))
        people = [
            Person.objects.create(
                first_name=first, last_name=last, job_title="Baker", image=make_image(first, (400, 400), (90, 90, 90))
            )
            for first, last in (("Olivia", "Ava"), ("Roberto", "Rosa"), ("Lily", "Khan"))
        ]
        FooterText.objects.create(body="<p>Made with Wagtail. The reference bakery.</p>")
        index = home.add_child(
            instance=BlogIndexPage(title="Blog", show_in_menus=True, introduction="News.", image=hero)
        )
        for n in range(POSTS):
            post = BlogPage(
                title=f"Tracking wild yeast {n + 1}",
                subtitle="A baker's notes",
                introduction="Sourdough starters are alive, and each one is different.",
                image=hero,
                body=body(hero),
                date_published=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            )
            index.add_child(instance=post)
            post.tags.add("bread", "sourdough", f"notes-{n}")
            for order, person in enumerate(people[:2]):
                BlogPersonRelationship.objects.create(page=post, person=person, sort_order=order)
            post.save_revision().publish()
        self.stdout.write(f"Reference site seeded: {POSTS} blog posts under /blog/.")
