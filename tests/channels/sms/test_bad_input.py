"""What once made the Kannel endpoints answer 500, each with its exact value: a
``charset`` naming a Python codec that is no character set (punycode, rot13,
zlib…), and a delivery report whose message id is a digit only to
``str.isdigit``. And what a charset Kannel does send changes: only ``text``."""

from typing import Any

import pytest
from django.test import Client

from aduan.channels.sms.models import InboundSms
from aduan.outbox.models import Message
from aduan.reports.models import Report
from tests.channels.sms.charsets import NOT_SMS

pytestmark = pytest.mark.django_db

PHONE = "+628123456789"
SECRET = "kannel-s3cret"
INBOUND = "/channels/sms/kannel"
DLR = "/channels/sms/kannel/dlr"


@pytest.fixture(autouse=True)
def _gateway(settings: Any) -> None:
    settings.SMS_SECRET = SECRET
    settings.SMS_ALLOWED_IPS = []


def _get(path: str, query: str) -> Any:
    return Client().get(f"{path}?secret={SECRET}&{query}")


@pytest.mark.parametrize("charset", NOT_SMS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_codec_that_is_no_sms_charset_reads_the_text_as_utf8(charset: str, method: str) -> None:
    """Punycode failed on any text ("=" is no code point) with a 500; now the SMS is
    read as UTF-8 and kept as a report."""
    query = f"from=%2B628123456789&charset={charset}&text=LAPOR+jalan+rusak+%C3%A9%3D%FF"
    if method == "GET":
        response = _get(INBOUND, query)
    else:
        response = Client().generic(
            "POST",
            INBOUND,
            f"secret={SECRET}&{query}".encode(),
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200, response.content
    assert Report.objects.get().body == "jalan rusak é=\ufffd"


def test_the_delivery_report_endpoint_ignores_the_codec_too() -> None:
    message = Message.objects.create(
        channel="sms", recipient=PHONE, recipient_hash="x", purpose="follow_up", body="Halo"
    )
    response = _get(DLR, f"message={message.pk}&status=1&answer=DELIVRD&charset=punycode")
    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.delivery, message.delivery_detail) == ("delivered", "DELIVRD")


@pytest.mark.parametrize(
    ("charset", "escaped", "read"),
    [
        ("ISO-8859-1", "caf%E9", "café"),
        ("latin1", "caf%E9", "café"),
        ("WINDOWS-1252", "jalan+%93licin%94+%80", "jalan “licin” €"),
        ("UTF-16BE", "%00c%00a%00f%00%E9%D8%3D%DE%A7", "café🚧"),
        ("UCS-2", "%00c%00a%00f%00%E9", "café"),
        ("UTF-8", "caf%C3%A9+%F0%9F%9A%A7", "café 🚧"),
    ],
)
def test_the_text_is_read_in_the_charset_kannel_names(
    charset: str, escaped: str, read: str
) -> None:
    text = "%00L%00A%00P%00O%00R%00+" if charset in ("UTF-16BE", "UCS-2") else "LAPOR+"
    response = _get(INBOUND, f"from=%2B628123456789&charset={charset}&id=k-7&text={text}{escaped}")
    assert response.status_code == 200, response.content
    assert Report.objects.get().body == read


def test_only_the_text_is_in_that_charset() -> None:
    """A UCS-2 SMS without mo-recode: its text is UTF-16BE, its number, id and the
    secret are still ASCII (read in UTF-16BE they were nonsense, and the secret
    failed: 403)."""
    text = "".join(f"%{byte:02X}" for byte in "LAPOR lampu mati".encode("utf-16-be"))
    response = _get(INBOUND, f"from=%2B628123456789&charset=UTF-16BE&id=k-8&text={text}")
    assert response.status_code == 200, response.content
    assert Report.objects.get().body == "lampu mati"
    assert InboundSms.objects.get().gateway_id == "k-8"


def test_a_text_of_an_odd_number_of_utf16_bytes_is_kept() -> None:
    response = _get(
        INBOUND, "from=%2B628123456789&charset=UTF-16BE&text=%00L%00A%00P%00O%00R%00+%00x%00"
    )
    assert response.status_code == 200
    assert Report.objects.get().body == "x\ufffd"


@pytest.mark.parametrize("message", ["²", "١٢", "٣", "9" * 40, "-1", " 1"])
def test_a_delivery_report_for_no_message_id_is_refused(message: str) -> None:
    """str.isdigit() holds for "²", which int() cannot read: that was a 500."""
    response = Client().get(DLR, {"message": message, "status": "1", "secret": SECRET})
    assert response.status_code == 400


def test_a_nul_in_any_parameter_is_no_server_error() -> None:
    response = Client().get(
        INBOUND,
        {
            "from": PHONE,
            "text": "LAPOR ada\x00nul",
            "id": "k\x009",
            "ts": "2026-11-28\x00",
            "smsc": "a\x00",
            "secret": SECRET,
        },
    )
    assert response.status_code == 200
    assert Report.objects.get().body == "adanul"
    assert InboundSms.objects.get().gateway_id == "k9"
