"""The one outbox: a message is written in the sender's transaction, leaves only
after it commits, is delivered once through its channel's transport, and a failing
transport is recorded on the message, never raised."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aduan.outbox.models import Message
from aduan.outbox.services import message_deliver, message_send, recipient_hash

pytestmark = pytest.mark.django_db

delivered: list[int] = []


class RecordingTransport:
    """A gateway that takes every message (stands in for an external SMS gateway)."""

    def send(self, message: Message) -> str:
        delivered.append(message.pk)
        return f"gw-{message.pk}"


class BrokenTransport:
    """A gateway that refuses everything."""

    def send(self, message: Message) -> str:
        raise ConnectionRefusedError("gateway down")


@pytest.fixture
def transports(settings: Any) -> Any:
    delivered.clear()
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "sms": f"{__name__}.RecordingTransport",
        "email": f"{__name__}.BrokenTransport",
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


def test_it_queues_delivery_only_when_the_sender_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _send()
        assert DBTaskResult.objects.count() == 0  # nothing leaves before the commit
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "aduan.outbox.tasks.message_deliver_task"
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert message.status == Message.Status.PENDING


def test_a_rolled_back_sender_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _send()
                raise RuntimeError("the caller's action failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Message.objects.count() == 0


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
def test_a_failing_transport_marks_the_message_failed_and_raises_nothing() -> None:
    message = _send(channel="email", recipient="ani@example.id", subject="Kode")
    result = message_deliver(message_id=message.pk)
    assert result is not None
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "ConnectionRefusedError: gateway down"
    assert message.attempts == 1 and message.sent_at is None


def test_a_channel_without_a_transport_fails_the_message(settings: Any) -> None:
    settings.OUTBOX_TRANSPORTS = {}
    message = _send()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "no transport for channel 'sms'" in message.last_error


def test_a_deleted_message_is_nothing_to_deliver() -> None:
    assert message_deliver(message_id=999_999) is None


def test_the_worker_task_delivers_through_the_tasks_api(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        message = _send()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


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
