"""gunicorn's settings for production: `gunicorn -c deploy/gunicorn.conf.py clinic_site.wsgi:application`.

It listens on loopback only: nginx (deploy/nginx/clinic.conf) stands in front, reads each request whole and hands
it on, so slow clients never hold a worker. Bind to a private address instead (GUNICORN_BIND=10.0.0.5:8000) when
nginx runs on another machine, never to a public one.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
worker_class = "sync"
# A request that takes longer is stopped (nginx waits 60 s for an answer, so gunicorn ends it first).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# A query (waiting for a lock included) is cancelled by PostgreSQL well before that: the request then answers a
# clean 503 with the patient's text (pages/public/unavailable.py) instead of being killed mid-INSERT. Read by the
# settings, which are loaded after this file; manage.py and db_worker keep their own (no limit by default).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", str(max(1, timeout * 2 // 3)))
# No access log of its own: nginx keeps one without query strings (a patient's search words stay out of logs).
# Django is loaded once, before the workers are forked: they start at once and share its memory.
preload_app = True
