"""The moderation queue: after each action on a message, the moderator goes on to the clinic's next pending message.

A clinic's queue is its pending messages, those with urgent symptoms first, then oldest first (the longest wait).
"Next" is the first message after the current one's place in that order, wrapping round to the start, so pressing
Next repeatedly visits every pending message once. It never leaves the clinic of the message the moderator is on,
which the scope has already checked is one they moderate.
"""

from django.contrib.admin.utils import quote
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin import messages

from pages.patient_messages.admin.listing import urgent_pending_first
from pages.patient_messages.admin.scope import url_name
from pages.patient_messages.models import Status

QUEUE_ORDER = ("urgency", "submitted_at", "pk")


def clinic_queue(scope, site_id):
    """The pending messages of one of the user's clinics, in queue order (none if it is not theirs)."""
    return (
        scope.messages()
        .pending()
        .filter(site_id=site_id)
        .annotate(urgency=urgent_pending_first())
        .order_by(*QUEUE_ORDER)
    )


def next_pending(scope, current):
    """The pending message that follows `current` (pending or just moderated) in its clinic's queue, or None.

    At most two small queries: the first message after `current`'s place, else the first of the queue.
    """
    queue = clinic_queue(scope, current.site_id).exclude(pk=current.pk)
    urgency = 0 if current.is_urgent else 1
    later = (
        Q(urgency__gt=urgency)
        | Q(urgency=urgency, submitted_at__gt=current.submitted_at)
        | Q(urgency=urgency, submitted_at=current.submitted_at, pk__gt=current.pk)
    )
    return queue.filter(later).first() or queue.first()


def after_action_url(request, scope, message):
    """Where a moderator goes once they have acted on `message`: the clinic's next pending message, else (saying so)
    the list of pending messages."""
    following = next_pending(scope, message)
    if following is not None:
        return reverse(url_name("inspect"), args=[quote(following.pk)])
    messages.info(request, "No more pending messages at this clinic.")
    return f"{reverse(url_name('index'))}?{urlencode({'status': Status.PENDING})}"
