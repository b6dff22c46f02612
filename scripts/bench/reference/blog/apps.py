from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "scripts.bench.reference.blog"
    label = "blog"
    default_auto_field = "django.db.models.BigAutoField"
