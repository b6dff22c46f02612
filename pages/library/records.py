"""Which clinic page was adopted from which library master, and from which of the master's revisions."""

from django.conf import settings
from django.db import models
from wagtail.models import Site


class LibraryAdoption(models.Model):
    """One clinic's copy of one library master.

    `master_revision` is the master's published revision the copy was made from or last brought up to date with.
    A section taken or kept since then on its own is in `section_revisions` (section name -> revision id), until
    every section is settled with the master's newest revision and `master_revision` moves on.
    """

    site = models.ForeignKey(Site, verbose_name="clinic", on_delete=models.CASCADE, related_name="library_adoptions")
    page = models.OneToOneField(
        "wagtailcore.Page", verbose_name="clinic page", on_delete=models.CASCADE, related_name="library_adoption"
    )
    master = models.ForeignKey(
        "wagtailcore.Page", verbose_name="library page", on_delete=models.CASCADE, related_name="library_copies"
    )
    master_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name="library version",
        on_delete=models.PROTECT,
        related_name="+",
    )
    section_revisions = models.JSONField("sections settled since", default=dict, blank=True)
    adopted_at = models.DateTimeField("adopted", auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="adopted by", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "library adoption"
        ordering = ["site_id", "page_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "master"], name="library_adoption_once_per_clinic"),
        ]

    def __str__(self):
        return f"Library adoption {self.pk}"

    def baseline(self, section):
        """The master revision id a section of the copy is up to date with."""
        return self.section_revisions.get(section, self.master_revision_id)
