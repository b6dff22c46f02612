"""Spreadsheet exports of the admin: no cell a patient or editor typed can run as a formula.

Every CSV and XLSX download of Wagtail's admin is written by one mixin, SpreadsheetExportMixin: form submissions,
the site-history, locked-pages, workflow and aging-pages reports, the redirects listing, any ModelViewSet or
snippet listing with `list_export`, and our own reports. It guards XLSX data cells (openpyxl would otherwise store
'=...' as a formula) but writes CSV cells as they are, so a contact form answer such as '=HYPERLINK(...)' would be a
live formula in the moderator's spreadsheet. Column headings (a form field's label) are written as they are in
both formats.

The mixin is wrapped once, at start-up, so each export present and future goes through
pages.security.neutralise_spreadsheet_formula without a subclass per view. It relies on two methods of Wagtail's
mixin that are not documented hooks (checked against Wagtail 8.0.1; wagtail/admin/views/mixins.py):
`preprocess_field_value(field, value, export_format)`, called for every data cell of both formats, and
`get_heading(queryset, field)`, called for every column heading of both formats.
"""

import functools

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from pages.security import neutralise_spreadsheet_formula


def guard_spreadsheet_exports(mixin=SpreadsheetExportMixin):
    """Wrap the mixin's cell and heading preparation (once; safe to call again)."""
    if getattr(mixin, "formula_guarded", False):
        return
    preprocess_field_value, get_heading = mixin.preprocess_field_value, mixin.get_heading

    @functools.wraps(preprocess_field_value)
    def guarded_preprocess_field_value(self, field, value, export_format):
        value = preprocess_field_value(self, field, value, export_format)
        # XLSX data cells are already kept as text by Wagtail; an apostrophe there would show in the cell.
        if export_format == self.FORMAT_CSV:
            return neutralise_spreadsheet_formula(value)
        return value

    @functools.wraps(get_heading)
    def guarded_get_heading(self, queryset, field):
        # One heading serves both formats, and openpyxl stores a heading beginning with '=' as a formula.
        return neutralise_spreadsheet_formula(get_heading(self, queryset, field))

    mixin.preprocess_field_value = guarded_preprocess_field_value
    mixin.get_heading = guarded_get_heading
    mixin.formula_guarded = True
