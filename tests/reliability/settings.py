"""Settings of the servers the mail-outage scenario starts: the test settings with production's task queue and SMTP.

The test settings run tasks in the request and keep emails in memory; here notifications go through the database
queue (django-tasks-db, sent by a real `db_worker`) to the suite's SMTP sink on RELIABILITY_SMTP_PORT.
"""

import os

from clinic_site.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("RELIABILITY_SMTP_PORT", "25"))
EMAIL_TIMEOUT = 2
