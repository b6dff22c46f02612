"""Pages and snippets of the reference site, modelled on bakerydemo's base and blog apps."""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from scripts.bench.reference.blog.blocks import BaseStreamBlock


def image_field():
    return models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


@register_snippet
class Person(index.Indexed, ClusterableModel):
    first_name = models.CharField(max_length=254)
    last_name = models.CharField(max_length=254)
    job_title = models.CharField(max_length=254)
    image = image_field()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


@register_snippet
class FooterText(models.Model):
    body = RichTextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return "Footer text"


class HomePage(Page):
    introduction = models.TextField(blank=True)
    image = image_field()
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("image"), FieldPanel("body")]


class StandardPage(Page):
    introduction = models.TextField(blank=True)
    image = image_field()
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("image"), FieldPanel("body")]


class BlogPersonRelationship(Orderable, models.Model):
    page = ParentalKey("BlogPage", related_name="blog_person_relationship", on_delete=models.CASCADE)
    person = models.ForeignKey(Person, related_name="person_blog_relationship", on_delete=models.CASCADE)

    panels = [FieldPanel("person")]

    def __str__(self):
        return f"{self.person} on {self.page}"


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey("BlogPage", related_name="tagged_items", on_delete=models.CASCADE)


class BlogPage(Page):
    subtitle = models.CharField(blank=True, max_length=255)
    introduction = models.TextField(blank=True)
    image = image_field()
    body = StreamField(BaseStreamBlock(), blank=True)
    date_published = models.DateField("Date article published", blank=True, null=True)
    tags = ClusterTaggableManager(through=BlogPageTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        FieldPanel("introduction"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("date_published"),
        InlinePanel("blog_person_relationship", label="Author(s)", min_num=1),
        FieldPanel("tags"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["BlogIndexPage"]
    subpage_types = []

    def authors(self):
        return [relation.person for relation in self.blog_person_relationship.select_related("person__image")]

    @property
    def get_tags(self):
        tags = self.tags.all()
        base = self.get_parent().url
        for tag in tags:
            tag.url = f"{base}tags/{tag.slug}/"
        return tags


class BlogIndexPage(Page):
    introduction = models.TextField(blank=True)
    image = image_field()

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("image")]
    subpage_types = ["BlogPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["posts"] = BlogPage.objects.descendant_of(self).live().order_by("-date_published")
        return context
