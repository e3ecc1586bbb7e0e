"""The one outbox (DESIGN.md §6): every message out is written here in the
sender's transaction and leaves after it commits, so a rolled-back action never
sends anything and a sent message always has its row. Workers deliver due
messages under a lease, retry temporary failures with exponential back-off, and
record a permanent failure with its reason."""

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from queue import SimpleQueue

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from aduan.lib import crypto
from aduan.lib.leases import lease
from aduan.lib.requestid import request_id, request_id_bound
from aduan.outbox.models import Message, recipient_kind
from aduan.outbox.transports import TransportError, transport_for

logger = logging.getLogger("aduan.outbox")

_ERROR_MAX = 1000
# A message whose channel fails this often is given up (after about a day and a
# half of waiting in all: 30 s, 1 min, 2 min, … up to 6 h between attempts).
ATTEMPTS_MAX = 12
_BACKOFF_FIRST = timedelta(seconds=30)
_BACKOFF_MAX = timedelta(hours=6)

# Delivery reports may arrive out of order: a later one never replaces a final one.
_DELIVERY_RANK = {
    "": 0,
    Message.Delivery.ACCEPTED: 1,
    Message.Delivery.BUFFERED: 2,
    Message.Delivery.DELIVERED: 3,
    Message.Delivery.REJECTED: 3,
    Message.Delivery.UNDELIVERABLE: 3,
    # Read comes after delivered (a chat app says both).
    Message.Delivery.READ: 4,
}


def recipient_hash(*, channel: str, recipient: str) -> str:
    """The lookup hash of an (already normalised) recipient on a channel."""
    return crypto.lookup_hash(recipient_kind(channel), recipient)


def recipient_hashes(*, channel: str, recipient: str) -> list[str]:
    """Every hash the recipient's records may carry while a data key is rotated
    (``crypto.lookup_hashes``): what to find them by."""
    return crypto.lookup_hashes(recipient_kind(channel), recipient)


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
    replied: bool = False,
    choices: Sequence[tuple[str, str]] = (),
) -> Message:
    """Queues a message in the caller's transaction: a worker delivers it once that
    transaction has committed (before, the row is invisible to workers; rolled
    back, it never existed). ``replied`` records a message that already left in
    the answer to the sender's own request (an SMS reply): kept, never sent."""
    if channel not in Message.Channel.values:
        raise ValueError(f"unknown outbox channel {channel!r}")
    now = now or timezone.now()
    return Message.objects.create(
        channel=channel,
        recipient=recipient,
        recipient_hash=recipient_hash(channel=channel, recipient=recipient),
        reporter_id=reporter_id,
        report_id=report_id,
        purpose=purpose,
        language=language,
        subject=subject,
        body=body,
        choices=[list(choice) for choice in choices],
        status=Message.Status.SENT if replied else Message.Status.PENDING,
        attempts=1 if replied else 0,
        sent_at=now if replied else None,
        next_attempt_at=None if replied else now,
        request_id=request_id(),
    )


def messages_claim(*, now: datetime, limit: int = 50) -> list[Message]:
    """Takes up to ``limit`` due messages for this worker, oldest first: each is
    then not due for anyone else until the lease runs out. PostgreSQL skips rows
    another worker is claiming; SQLite's write transactions run one at a time."""
    with transaction.atomic():
        ids = list(
            Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(
                attempts=F("attempts") + 1, next_attempt_at=now + lease()
            )
    return list(Message.objects.filter(pk__in=ids).order_by("pk"))


def messages_deliver_due(
    *, now: datetime | None = None, limit: int = 50, stop: Callable[[], bool] = lambda: False
) -> int:
    """The worker's job: delivers what is due; how many messages it tried.

    Gateways answer slowly (Kannel takes tens of milliseconds when a delivery report
    is asked for), so the claimed messages are handed to the transports from several
    threads — each recipient's messages one after another, in order, different
    recipients side by side — while this thread records each outcome as it comes.
    When ``stop`` says so (the worker is asked to exit), what was claimed and not
    tried yet is handed back at once, not after the lease."""
    claimed = messages_claim(now=now or timezone.now(), limit=limit)
    queues: dict[str, list[Message]] = {}
    for message in claimed:
        queues.setdefault(message.recipient_hash, []).append(message)
    tried: set[int] = set()
    for message, outcome in _sent(list(queues.values()), stop):
        with request_id_bound(message.request_id):
            _record(message, outcome)
        tried.add(message.pk)
    untried = [message.pk for message in claimed if message.pk not in tried]
    if untried:
        Message.objects.filter(pk__in=untried).update(
            attempts=F("attempts") - 1, next_attempt_at=timezone.now()
        )
    return len(tried)


_Outcome = str | Exception


def _sent(
    queues: list[list[Message]], stop: Callable[[], bool]
) -> Iterator[tuple[Message, _Outcome]]:
    """Each message with what its transport said, as soon as it said it."""
    threads = min(settings.OUTBOX_SEND_THREADS, len(queues))
    if threads <= 1:
        for queue in queues:
            yield from _send_queue(queue, stop)
        return
    results: SimpleQueue[tuple[Message, _Outcome] | None] = SimpleQueue()

    def run(queue: list[Message]) -> None:
        try:
            for sent in _send_queue(queue, stop):
                results.put(sent)
        finally:
            results.put(None)  # this queue is done

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbox") as pool:
        for queue in queues:
            pool.submit(run, queue)
        finished = 0
        while finished < len(queues):
            item = results.get()
            if item is None:
                finished += 1
            else:
                yield item


def _send_queue(
    queue: list[Message], stop: Callable[[], bool]
) -> Iterator[tuple[Message, _Outcome]]:
    for message in queue:
        if stop():
            return
        # The transport's log lines carry the id of the request that queued it.
        with request_id_bound(message.request_id):
            try:
                outcome: _Outcome = transport_for(message.channel).send(message)
            except Exception as error:  # any failure of a transport is the message's
                outcome = error
        yield message, outcome


def message_deliver(*, message_id: int, now: datetime | None = None) -> Message | None:
    """Delivers one message if it is due, claimed like the worker claims it. None
    when there was nothing to do (already sent or failed, not due, claimed by
    another worker, or gone)."""
    now = now or timezone.now()
    claimed = Message.objects.filter(
        pk=message_id, status=Message.Status.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + lease())
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    with request_id_bound(message.request_id):
        _deliver(message)
    return message


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones."""
    wait: timedelta = _BACKOFF_FIRST * 2 ** max(attempts - 1, 0)
    return min(wait, _BACKOFF_MAX)


def _deliver(message: Message) -> None:
    """Sends a claimed message and records the outcome."""
    for sent, outcome in _send_queue([message], lambda: False):
        _record(sent, outcome)


def _record(message: Message, outcome: _Outcome) -> None:
    """A transport's failure is the message's (retried later, or given up), never
    the worker's."""
    if isinstance(outcome, Exception):
        permanent = isinstance(outcome, TransportError) and outcome.permanent
        _failed(message, outcome, permanent=permanent)
        return
    external_id = outcome
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.external_id = external_id or ""
    message.last_error = ""
    message.next_attempt_at = None
    message.save(
        update_fields=["status", "sent_at", "external_id", "last_error", "next_attempt_at"]
    )


def _failed(message: Message, error: Exception, *, permanent: bool) -> None:
    reason = f"{type(error).__name__}: {error}"[:_ERROR_MAX]
    message.last_error = reason
    if permanent or message.attempts >= ATTEMPTS_MAX:
        logger.warning("outbox: message %s failed for good: %s", message.pk, reason)
        message.status = Message.Status.FAILED
        message.next_attempt_at = None
    else:
        logger.info("outbox: message %s to be tried again: %s", message.pk, reason)
        message.next_attempt_at = timezone.now() + backoff(message.attempts)
    message.save(update_fields=["status", "last_error", "next_attempt_at"])


def message_delivery_record(
    *, message_id: int, delivery: str, detail: str = "", now: datetime | None = None
) -> bool:
    """Records what a gateway reported of a sent message; a report arriving after a
    final one (delivered, rejected, undeliverable) changes nothing. False when
    nothing changed (an unknown message, a late report)."""
    if delivery not in Message.Delivery.values:
        raise ValueError(f"unknown delivery outcome {delivery!r}")
    earlier = [value for value, rank in _DELIVERY_RANK.items() if rank < _DELIVERY_RANK[delivery]]
    return bool(
        Message.objects.filter(pk=message_id, delivery__in=earlier).update(
            delivery=delivery, delivery_detail=detail[:200], delivery_at=now or timezone.now()
        )
    )


def messages_erase(*, reporter_id: int | None, recipient_hashes: list[str]) -> int:
    """Deletes every message to a person who asked to be forgotten (UU PDP): those
    addressed to their reporter and those sent to any of their identities. A pending
    one is simply never delivered."""
    query = Q(recipient_hash__in=recipient_hashes)
    if reporter_id is not None:
        query |= Q(reporter_id=reporter_id)
    deleted, _by_model = Message.objects.filter(query).delete()
    return deleted
