"""Where the seals attach to Wagtail's admin, all in one place (the URL shadows are in urls.py).

Each attachment point that is not a documented hook relies on a private part of Wagtail: wagtail_internals.py lists
them with the version they were checked against.
"""

from wagtail import hooks
from wagtail.admin.viewsets.pages import base_page_viewset
from wagtail.images.views.chooser import viewset as image_chooser_viewset

from pages.isolation import exports, filters, moves, privacy, shadows, tags

# Wagtail's page chooser lists every site's pages; staff choose only within their own clinics.
hooks.register("construct_page_chooser_queryset", shadows.page_chooser_queryset)

# The image chooser suggests the user's own clinics' popular tags (tags.py). Set before Wagtail builds the chooser's
# URLs, which happens when the admin URLconf is first loaded, after every hooks module.
image_chooser_viewset.choose_view_class = tags.ClinicImageChooseView

# The explorer's and page-type listing's filters, and the page privacy form's groups, offer only the user's clinics'
# sites, people and groups (filters.py).
filters.narrow_page_listing_filters()
base_page_viewset.set_privacy_view_class = filters.ClinicSetPrivacyView


@hooks.register("construct_reports_menu")
def hide_network_reports(request, menu_items):
    """The page-types usage report spans every clinic: network admins only (filters.py)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


# Page privacy "signed in" admits the page's own clinic's staff, not every account of the install (privacy.py).
hooks.register("before_serve_page", privacy.refuse_other_clinics_staff)

# No CSV cell of any admin export can run as a spreadsheet formula (exports.py).
exports.guard_spreadsheet_exports()

# Copy and move save without model validation: the reference rule is applied to the destination's clinic (moves.py).
hooks.register("before_copy_page", moves.refuse_copy_into_another_clinic)
hooks.register("before_move_page", moves.refuse_move_into_another_clinic)
hooks.register("after_copy_page", moves.clear_foreign_reviewers)
