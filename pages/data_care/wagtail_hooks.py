"""Data care's admin registrations: the audit-log actions of patients' requests."""

from wagtail import hooks

from pages.data_care.audit import register_log_actions

hooks.register("register_log_actions", register_log_actions)
