"""Clinics: a clinic is a Wagtail Site with its home page, settings, collection, groups and review workflow.

Owns the clinic's records (ClinicSettings), the role catalogue (roles.py: every permission onboarding grants and
checks read), the one answer to "which clinics may this user act on, which clinic holds this page" (scope.py),
onboarding (`create_clinic`), branding colours, and which clinic a request's Host is for (hosts.py).
"""
