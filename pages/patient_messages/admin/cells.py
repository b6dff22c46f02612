"""Table cells of the moderators' listing written as HTML in Python, with the markup of Wagtail's cell templates.

A 50-row page has 400 cells; through Wagtail's templates (a template, or several components, per cell) they cost
about as much as everything else the page does. The markup is the same as the templates' (wagtailadmin/tables/
cell.html, status_tag_cell.html, date_cell.html, shared/human_readable_date.html, shared/icon.html and the
dropdown of list buttons), so Wagtail's styles and scripts (tooltips, dropdowns) work on them unchanged.
"""

from django.template.defaultfilters import date as format_date
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.widgets.button import Button, ButtonWithDropdown


def _td(column, content):
    if column.classname:
        return format_html('<td class="{}">{}</td>', column.classname, content)
    return format_html("<td>{}</td>", content)


def icon(name, classname="icon"):
    """Wagtail's `{% icon %}` markup (wagtailadmin/shared/icon.html), without a template per icon."""
    return format_html(
        '<svg class="icon icon-{} {}" aria-hidden="true"><use href="#icon-{}"></use></svg>', name, classname, name
    )


def plain_buttons(buttons):
    """The row's links and its "More" dropdown of links as HTML, or None when a button is of another kind (then
    Wagtail's templates render it)."""
    parts = []
    for button in buttons:
        if type(button) is ButtonWithDropdown and all(
            type(item) is Button and item.url for item in button.dropdown_buttons
        ):
            links = format_html_join(
                "",
                '<a href="{}"{}>{}{}</a>',
                (
                    (item.url, item.base_attrs_string, icon(item.icon_name) if item.icon_name else "", item.label)
                    for item in sorted(button.dropdown_buttons)
                ),
            )
            parts.append(
                format_html(
                    '<li><div data-controller="w-dropdown" class="w-dropdown"><button type="button" '
                    'class="w-dropdown__toggle w-dropdown__toggle--icon" data-w-dropdown-target="toggle" '
                    'aria-label="{}">{}</button><div data-w-dropdown-target="content" class="w-dropdown__content" '
                    "hidden>{}</div></div></li>",
                    button.aria_label,
                    icon(button.icon_name or "dots-horizontal", "w-dropdown__toggle-icon"),
                    links,
                )
            )
        else:
            return None
    return format_html_join("", "{}", ((part,) for part in parts))


class PlainColumn(Column):
    """Column's cell: the value, or nothing for None."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return _td(self, "" if value is None else value)


class PlainStatusTagColumn(StatusTagColumn):
    """StatusTagColumn's cell: the value as a status tag, primary when the column says so."""

    def render_cell_html(self, instance, parent_context):
        classname = "w-status w-status--primary" if self.get_primary(instance) else "w-status"
        return _td(self, format_html('<span class="{}">{}</span>', classname, self.get_value(instance)))


class PlainDateColumn(DateColumn):
    """DateColumn's cell: "3 hours ago", with the full date and time in Wagtail's tooltip."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return _td(self, "")
        tooltip = format_date(value, get_format("DATETIME_FORMAT") or "N j, Y, P")
        return _td(
            self,
            format_html(
                '<button type="button" class="w-human-readable-date" data-controller="w-tooltip" '
                'data-w-tooltip-content-value="{}" data-w-tooltip-placement-value="top">'
                '<time class="w-human-readable-date__date" datetime="{}">{}</time></button>',
                tooltip,
                format_date(value, "c"),
                capfirst(timesince_simple(value)),
            ),
        )
