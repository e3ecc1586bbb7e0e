"""The one outbox (DESIGN.md §6): every message to a citizen is written here in the
sender's transaction and leaves after it commits, so a rolled-back action never
sends anything and a sent message always has its row."""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from aduan.lib import crypto
from aduan.outbox.models import Message
from aduan.outbox.transports import transport_for

logger = logging.getLogger("aduan.outbox")

# While one worker delivers a message, nobody else may pick it up; if that worker
# dies, the message is due again after this long.
DELIVERY_LEASE = timedelta(minutes=5)
_ERROR_MAX = 1000

# The identity kind whose keyed hash a channel's recipient shares, so a reporter's
# messages are found by the hashes of their channel identities.
_RECIPIENT_KIND = {"sms": "phone", "email": "email", "x": "x", "web": "web"}


def recipient_hash(*, channel: str, recipient: str) -> str:
    """The lookup hash of an (already normalised) recipient on a channel."""
    return crypto.lookup_hash(_RECIPIENT_KIND[channel], recipient)


def message_send(
    *,
    channel: str,
    recipient: str,
    body: str,
    purpose: str,
    language: str = "id",
    subject: str = "",
    reporter_id: int | None = None,
    report_id: int | None = None,
    now: datetime | None = None,
) -> Message:
    """Queues a message: the row is written in the caller's transaction, and its
    delivery is enqueued only once that transaction commits."""
    if channel not in Message.Channel.values:
        raise ValueError(f"unknown outbox channel {channel!r}")
    message = Message.objects.create(
        channel=channel,
        recipient=recipient,
        recipient_hash=recipient_hash(channel=channel, recipient=recipient),
        reporter_id=reporter_id,
        report_id=report_id,
        purpose=purpose,
        language=language,
        subject=subject,
        body=body,
        next_attempt_at=now or timezone.now(),
    )
    # Imported here: the task module imports this one.
    from aduan.outbox.tasks import message_deliver_task

    # robust: a queue that cannot be reached must not fail the caller's request; the
    # message stays pending and due, for a sweep to deliver.
    transaction.on_commit(partial(message_deliver_task.enqueue, message.pk), robust=True)
    return message


def message_deliver(*, message_id: int, now: datetime | None = None) -> Message | None:
    """Delivers one due message through its channel's transport. Claimed with a
    conditional update, so two workers never both send it; a transport's failure
    is recorded on the message, never raised. None when there was nothing to do
    (already sent or failed, not due, claimed by another worker, or gone)."""
    now = now or timezone.now()
    claimed = Message.objects.filter(
        pk=message_id, status=Message.Status.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + DELIVERY_LEASE)
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    try:
        external_id = transport_for(message.channel).send(message)
    except Exception as error:  # any failure of a transport is the message's, not ours
        logger.warning("outbox: message %s not delivered: %s", message_id, error)
        message.status = Message.Status.FAILED
        message.last_error = f"{type(error).__name__}: {error}"[:_ERROR_MAX]
        message.next_attempt_at = None
        message.save(update_fields=["status", "last_error", "next_attempt_at"])
        return message
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.external_id = external_id or ""
    message.last_error = ""
    message.next_attempt_at = None
    message.save(
        update_fields=["status", "sent_at", "external_id", "last_error", "next_attempt_at"]
    )
    return message


def messages_erase(*, reporter_id: int | None, recipient_hashes: list[str]) -> int:
    """Deletes every message to a person who asked to be forgotten (UU PDP): those
    addressed to their reporter and those sent to any of their identities. A pending
    one is simply never delivered."""
    query = Q(recipient_hash__in=recipient_hashes)
    if reporter_id is not None:
        query |= Q(reporter_id=reporter_id)
    deleted, _by_model = Message.objects.filter(query).delete()
    return deleted
