"""Settings of the hello-world: the smallest production-like Django (DEBUG off, no database, no sessions)."""

import os

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "scripts.bench.hello.urls"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {}
USE_TZ = True
