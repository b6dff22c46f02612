"""Tags, limited to those on the user's own clinics' images and documents.

Vanilla Wagtail reads tags across the whole install: the image and document listings' "Tag" filter offers the ten
most used tags of every collection, the image chooser suggests them as "popular tags", and the tag autocomplete
(/admin/tag-autocomplete/) completes any tag anybody has used. A clinic's tags ("knee-pain-zebra-trial") can say
a lot about its work, so clinic staff see only the tags on images and documents of the collections they hold a
permission on; network admins see every tag, as in Wagtail.

The listings and the image chooser are Wagtail's own views with the tag choices replaced (URLs in urls.py, the
chooser view class set on Wagtail's chooser viewset in wagtail_hooks.py); the autocomplete is a small view of the
same shape as Wagtail's. The views answering at Wagtail's paths from urls.py carry the decorators Wagtail puts on
its admin URLs (`shadows.admin_view`). A staff listing takes one query more than Wagtail's: Wagtail's filterset still
counts the install's popular tags before the user's own replace them.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from taggit.models import Tag, TagBase
from wagtail.admin.models import popular_tags_for_model
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.documents import get_document_model
from wagtail.documents.views.documents import DocumentsFilterSet
from wagtail.documents.views.documents import IndexView as DocumentIndexView
from wagtail.images import get_image_model
from wagtail.images.views.chooser import ImageChooseView
from wagtail.images.views.images import ImagesFilterSet
from wagtail.images.views.images import IndexView as ImageIndexView

from pages.clinics.scope import ClinicScope

POPULAR_TAGS = 10  # as many as Wagtail's own filter and chooser offer


def _on_visible_media(user, models):
    """A condition on Tag: used on at least one of the user's objects of `models` (images, documents)."""
    condition = Q(pk__in=[])
    for model in models:
        condition |= Q(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(model),
            taggit_taggeditem_items__object_id__in=ClinicScope.of(user).media(model).values("pk"),
        )
    return condition


def popular_tags(user, model, count=POPULAR_TAGS):
    """The tags used most on the user's images or documents (`model`), most used first."""
    if user.is_superuser:
        return popular_tags_for_model(model, count)
    return (
        Tag.objects.filter(_on_visible_media(user, [model]))
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count", "name")[:count]
    )


class OwnTagsFilterSetMixin:
    """Narrows the "Tag" filter's choices (Wagtail's: the whole install's popular tags) to the user's own."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        tag_filter = self.filters.get("tag")
        if tag_filter is None or request.user.is_superuser:
            return
        tags = [tag.name for tag in popular_tags(request.user, self._meta.model)]
        if tags:
            tag_filter.extra["choices"] = [(name, name) for name in tags]
        else:
            del self.filters["tag"]


class ClinicImagesFilterSet(OwnTagsFilterSetMixin, ImagesFilterSet):
    class Meta(ImagesFilterSet.Meta):
        pass


class ClinicDocumentsFilterSet(OwnTagsFilterSetMixin, DocumentsFilterSet):
    class Meta(DocumentsFilterSet.Meta):
        pass


class ClinicImageIndexView(ImageIndexView):
    filterset_class = ClinicImagesFilterSet


class ClinicDocumentIndexView(DocumentIndexView):
    filterset_class = ClinicDocumentsFilterSet


class ClinicImageChooseView(ImageChooseView):
    """The image chooser, suggesting the user's own popular tags."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["popular_tags"] = popular_tags(self.request.user, self.model)
        return context


def autocomplete(request, app_name=None, model_name=None):
    """Wagtail's tag autocomplete (same answers for network admins), completing only the user's own tags."""
    tag_model = Tag
    if app_name and model_name:
        try:
            tag_model = ContentType.objects.get_by_natural_key(app_name, model_name).model_class()
        except ContentType.DoesNotExist as error:
            raise Http404 from error
        if tag_model is None or not issubclass(tag_model, TagBase):
            raise Http404

    term = request.GET.get("term")
    tags = tag_model.objects.none()
    if term:
        tags = tag_model.objects.filter(name__istartswith=term)
        if not request.user.is_superuser:
            # Images and documents are the only tagged objects here; other tag models have no clinic to scope by.
            own = _on_visible_media(request.user, [get_image_model(), get_document_model()])
            tags = tags.filter(own) if tag_model is Tag else tag_model.objects.none()
        tags = tags.order_by("name").values_list("name", flat=True).distinct()[:TAGS_AUTOCOMPLETE_LIMIT]
    return JsonResponse(list(tags), safe=False)
