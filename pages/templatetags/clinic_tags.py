import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
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
