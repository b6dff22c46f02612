from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(**kwargs):
    """The embedded default cache is a database table: `migrate` creates it too, so no step can be forgotten.

    A no-op for caches that are not Django's DatabaseCache (Redis, local memory in tests).
    """
    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Clinic pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self)
        from pages.page_cache import purge  # models are ready only now

        purge.connect()

        # Every process that changes a Site tells every other one (the host lookup is remembered per process).
        from pages.clinics import hosts

        hosts.connect_signals()
