"""The Bot API client against the local fake: what it sends, how each refusal tells
whether waiting helps, that the bot's token never shows in an error, reading
updates from an offset, and fetching files no larger than allowed from where they
belong."""

import socket
import traceback
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from aduan.channels.telegram.api import (
    TelegramApiError,
    TelegramFileRefused,
    answer_callback,
    file_download,
    get_updates,
    send_message,
    set_webhook,
    telegram_call,
)
from aduan.channels.telegram.parse import UpdateKind
from tests.channels.telegram.conftest import payload
from tests.channels.telegram.fake_telegram import BOT_USER, TOKEN, FakeTelegram

SECRET = TOKEN.partition(":")[2]
PDF = b"%PDF-1.7\n" + b"surat keterangan " * 100


def refusal(call: Any) -> TelegramApiError:
    with pytest.raises(TelegramApiError) as raised:
        call()
    return raised.value


def test_it_sends_a_message_with_buttons(fake_telegram: FakeTelegram) -> None:
    message_id = send_message(
        "5012345678",
        "Laporan ini tentang apa?",
        buttons=[[("Jalan", "kategori:jalan"), ("Sampah", "kategori:sampah")], [("Lain", "x")]],
    )
    [sent] = fake_telegram.sent
    assert message_id == str(sent.message_id)
    assert sent.params == {
        "chat_id": "5012345678",
        "text": "Laporan ini tentang apa?",
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "Jalan", "callback_data": "kategori:jalan"},
                    {"text": "Sampah", "callback_data": "kategori:sampah"},
                ],
                [{"text": "Lain", "callback_data": "x"}],
            ]
        },
    }
    [request] = fake_telegram.calls("sendMessage")
    assert (request.http_method, request.token) == ("POST", TOKEN)


def test_it_replies_to_a_message(fake_telegram: FakeTelegram) -> None:
    send_message("5012345678", "Laporan Anda diterima.", reply_to="41")
    [sent] = fake_telegram.sent
    assert sent.params["reply_parameters"] == {
        "message_id": 41,
        "allow_sending_without_reply": True,
    }
    assert "reply_markup" not in sent.params


@pytest.mark.parametrize("data", ["k" * 65, "é" * 33, ""])
def test_callback_data_beyond_64_bytes_is_refused_before_sending(
    fake_telegram: FakeTelegram, data: str
) -> None:
    with pytest.raises(ValueError, match="callback_data"):
        send_message("5012345678", "Pilih:", buttons=[[("Pilih", data)]])
    assert fake_telegram.requests == []
    send_message("5012345678", "Pilih:", buttons=[[("Pilih", "é" * 32)]])  # 64 bytes
    assert len(fake_telegram.sent) == 1


def test_a_flood_limit_says_how_long_to_wait(fake_telegram: FakeTelegram) -> None:
    fake_telegram.retry_after = 17
    error = refusal(lambda: send_message("5012345678", "Halo"))
    assert (error.status, error.retry_after, error.permanent) == (429, 17, False)
    assert "retry after 17" in str(error)
    assert fake_telegram.sent == []


def test_a_failing_server_is_temporary(fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_status = 502
    error = refusal(lambda: answer_callback("4382948125912837461"))
    assert (error.status, error.retry_after, error.permanent) == (502, None, False)


def test_a_bad_request_is_permanent(fake_telegram: FakeTelegram) -> None:
    error = refusal(lambda: send_message("5012345678", " "))
    assert (error.status, error.permanent) == (400, True)
    assert "message text is empty" in str(error)


def test_an_unknown_method_is_permanent(fake_telegram: FakeTelegram) -> None:
    error = refusal(lambda: telegram_call("sendTelepathy", {}))
    assert (error.status, error.permanent) == (404, True)


def test_a_wrong_token_is_permanent(fake_telegram: FakeTelegram, settings: Any) -> None:
    settings.TELEGRAM_BOT_TOKEN = "123456789:AAHanotherTokenEntirely_987"
    error = refusal(lambda: send_message("5012345678", "Halo"))
    assert (error.status, error.permanent) == (401, True)
    assert "anotherTokenEntirely" not in str(error)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_api_is_temporary(settings: Any) -> None:
    settings.TELEGRAM_API_URL = f"http://127.0.0.1:{free_port()}"
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    error = refusal(lambda: send_message("5012345678", "Halo"))
    assert (error.status, error.retry_after, error.permanent) == (0, None, False)
    assert "unreachable" in str(error)


def test_a_token_that_is_no_token_is_a_configuration_error(settings: Any) -> None:
    settings.TELEGRAM_BOT_TOKEN = "my secret"
    with pytest.raises(ImproperlyConfigured) as raised:
        send_message("5012345678", "Halo")
    assert "my secret" not in str(raised.value)


@pytest.mark.parametrize("failure", ["unreachable", "401", "404", "429", "502", "download"])
def test_the_token_never_shows_in_an_error(
    fake_telegram: FakeTelegram, settings: Any, failure: str
) -> None:
    if failure == "unreachable":
        settings.TELEGRAM_API_URL = f"http://127.0.0.1:{free_port()}"
    elif failure == "401":
        fake_telegram.token = "987654321:AAHtheFakesOwnToken"
    elif failure == "429":
        fake_telegram.retry_after = 3
    elif failure == "502":
        fake_telegram.fail_status = 502
    fake_telegram.files["AgAC1"] = PDF
    fake_telegram.download_status = 502
    if failure == "download":
        error = refusal(lambda: file_download("AgAC1", max_bytes=len(PDF)))
    else:
        method = "getMee" if failure == "404" else "getMe"
        error = refusal(lambda: telegram_call(method, {}))
    told = "".join(traceback.format_exception(error)) + repr(error)
    assert SECRET not in told
    # Raised outside an except clause: no failed request rides along.
    assert error.__context__ is None and error.__cause__ is None


def test_it_reads_updates_from_an_offset(fake_telegram: FakeTelegram) -> None:
    fake_telegram.updates = [
        payload("text.json"),
        payload("callback_query.json"),
        payload("cek.json"),
    ]
    updates = get_updates(0, timeout=30)
    assert [(u.update_id, u.kind) for u in updates] == [
        (804112301, UpdateKind.MESSAGE),
        (804112309, UpdateKind.CALLBACK),
        (804112305, UpdateKind.MESSAGE),
    ]
    later = get_updates(804112309 + 1, timeout=30)
    assert [u.update_id for u in later] == []  # all before the offset are confirmed
    assert fake_telegram.updates == []
    [first, second] = fake_telegram.calls("getUpdates")
    assert first.params == {
        "offset": 0,
        "timeout": 30,
        "allowed_updates": ["message", "callback_query"],
    }
    assert second.params["offset"] == 804112310


def test_an_offset_confirms_only_what_lies_before_it(fake_telegram: FakeTelegram) -> None:
    fake_telegram.updates = [payload("text.json"), payload("start.json"), payload("cek.json")]
    assert [u.update_id for u in get_updates(804112302, timeout=0)] == [804112302, 804112305]


def test_it_answers_a_button_press(fake_telegram: FakeTelegram) -> None:
    answer_callback("4382948125912837461", "Kategori dipilih")
    answer_callback("4382948125912837462")
    assert fake_telegram.answered_callbacks == [
        {"callback_query_id": "4382948125912837461", "text": "Kategori dipilih"},
        {"callback_query_id": "4382948125912837462"},
    ]


def test_it_sets_the_webhook(fake_telegram: FakeTelegram) -> None:
    set_webhook("https://aduan.example.go.id/telegram/webhook", "s3cret-Token_1")
    assert fake_telegram.webhook == {
        "url": "https://aduan.example.go.id/telegram/webhook",
        "secret_token": "s3cret-Token_1",
        "allowed_updates": ["message", "callback_query"],
    }


def test_telegram_call_gives_the_result(fake_telegram: FakeTelegram) -> None:
    assert telegram_call("getMe", {}) == BOT_USER


def test_it_downloads_a_file(fake_telegram: FakeTelegram) -> None:
    fake_telegram.files["BQACAgUAAxkBAAIBQGdTdoc0001"] = PDF
    assert file_download("BQACAgUAAxkBAAIBQGdTdoc0001", max_bytes=len(PDF)) == PDF
    [download] = fake_telegram.calls("file")
    assert (download.http_method, download.token, download.path) == (
        "GET",
        TOKEN,
        "documents/file_0",
    )


def test_a_file_path_is_sent_escaped(fake_telegram: FakeTelegram) -> None:
    fake_telegram.files["AgAC1"] = PDF
    fake_telegram.file_paths["AgAC1"] = "photos/file 1?x=#y.jpg"
    assert file_download("AgAC1", max_bytes=len(PDF)) == PDF


def test_a_file_larger_than_allowed_is_not_downloaded(fake_telegram: FakeTelegram) -> None:
    fake_telegram.files["BQAC1"] = PDF
    error = refusal(lambda: file_download("BQAC1", max_bytes=len(PDF) - 1))
    assert isinstance(error, TelegramFileRefused) and error.permanent
    assert fake_telegram.calls("file") == []  # getFile told its size


def test_a_file_of_untold_size_is_read_no_further_than_allowed(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.sizes_hidden = True
    fake_telegram.files["BQAC1"] = b"x" * (8 * 1024 * 1024)
    error = refusal(lambda: file_download("BQAC1", max_bytes=1000))
    assert isinstance(error, TelegramFileRefused) and error.permanent
    fake_telegram.files["BQAC1"] = PDF
    assert file_download("BQAC1", max_bytes=len(PDF)) == PDF


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "photos/..", "a/../b", ""])
def test_a_file_path_outside_the_bots_files_is_refused(
    fake_telegram: FakeTelegram, path: str
) -> None:
    fake_telegram.files["AgAC1"] = PDF
    fake_telegram.file_paths["AgAC1"] = path
    error = refusal(lambda: file_download("AgAC1", max_bytes=len(PDF)))
    assert isinstance(error, TelegramFileRefused) and error.permanent
    assert fake_telegram.calls("file") == []


def test_an_unknown_file_is_permanent(fake_telegram: FakeTelegram) -> None:
    error = refusal(lambda: file_download("AgACgone", max_bytes=1000))
    assert (error.status, error.permanent) == (400, True)
    assert not isinstance(error, TelegramFileRefused)


def test_a_failing_file_host_is_temporary(fake_telegram: FakeTelegram) -> None:
    fake_telegram.files["AgAC1"] = PDF
    fake_telegram.download_status = 503
    error = refusal(lambda: file_download("AgAC1", max_bytes=len(PDF)))
    assert (error.status, error.permanent) == (503, False)
    assert "Service Unavailable" in str(error)
