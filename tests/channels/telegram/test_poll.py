"""Reading the bot's updates by long polling against the local Bot API fake: the
queue is read from the stored offset, each update acted on once (also when the
webhook delivered it too), the offset kept after each, a flood limit waited out,
and the poller stopped by SIGTERM; and setting the webhook."""

import io
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from aduan.channels.telegram import poll
from aduan.channels.telegram.models import InboundTelegram, PollOffset
from aduan.channels.telegram.parse import Update
from aduan.channels.telegram.services import telegram_receive
from aduan.outbox.models import Message
from aduan.reports.models import Report
from tests.channels.telegram.chat import SECRET, Citizen, post
from tests.channels.telegram.fake_telegram import FakeTelegram

pytestmark = pytest.mark.django_db

STORIES = [
    "Jalan berlubang besar di depan SD Negeri 1 Kelurahan Pekiringan Kota Cirebon",
    "Lampu jalan mati di Jalan Kartini Kelurahan Pekiringan Kota Cirebon sejak seminggu",
    "Sampah menumpuk di pasar Kelurahan Pekiringan Kota Cirebon dan berbau busuk",
]


@pytest.fixture
def queue(fake_telegram: FakeTelegram) -> list[dict[str, Any]]:
    """Three reports waiting in Telegram's queue, oldest first."""
    citizen = Citizen(Client())
    fake_telegram.updates = [citizen.message({"text": story}) for story in STORIES]
    return list(fake_telegram.updates)


@pytest.fixture
def signals() -> Iterator[None]:
    """The test process's own SIGTERM and SIGINT handlers, back after the test."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def poll_once() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("poll_telegram", "--once", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_one_pass_reads_the_queue_and_keeps_the_offset(
    fake_telegram: FakeTelegram, queue: list[dict[str, Any]]
) -> None:
    out, _err = poll_once()
    assert "3 update(s) handled" in out
    assert Report.objects.count() == 3
    assert Message.objects.filter(channel="telegram").count() == 3
    last = queue[-1]["update_id"]
    assert PollOffset.objects.get().offset == last + 1
    # The webhook is deleted first: getUpdates fails while one is set.
    assert [r.method for r in fake_telegram.requests] == ["deleteWebhook", "getUpdates"]
    [fetch] = fake_telegram.calls("getUpdates")
    assert fetch.params == {
        "offset": 0,
        "timeout": 0,
        "allowed_updates": ["message", "callback_query"],
    }


def test_the_next_pass_does_not_repeat_what_was_read(
    fake_telegram: FakeTelegram, queue: list[dict[str, Any]]
) -> None:
    poll_once()
    out, _err = poll_once()
    assert "0 update(s) handled" in out
    assert fake_telegram.calls("getUpdates")[-1].params["offset"] == queue[-1]["update_id"] + 1
    assert Report.objects.count() == 3 and InboundTelegram.objects.count() == 3
    assert Message.objects.filter(channel="telegram").count() == 3


def test_a_poller_that_dies_repeats_at_most_one_update(
    fake_telegram: FakeTelegram, queue: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies_on_the_second(update: Update, **kwargs: Any) -> Any:
        if update.update_id == queue[1]["update_id"]:
            raise RuntimeError("the poller's machine lost power")
        return telegram_receive(update, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(poll, "telegram_receive", dies_on_the_second)
        with pytest.raises(RuntimeError):
            poll_once()
    assert PollOffset.objects.get().offset == queue[0]["update_id"] + 1
    poll_once()
    assert fake_telegram.calls("getUpdates")[-1].params["offset"] == queue[0]["update_id"] + 1
    assert Report.objects.count() == 3 and InboundTelegram.objects.count() == 3


def test_an_update_from_the_webhook_and_the_poller_is_one(
    client: Client, fake_telegram: FakeTelegram, queue: list[dict[str, Any]], settings: Any
) -> None:
    settings.TELEGRAM_SECRET_TOKEN = SECRET
    assert post(client, queue[0]).status_code == 200
    poll_once()
    assert Report.objects.count() == 3
    assert Message.objects.filter(channel="telegram").count() == 3


def test_each_bot_has_its_own_offset(
    fake_telegram: FakeTelegram, queue: list[dict[str, Any]]
) -> None:
    PollOffset.objects.create(bot_id="42", offset=10**12, updated_at="2026-01-01T00:00:00Z")
    poll_once()
    assert Report.objects.count() == 3
    assert PollOffset.objects.get(bot_id=fake_telegram.token.partition(":")[0]).offset == (
        queue[-1]["update_id"] + 1
    )


def test_a_refused_pass_says_why(fake_telegram: FakeTelegram, queue: list[dict[str, Any]]) -> None:
    fake_telegram.retry_after = 30
    with pytest.raises(CommandError, match="429"):
        poll_once()
    assert not InboundTelegram.objects.exists() and not PollOffset.objects.exists()


def test_the_command_needs_a_token(settings: Any) -> None:
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="ADUAN_TELEGRAM_BOT_TOKEN"):
        poll_once()


def test_a_flood_limit_is_waited_out_and_sigterm_stops_the_poller(
    fake_telegram: FakeTelegram, signals: None
) -> None:
    fake_telegram.retry_after = 1
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    err = io.StringIO()
    try:
        call_command("poll_telegram", stdout=io.StringIO(), stderr=err)
    finally:
        timer.cancel()
    # Asked at once, then once more after the second Telegram asked to wait.
    assert len(fake_telegram.calls("getUpdates")) == 2
    assert "retry after 1" in err.getvalue()


def test_the_webhook_is_set_with_the_secret_token(
    fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.TELEGRAM_SECRET_TOKEN = SECRET
    url = "https://aduan.example.go.id/channels/telegram/webhook"
    call_command("telegram_webhook", url, stdout=io.StringIO())
    assert fake_telegram.webhook == {
        "url": url,
        "secret_token": SECRET,
        "allowed_updates": ["message", "callback_query"],
    }


@pytest.mark.parametrize(
    ("url", "secret", "error"),
    [
        ("http://aduan.example.go.id/channels/telegram/webhook", SECRET, "https"),
        ("https://aduan.example.go.id/channels/telegram/webhook", "", "SECRET_TOKEN"),
        ("https://aduan.example.go.id/channels/telegram/webhook", "a b", "SECRET_TOKEN"),
    ],
)
def test_the_webhook_is_not_set_without_https_or_a_usable_secret(
    fake_telegram: FakeTelegram, settings: Any, url: str, secret: str, error: str
) -> None:
    settings.TELEGRAM_SECRET_TOKEN = secret
    with pytest.raises(CommandError, match=error):
        call_command("telegram_webhook", url, stdout=io.StringIO())
    assert fake_telegram.webhook is None


def test_polling_starts_cleanly_where_a_webhook_was_set(
    fake_telegram: FakeTelegram, queue: list[dict[str, Any]]
) -> None:
    """getUpdates is refused (409) while a webhook is set: the poller removes it first."""
    fake_telegram.webhook = {"url": "https://aduan.example.go.id/channels/telegram/webhook"}
    call_command("poll_telegram", "--once", stdout=io.StringIO())
    assert fake_telegram.webhook is None
    assert InboundTelegram.objects.count() == len(queue)
