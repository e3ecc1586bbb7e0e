"""The one outbox: a message is written in the sender's transaction, leaves only
after it commits, is delivered once through its channel's transport; a temporary
failure is tried again with back-off, a permanent one recorded on the message,
never raised."""

import logging
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from aduan.outbox.models import Message
from aduan.outbox.services import (
    ATTEMPTS_MAX,
    backoff,
    message_deliver,
    message_delivery_record,
    message_send,
    messages_claim,
    messages_deliver_due,
    recipient_hash,
)
from aduan.outbox.transports import TransportError

pytestmark = pytest.mark.django_db

delivered: list[int] = []


class RecordingTransport:
    """A gateway that takes every message (stands in for an external SMS gateway)."""

    def send(self, message: Message) -> str:
        delivered.append(message.pk)
        return f"gw-{message.pk}"


class BrokenTransport:
    """A gateway that is down."""

    def send(self, message: Message) -> str:
        raise ConnectionRefusedError("gateway down")


class RefusingTransport:
    """A gateway that refuses the recipient for good."""

    def send(self, message: Message) -> str:
        raise TransportError("no such number", permanent=True)


@pytest.fixture
def transports(settings: Any) -> Any:
    delivered.clear()
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "sms": f"{__name__}.RecordingTransport",
        "email": f"{__name__}.BrokenTransport",
        "x": f"{__name__}.RefusingTransport",
    }
    return settings


def _send(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "channel": "sms",
        "recipient": "+6281234567890",
        "body": "Kode aduan Anda: 123456",
        "purpose": "otp",
    }
    fields.update(overrides)
    return message_send(**fields)


@pytest.mark.usefixtures("transports")
def test_a_message_is_due_at_once_and_leaves_with_the_workers_round() -> None:
    message = _send()
    assert message.status == Message.Status.PENDING
    assert message.next_attempt_at is not None and message.next_attempt_at <= timezone.now()
    assert messages_deliver_due() == 1
    assert delivered == [message.pk]
    assert messages_deliver_due() == 0


def test_a_rolled_back_sender_leaves_nothing_to_send() -> None:
    try:
        with transaction.atomic():
            _send()
            raise RuntimeError("the caller's action failed")
    except RuntimeError:
        pass
    assert Message.objects.count() == 0


@pytest.mark.usefixtures("transports")
def test_a_message_already_answered_in_the_senders_request_is_kept_never_sent() -> None:
    message = _send(replied=True)
    assert message.status == Message.Status.SENT and message.sent_at is not None
    assert messages_deliver_due() == 0
    assert delivered == []


def test_recipient_and_body_are_encrypted_at_rest() -> None:
    message = _send()
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, body FROM outbox_message WHERE id = %s", [message.pk])
        recipient, body = cursor.fetchone()
    assert "81234567890" not in recipient and "123456" not in body
    stored = Message.objects.get(pk=message.pk)
    assert (stored.recipient, stored.body) == ("+6281234567890", "Kode aduan Anda: 123456")
    assert stored.recipient_hash == recipient_hash(channel="sms", recipient="+6281234567890")


def test_the_development_transport_logs_the_message_and_marks_it_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = _send()
    with caplog.at_level(logging.WARNING, logger="aduan.outbox"):
        message_deliver(message_id=message.pk)
    assert "outbox → sms +6281234567890: Kode aduan Anda: 123456" in caplog.messages
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1 and message.sent_at is not None
    assert message.next_attempt_at is None


def test_in_production_the_development_transport_refuses_and_logs_nothing_personal(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DEMO_MODE = False
    message = _send()
    with caplog.at_level(logging.DEBUG):
        message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "demo mode" in message.last_error
    assert not any("123456" in line or "6281234567890" in line for line in caplog.messages)


@pytest.mark.usefixtures("transports")
def test_a_message_is_delivered_once_however_often_asked() -> None:
    message = _send()
    assert message_deliver(message_id=message.pk) is not None
    assert message_deliver(message_id=message.pk) is None
    assert delivered == [message.pk]
    message.refresh_from_db()
    assert message.external_id == f"gw-{message.pk}"


@pytest.mark.usefixtures("transports")
def test_a_message_being_delivered_is_not_taken_by_another_worker() -> None:
    message = _send()
    now = timezone.now()
    # The first worker claimed it and has not finished (its lease runs).
    Message.objects.filter(pk=message.pk).update(next_attempt_at=now + timedelta(minutes=5))
    assert message_deliver(message_id=message.pk, now=now) is None
    assert delivered == []
    # A worker that died leaves it due again once the lease has run out.
    assert message_deliver(message_id=message.pk, now=now + timedelta(minutes=6)) is not None
    assert delivered == [message.pk]


@pytest.mark.usefixtures("transports")
def test_a_temporary_failure_is_tried_again_later_with_growing_waits() -> None:
    message = _send(channel="email", recipient="ani@example.id", subject="Kode")
    before = timezone.now()
    assert message_deliver(message_id=message.pk) is not None
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.last_error == "ConnectionRefusedError: gateway down"
    assert message.attempts == 1 and message.sent_at is None
    assert message.next_attempt_at is not None
    assert message.next_attempt_at >= before + backoff(1)
    # Not due before its time.
    assert message_deliver(message_id=message.pk) is None
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20) == timedelta(hours=6)


@pytest.mark.usefixtures("transports")
def test_a_message_is_given_up_after_the_last_attempt_with_the_reason() -> None:
    message = _send(channel="email", recipient="ani@example.id", subject="Kode")
    Message.objects.filter(pk=message.pk).update(attempts=ATTEMPTS_MAX - 1)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == ATTEMPTS_MAX and message.next_attempt_at is None
    assert "gateway down" in message.last_error


@pytest.mark.usefixtures("transports")
def test_a_permanent_failure_fails_the_message_at_once() -> None:
    message = _send(channel="x", recipient="@ani")
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "TransportError: no such number"


def test_a_channel_without_a_transport_waits_for_one(settings: Any) -> None:
    settings.OUTBOX_TRANSPORTS = {}
    message = _send()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert "no transport for channel 'sms'" in message.last_error


@pytest.mark.usefixtures("transports")
def test_claims_take_the_oldest_due_messages_and_hold_them_for_the_lease() -> None:
    first, second, third = _send(), _send(), _send()
    now = timezone.now()
    Message.objects.filter(pk=third.pk).update(next_attempt_at=now + timedelta(hours=1))
    claimed = messages_claim(now=now, limit=1)
    assert [m.pk for m in claimed] == [first.pk]
    assert [m.pk for m in messages_claim(now=now, limit=10)] == [second.pk]
    assert messages_claim(now=now, limit=10) == []
    first.refresh_from_db()
    assert first.attempts == 1 and first.next_attempt_at is not None
    assert first.next_attempt_at > now + timedelta(seconds=60)


@pytest.mark.usefixtures("transports")
def test_a_worker_asked_to_stop_hands_back_what_it_has_not_tried() -> None:
    messages = [_send() for _ in range(3)]
    asked = iter([False, True, True])
    assert messages_deliver_due(stop=lambda: next(asked)) == 1
    assert delivered == [messages[0].pk]
    rest = Message.objects.filter(pk__in=[m.pk for m in messages[1:]])
    assert {(m.status, m.attempts) for m in rest} == {(Message.Status.PENDING, 0)}
    assert all(m.next_attempt_at <= timezone.now() for m in rest if m.next_attempt_at)
    assert messages_deliver_due() == 2


def test_delivery_reports_move_forward_only() -> None:
    message = _send(replied=True)
    assert message_delivery_record(message_id=message.pk, delivery="accepted")
    assert message_delivery_record(message_id=message.pk, delivery="delivered", detail="ok")
    # A late "accepted" after "delivered" changes nothing.
    assert not message_delivery_record(message_id=message.pk, delivery="accepted")
    assert not message_delivery_record(message_id=999_999, delivery="delivered")
    message.refresh_from_db()
    assert (message.delivery, message.delivery_detail) == ("delivered", "ok")
    with pytest.raises(ValueError, match="unknown delivery outcome"):
        message_delivery_record(message_id=message.pk, delivery="lost")


def test_a_deleted_message_is_nothing_to_deliver() -> None:
    assert message_deliver(message_id=999_999) is None


def test_unknown_channel_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown outbox channel"):
        _send(channel="fax")


def test_the_admin_lists_messages_read_only_without_their_body(admin_client: Any) -> None:
    message = _send(body="Kode aduan Anda: 654321")
    listing = admin_client.get("/admin/outbox/message/")
    assert listing.status_code == 200
    assert "654321" not in listing.content.decode()
    assert admin_client.get("/admin/outbox/message/add/").status_code == 403
    page = admin_client.get(f"/admin/outbox/message/{message.pk}/change/")
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()  # shown, not editable


class SlowTransport:
    """A gateway that takes a while to answer, as Kannel does when asked for
    delivery reports; it notes the order messages arrived in and how many it was
    sending at once."""

    arrivals: list[tuple[str, str]] = []
    busy = 0
    most_at_once = 0
    lock = threading.Lock()

    def send(self, message: Message) -> str:
        with SlowTransport.lock:
            SlowTransport.busy += 1
            SlowTransport.most_at_once = max(SlowTransport.most_at_once, SlowTransport.busy)
        time.sleep(0.05)
        with SlowTransport.lock:
            SlowTransport.busy -= 1
            SlowTransport.arrivals.append((message.recipient, message.body))
        return ""


def test_a_slow_gateway_gets_messages_side_by_side_each_recipients_in_order(
    settings: Any,
) -> None:
    settings.OUTBOX_TRANSPORTS = {**settings.OUTBOX_TRANSPORTS, "sms": f"{__name__}.SlowTransport"}
    settings.OUTBOX_SEND_THREADS = 8
    SlowTransport.arrivals, SlowTransport.most_at_once = [], 0
    for n in range(3):
        for person in range(8):
            _send(recipient=f"+62812000000{person}", body=f"pesan {n}")
    assert messages_deliver_due() == 24
    assert SlowTransport.most_at_once > 1
    for person in range(8):
        bodies = [body for to, body in SlowTransport.arrivals if to == f"+62812000000{person}"]
        assert bodies == ["pesan 0", "pesan 1", "pesan 2"]
    assert Message.objects.filter(status=Message.Status.SENT).count() == 24
