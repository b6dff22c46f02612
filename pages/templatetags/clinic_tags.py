import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Site

from pages.content.visibility import public
from pages.public import favicon

register = template.Library()


@register.simple_tag(takes_context=True)
def clinic_menu(context):
    """The live pages under the request's clinic home page that are marked 'show in menus'. One query."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return list(public(site.root_page.get_children().live().in_menu()).only("id", "title", "url_path", "depth"))


def rendition(image, spec):
    """`image`'s rendition for `spec`, as {% image %} finds it, with one cache read when the cache holds it.

    Image.get_rendition() writes the rendition back to the cache even when it was read from there: with the
    embedded default's database cache that is four queries on every page view for the clinic's logo.
    """
    image_filter = image.clean_filter_for_svg(Filter(spec=spec))
    model = image.get_rendition_model()
    key = model.construct_cache_key(image, image_filter.get_cache_key(image), image_filter.spec)
    cached = model.cache_backend.get(key)
    if cached is not None:
        cached.image = image
        return cached
    return get_rendition_or_not_found(image, image_filter)


@register.simple_tag
def clinic_logo(clinic):
    """The header's <img> of the clinic's logo (loaded settings), as {% image clinic.logo height-80 %} gives it."""
    return rendition(clinic.logo, "height-80").img_tag({"class": "site-header__logo", "alt": ""})


@register.simple_tag
def favicon_href(clinic=None):
    """The favicon URL, with its fingerprint, of `clinic` (loaded settings: no query), or the platform's."""
    return favicon.favicon_href(clinic)


@register.simple_tag
def brand_css_href(clinic):
    """The URL, with its fingerprint, of `clinic`'s colour stylesheet (loaded settings: no query)."""
    return favicon.brand_css_href(clinic)


@register.filter
def json_ld(data):
    """A <script type="application/ld+json"> element holding `data`.

    Escapes <, > and & as Django's json_script does, so editor text such as "</script>" cannot end the element.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above
