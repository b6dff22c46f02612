"""The procedure library's admin registrations: its views, menu items, report, the editor's "library version has
changed" message, the audit entries and the announcement of a published master."""

from django.contrib import messages
from django.urls import path, reverse
from wagtail import hooks
from wagtail.signals import page_published

from pages.library import adoption, updates, views
from pages.library.notifications import COMPARE_URL_NAME
from pages.library.report import REPORT_RESULTS_URL_NAME, REPORT_URL_NAME, LibraryUpdatesReportView

page_published.connect(updates.master_published, dispatch_uid="pages_library_master_published")


@hooks.register("register_admin_urls")
def library_urls():
    # Each view checks who may see it and every id it is given (access.py).
    return [
        path("library/", views.library_index, name=views.INDEX_URL_NAME),
        path("library/<int:master_id>/", views.library_master, name=views.MASTER_URL_NAME),
        path("library/<int:master_id>/adopt/", views.library_adopt, name=views.ADOPT_URL_NAME),
        path("library/adoptions/<int:adoption_id>/", views.library_compare, name=COMPARE_URL_NAME),
        path("library/adoptions/<int:adoption_id>/sections/", views.library_decide, name=views.DECIDE_URL_NAME),
        path("reports/library-updates/", LibraryUpdatesReportView.as_view(), name=REPORT_URL_NAME),
        path(
            "reports/library-updates/results/",
            LibraryUpdatesReportView.as_view(results_only=True),
            name=REPORT_RESULTS_URL_NAME,
        ),
    ]


@hooks.register("register_admin_menu_item")
def library_menu_item():
    return views.LibraryMenuItem(
        "Procedure library", reverse(views.INDEX_URL_NAME), icon_name="doc-full-inverse", order=250
    )


@hooks.register("register_reports_menu_item")
def library_updates_menu_item():
    return views.LibraryMenuItem(
        "Library updates waiting",
        reverse(REPORT_URL_NAME),
        name="library-updates",
        icon_name="doc-full-inverse",
        order=602,
    )


@hooks.register("before_edit_page")
def library_changed_message(request, page):
    if request.method == "GET":
        notice = updates.editor_notice(request.user, page)
        if notice:
            messages.warning(request, notice)


LOG_ACTIONS = {
    adoption.ADOPTED: "Adopted from the procedure library",
    adoption.SECTION_TAKEN: "Library text taken into a draft",
    adoption.SECTION_KEPT: "Own text kept instead of the library's",
}


@hooks.register("register_log_actions")
def library_log_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
