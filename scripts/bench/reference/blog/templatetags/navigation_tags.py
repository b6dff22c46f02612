"""bakerydemo's navigation tags: the site root, its menu (with a dropdown check per item), breadcrumbs, footer."""

from django import template
from wagtail.models import Page, Site

from scripts.bench.reference.blog.models import FooterText

register = template.Library()


@register.simple_tag(takes_context=True)
def get_site_root(context):
    return Site.find_for_request(context["request"]).root_page


def has_menu_children(page):
    return page.get_children().live().in_menu().exists()


@register.inclusion_tag("blog/tags/top_menu.html", takes_context=True)
def top_menu(context, parent, calling_page=None):
    menuitems = parent.get_children().live().in_menu()
    for menuitem in menuitems:
        menuitem.show_dropdown = has_menu_children(menuitem)
        menuitem.active = calling_page.url_path.startswith(menuitem.url_path) if calling_page else False
    return {"calling_page": calling_page, "menuitems": menuitems, "request": context["request"]}


@register.inclusion_tag("blog/tags/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    ancestors = Page.objects.ancestor_of(page, inclusive=True).filter(depth__gt=1) if page else ()
    return {"ancestors": ancestors, "request": context["request"]}


@register.inclusion_tag("blog/tags/footer_text.html", takes_context=True)
def get_footer_text(context):
    footer = FooterText.objects.first()
    return {"footer_text": footer.body if footer else ""}
