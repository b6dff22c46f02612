"""Which WordPress item became which object of a clinic: what makes a second import update instead of duplicate."""

from django.db import models


class Kind(models.TextChoices):
    PAGE = "page", "Page"
    POST = "post", "Post"
    ATTACHMENT = "attachment", "Attachment"
    COMMENT = "comment", "Comment"
    REDIRECT = "redirect", "Redirect"


class WordPressOrigin(models.Model):
    """One item of a clinic's WordPress export (by its WordPress id) and the object it was imported as.

    `digest` is a hash of the item as last imported: an unchanged item is skipped on the next run, a changed one
    updates its object in place. Nothing of a comment's author or text is kept here.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="clinic", on_delete=models.CASCADE, related_name="wordpress_origins"
    )
    kind = models.CharField("kind", max_length=12, choices=Kind.choices)
    wordpress_id = models.BigIntegerField("WordPress id", help_text="The post, attachment or comment id in WordPress.")
    object_id = models.BigIntegerField("imported as", help_text="The id of the page, image, document or message.")
    object_model = models.CharField(
        "model", max_length=40, help_text="e.g. 'pages.articlepage' or 'wagtailimages.image'."
    )
    digest = models.CharField("digest", max_length=64)
    imported_at = models.DateTimeField("last imported", auto_now=True)

    class Meta:
        verbose_name = "WordPress origin"
        ordering = ["site", "kind", "wordpress_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wordpress_id"], name="wordpress_origin_unique_item")
        ]

    def __str__(self):
        return f"WordPress {self.kind} #{self.wordpress_id} of clinic #{self.site_id}"
