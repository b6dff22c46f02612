"""Search and reference indexes during an import: updated once at the end, in bulk, instead of on every save.

Saving a page normally runs two tasks inline (the search index and Wagtail's reference index), which costs more
than the page itself: for thousands of posts, that is most of an import's time. While `paused()`, neither runs
for this process's saves; `Reindex.finish()` then brings both up to date for what the import wrote, inside its
transaction (a dry run rolls them back with everything else). The pause holds for the whole process: the command
runs alone, never inside a web worker.
"""

from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

BATCH = 2000


@contextmanager
def paused(models):
    disconnected = [model for model in models if post_save.disconnect(post_save_signal_handler, sender=model)]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


class Reindex:
    """The objects an import saved, by model: what `finish()` indexes."""

    def __init__(self):
        self.saved = {}  # model -> {pk: needs a reference-index update}

    def add(self, obj, has_references=True):
        self.saved.setdefault(type(obj), {})[obj.pk] = has_references

    def finish(self):
        backends = list(get_search_backends(with_auto_update=True))
        for model, saved in self.saved.items():
            pks = list(saved)
            for start in range(0, len(pks), BATCH):
                objects = list(model.objects.filter(pk__in=pks[start : start + BATCH]))
                for backend in backends:
                    backend.add_bulk(model, objects)
                for obj in objects:
                    if saved[obj.pk]:
                        ReferenceIndex.create_or_update_for_object(obj)
