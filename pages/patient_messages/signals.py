"""What other domains may listen to when patient messages change.

`public_messages_changed` is sent once the transaction that changed messages has committed, with `page_ids`: the
pages whose public list of messages may now read differently (a message approved, rejected, restored, replied to,
redacted or erased). Receivers must not expect any message data: only the pages.
"""

from django.db import transaction
from django.dispatch import Signal

public_messages_changed = Signal()


def announce_public_change(page_ids):
    """Send `public_messages_changed` for `page_ids` after the current transaction commits (at once outside one)."""
    page_ids = frozenset(page_ids)
    if page_ids:
        transaction.on_commit(lambda: public_messages_changed.send(sender=None, page_ids=page_ids))
