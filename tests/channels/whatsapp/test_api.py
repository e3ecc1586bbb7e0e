"""The Graph API calls, against the local fake: what each message looks like on
the wire, which refusals are worth waiting for, that the token stays secret, and
that media comes only from WhatsApp's hosts and only as large as allowed."""

import socket
from typing import Any

import pytest

from aduan.channels.whatsapp.api import (
    WhatsAppApiError,
    WhatsAppMediaRefused,
    mark_read,
    media_download,
    media_url_allowed,
    send_buttons,
    send_template,
    send_text,
)
from tests.channels.whatsapp.fake_whatsapp import PHONE_NUMBER_ID, TOKEN, VERSION, FakeWhatsApp

SITI = "6281234567890"
MESSAGES = f"/{VERSION}/{PHONE_NUMBER_ID}/messages"
MEDIA_ID = "1037543291543636"
PHOTO = bytes(range(256)) * 400  # 100 KiB


def test_it_sends_a_text(fake_whatsapp: FakeWhatsApp) -> None:
    assert send_text(SITI, "Laporan Anda diterima: ADU-000123") == "wamid.1"
    assert fake_whatsapp.sent == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": SITI,
            "type": "text",
            "text": {"preview_url": False, "body": "Laporan Anda diterima: ADU-000123"},
        }
    ]
    [request] = fake_whatsapp.calls("POST", MESSAGES)
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert send_text(SITI, "Terima kasih") == "wamid.2"


def test_a_reply_quotes_the_message_it_answers(fake_whatsapp: FakeWhatsApp) -> None:
    send_text(SITI, "Foto diterima", reply_to="wamid.HBgNNjI4MTIz")
    [sent] = fake_whatsapp.sent
    assert sent["context"] == {"message_id": "wamid.HBgNNjI4MTIz"}
    assert sent["text"]["body"] == "Foto diterima"


def test_it_sends_reply_buttons(fake_whatsapp: FakeWhatsApp) -> None:
    message_id = send_buttons(
        SITI, "Apakah Anda puas?", [("puas:ya", "Ya, puas"), ("puas:tidak", "Tidak puas")]
    )
    assert message_id == "wamid.1"
    [sent] = fake_whatsapp.sent
    assert sent["type"] == "interactive"
    assert sent["interactive"] == {
        "type": "button",
        "body": {"text": "Apakah Anda puas?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "puas:ya", "title": "Ya, puas"}},
                {"type": "reply", "reply": {"id": "puas:tidak", "title": "Tidak puas"}},
            ]
        },
    }


@pytest.mark.parametrize(
    ("body", "buttons"),
    [
        ("Pilih", []),
        ("Pilih", [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]),
        ("Pilih", [("a", "x" * 21)]),
        ("Pilih", [("a", "")]),
        ("Pilih", [("x" * 257, "A")]),
        ("Pilih", [("", "A")]),
        ("Pilih", [(" a", "A")]),
        ("Pilih", [("a", "A"), ("a", "B")]),
        ("", [("a", "A")]),
        ("x" * 1025, [("a", "A")]),
    ],
)
def test_buttons_the_api_would_refuse_are_not_sent(
    fake_whatsapp: FakeWhatsApp, body: str, buttons: list[tuple[str, str]]
) -> None:
    with pytest.raises(ValueError, match=r"needed|own id"):
        send_buttons(SITI, body, buttons)
    assert fake_whatsapp.requests == []


def test_buttons_at_the_limits_are_sent(fake_whatsapp: FakeWhatsApp) -> None:
    buttons = [("a" * 256, "x" * 20), ("b", "B"), ("c", "C")]
    assert send_buttons(SITI, "x" * 1024, buttons) == "wamid.1"


def test_it_sends_a_template(fake_whatsapp: FakeWhatsApp) -> None:
    message_id = send_template(
        SITI,
        name="aduan_kabar_laporan",
        language="id",
        parameters=["Laporan ADU-000123 sedang ditangani Dinas PUPR."],
    )
    assert message_id == "wamid.1"
    [sent] = fake_whatsapp.sent
    assert sent["type"] == "template"
    assert sent["template"] == {
        "name": "aduan_kabar_laporan",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Laporan ADU-000123 sedang ditangani Dinas PUPR."}
                ],
            }
        ],
    }


def test_it_marks_a_message_read(fake_whatsapp: FakeWhatsApp) -> None:
    mark_read("wamid.HBgNNjI4MTIz")
    assert fake_whatsapp.read == ["wamid.HBgNNjI4MTIz"]
    [request] = fake_whatsapp.calls("POST", MESSAGES)
    assert request.body == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.HBgNNjI4MTIz",
    }
    assert fake_whatsapp.sent == []


# -- Refusals ------------------------------------------------------------------------------


def refusal(call: Any = lambda: send_text(SITI, "Halo")) -> WhatsAppApiError:
    with pytest.raises(WhatsAppApiError) as caught:
        call()
    assert TOKEN not in str(caught.value)
    return caught.value


def test_a_rate_limit_is_worth_waiting_for(fake_whatsapp: FakeWhatsApp) -> None:
    fake_whatsapp.throttled = True
    error = refusal()
    assert (error.status, error.code, error.retry_after) == (429, 130429, None)
    assert not error.permanent
    assert "Rate limit hit" in str(error)
    fake_whatsapp.retry_after = 30
    assert refusal().retry_after == 30
    fake_whatsapp.throttled = False
    assert send_text(SITI, "Halo") == "wamid.1"  # trying again, later, works
    assert len(fake_whatsapp.sent) == 1


def test_an_outage_is_worth_waiting_for(fake_whatsapp: FakeWhatsApp) -> None:
    fake_whatsapp.fail_status = 503
    error = refusal()
    assert (error.status, error.code, error.permanent) == (503, 2, False)


def test_a_request_the_api_refuses_is_permanent(fake_whatsapp: FakeWhatsApp) -> None:
    error = refusal(lambda: send_text("bukan-nomor", "Halo"))
    assert (error.status, error.code, error.permanent) == (400, 100, True)
    assert "Invalid parameter" in str(error)


def test_another_phone_number_id_is_refused_for_good(
    fake_whatsapp: FakeWhatsApp, settings: Any
) -> None:
    settings.WHATSAPP_PHONE_NUMBER_ID = "999000999000999"
    error = refusal()
    assert (error.status, error.code, error.permanent) == (400, 100, True)
    assert fake_whatsapp.sent == []


def test_a_wrong_token_is_refused_for_good(fake_whatsapp: FakeWhatsApp, settings: Any) -> None:
    settings.WHATSAPP_ACCESS_TOKEN = "EAAwrong-t0ken"
    error = refusal()
    assert (error.status, error.code, error.permanent) == (401, 190, True)
    assert "EAAwrong-t0ken" not in str(error)


@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, 131056, False),  # too many messages to one person: a rate limit
        (400, 80007, False),
        (400, 4, False),
        (400, 131026, True),  # undeliverable
        (404, 0, True),
        (429, 0, False),
        (500, 1, False),
        (0, 0, False),
    ],
)
def test_the_graph_code_decides_before_the_status(status: int, code: int, permanent: bool) -> None:
    assert WhatsAppApiError("x", status=status, code=code).permanent is permanent


def test_an_unreachable_api_is_worth_waiting_for(settings: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.WHATSAPP_API_URL = f"http://127.0.0.1:{port}/{VERSION}"
    settings.WHATSAPP_ACCESS_TOKEN = TOKEN
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    error = refusal()
    assert (error.status, error.permanent) == (0, False)
    assert "unreachable" in str(error)


def test_an_unconfigured_channel_waits(fake_whatsapp: FakeWhatsApp, settings: Any) -> None:
    settings.WHATSAPP_ACCESS_TOKEN = ""
    error = refusal()
    assert (error.status, error.permanent) == (0, False)
    assert fake_whatsapp.requests == []


def test_the_token_never_appears_in_an_error(fake_whatsapp: FakeWhatsApp) -> None:
    # Should the API ever quote the request back, the token is blanked out.
    fake_whatsapp.fail_status = 400
    fake_whatsapp.fail_message = f"Bad request with Authorization: Bearer {TOKEN}"
    error = refusal()
    assert "Bearer [token]" in str(error)
    fake_whatsapp.fail_status = 500
    refusal(lambda: media_download(MEDIA_ID, max_bytes=1000))


# -- Media -----------------------------------------------------------------------------------


def test_it_downloads_media(fake_whatsapp: FakeWhatsApp) -> None:
    fake_whatsapp.media[MEDIA_ID] = (PHOTO, "image/jpeg")
    assert media_download(MEDIA_ID, max_bytes=len(PHOTO)) == (PHOTO, "image/jpeg")
    where, what = fake_whatsapp.requests
    assert (where.method, where.path) == ("GET", f"/{VERSION}/{MEDIA_ID}")
    assert where.query == {"phone_number_id": PHONE_NUMBER_ID}
    assert what.path == f"/media-files/{MEDIA_ID}"
    assert what.headers["authorization"] == f"Bearer {TOKEN}"


def test_media_larger_than_allowed_is_not_fetched(fake_whatsapp: FakeWhatsApp) -> None:
    fake_whatsapp.media[MEDIA_ID] = (PHOTO, "image/jpeg")
    error = refusal(lambda: media_download(MEDIA_ID, max_bytes=len(PHOTO) - 1))
    assert isinstance(error, WhatsAppMediaRefused) and error.permanent
    assert fake_whatsapp.calls("GET", "/media-files/") == []


def test_reading_stops_past_the_limit_when_no_size_is_given(fake_whatsapp: FakeWhatsApp) -> None:
    fake_whatsapp.media[MEDIA_ID] = (PHOTO, "image/jpeg")
    fake_whatsapp.hide_sizes = True
    error = refusal(lambda: media_download(MEDIA_ID, max_bytes=1000))
    assert isinstance(error, WhatsAppMediaRefused) and error.permanent
    assert "more than 1000 bytes" in str(error)
    # Without the limit in the way, the same file comes whole.
    assert media_download(MEDIA_ID, max_bytes=len(PHOTO)) == (PHOTO, "image/jpeg")


def test_media_on_another_host_is_not_fetched(fake_whatsapp: FakeWhatsApp, settings: Any) -> None:
    settings.WHATSAPP_MEDIA_HOSTS = ["lookaside.fbsbx.com"]
    fake_whatsapp.media[MEDIA_ID] = (PHOTO, "image/jpeg")
    error = refusal(lambda: media_download(MEDIA_ID, max_bytes=len(PHOTO)))
    assert isinstance(error, WhatsAppMediaRefused) and error.permanent
    assert "127.0.0.1" in str(error)
    assert fake_whatsapp.calls("GET", "/media-files/") == []


@pytest.mark.parametrize("media_id", ["", "../me", "1037543291543636?fields=x", "a/b", "1 2"])
def test_what_is_no_media_id_is_not_asked_for(fake_whatsapp: FakeWhatsApp, media_id: str) -> None:
    error = refusal(lambda: media_download(media_id, max_bytes=1000))
    assert isinstance(error, WhatsAppMediaRefused)
    assert fake_whatsapp.requests == []


def test_unknown_media_is_refused_for_good(fake_whatsapp: FakeWhatsApp) -> None:
    error = refusal(lambda: media_download("1999999999999999", max_bytes=1000))
    assert (error.status, error.code, error.permanent) == (400, 100, True)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2", True),
        ("https://LOOKASIDE.fbsbx.com/x", True),
        ("http://lookaside.fbsbx.com/x", False),  # never in clear text elsewhere
        ("ftp://lookaside.fbsbx.com/x", False),
        ("https://lookaside.fbsbx.com.example.net/x", False),
        ("https://example.net/lookaside.fbsbx.com", False),
        ("https://lookaside.fbsbx.com@example.net/x", False),
        ("https://user@lookaside.fbsbx.com/x", False),
        ("https://example.net\\@lookaside.fbsbx.com/x", False),
        ("https://lookaside.fbsbx.com:notaport/x", False),
        ("http://127.0.0.1:8000/media-files/1", True),
        ("http://localhost:8000/media-files/1", False),  # not in the hosts below
        ("https://[::1/x", False),
        ("", False),
    ],
)
def test_media_comes_only_from_whatsapps_hosts(settings: Any, url: str, allowed: bool) -> None:
    settings.WHATSAPP_MEDIA_HOSTS = ["lookaside.fbsbx.com", "127.0.0.1"]
    assert media_url_allowed(url) is allowed
