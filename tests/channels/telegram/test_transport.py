"""The outbox's Telegram transport against the local Bot API fake: a message goes to
the person's private chat, its choices as an inline keyboard, and each refusal
tells the outbox whether to try again."""

from typing import Any

import pytest

from aduan.channels.telegram.transport import TEXT_MAX, TelegramTransport
from aduan.outbox.models import Message
from aduan.outbox.services import message_send, messages_deliver_due
from aduan.outbox.transports import TransportError
from tests.channels.telegram.fake_telegram import FakeTelegram

pytestmark = pytest.mark.django_db

USER_ID = "5012345678"


@pytest.fixture(autouse=True)
def _transport(settings: Any) -> None:
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "telegram": "aduan.channels.telegram.transport.TelegramTransport",
    }


def queued(body: str = "Laporan Anda kami terima.", **fields: Any) -> Message:
    return message_send(
        channel="telegram", recipient=USER_ID, body=body, purpose="receipt", **fields
    )


def test_it_sends_the_choices_as_an_inline_keyboard(fake_telegram: FakeTelegram) -> None:
    message = queued(
        "Apa jenis laporan Anda?",
        choices=[("type:complaint", "Pengaduan"), ("type:aspiration", "Aspirasi")],
    )
    messages_deliver_due()
    [sent] = fake_telegram.sent
    assert sent.params == {
        "chat_id": USER_ID,
        "text": "Apa jenis laporan Anda?",
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Pengaduan", "callback_data": "type:complaint"}],
                [{"text": "Aspirasi", "callback_data": "type:aspiration"}],
            ]
        },
    }
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.external_id == str(sent.message_id)


def test_a_message_without_choices_has_no_keyboard(fake_telegram: FakeTelegram) -> None:
    queued()
    messages_deliver_due()
    [sent] = fake_telegram.sent
    assert "reply_markup" not in sent.params


def test_a_choice_telegram_would_refuse_is_left_out(fake_telegram: FakeTelegram) -> None:
    queued("Pilih", choices=[("x" * 65, "Terlalu panjang"), ("ok", "Baik"), ("kosong", " ")])
    messages_deliver_due()
    [sent] = fake_telegram.sent
    assert sent.params["reply_markup"]["inline_keyboard"] == [
        [{"text": "Baik", "callback_data": "ok"}]
    ]


def test_a_long_notice_is_cut_to_what_telegram_takes(fake_telegram: FakeTelegram) -> None:
    queued("Kabar laporan. " * 400)
    messages_deliver_due()
    [sent] = fake_telegram.sent
    assert len(sent.params["text"]) == TEXT_MAX and sent.params["text"].endswith("…")


def test_a_flood_limit_is_tried_again_later(fake_telegram: FakeTelegram) -> None:
    fake_telegram.retry_after = 7
    with pytest.raises(TransportError) as raised:
        TelegramTransport().send(queued())
    assert not raised.value.permanent and "retry after 7" in str(raised.value)
    message = Message.objects.get()
    messages_deliver_due()
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING and message.attempts == 1


def test_a_refusal_is_for_good(fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_status = 400  # a chat that does not exist, a bad request
    with pytest.raises(TransportError) as raised:
        TelegramTransport().send(queued())
    assert raised.value.permanent
    messages_deliver_due()
    assert Message.objects.get().status == Message.Status.FAILED


def test_a_blocked_bot_or_an_outage(fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_status = 403  # the citizen blocked the bot
    with pytest.raises(TransportError) as blocked:
        TelegramTransport().send(queued())
    assert blocked.value.permanent
    fake_telegram.fail_status = 502
    with pytest.raises(TransportError) as outage:
        TelegramTransport().send(queued())
    assert not outage.value.permanent
