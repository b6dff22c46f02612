"""The WordPress import's one admin registration: its audit-log action."""

from wagtail import hooks

from pages.wordpress.comments import LOG_IMPORT


@hooks.register("register_log_actions")
def register_import_action(actions):
    actions.register_action(LOG_IMPORT, "Import from WordPress", "Imported from the clinic's WordPress site")
