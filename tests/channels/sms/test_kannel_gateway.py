"""The Kannel test harness itself, against a tiny loopback HTTP server standing in for
aduan: inbound SMS reach the server and its answers reach the phone, sendsms and
delivery reports work, text survives as UTF-8 (GSM-7 and UCS-2), long texts are split
and joined, and Kannel can be stopped and started again on the same address."""

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.channels.sms.kannel import SMSC_ID, Kannel, SmsOut

SECRET = "rahasia 5%&+"  # characters that must survive Kannel's URL template
PHONE = "+6281234567"
SHORTCODE = "1708"
INBOUND = "/channels/sms/kannel"
DLR = "/channels/sms/kannel/dlr"

Answer = Callable[[dict[str, str]], tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class Hit:
    path: str
    params: dict[str, str]


@dataclass
class FakeApp:
    """Stands for aduan's HTTP side: records every request (parameters decoded as strict
    UTF-8) and answers inbound SMS with ``answer(params) -> (body, headers)``."""

    answer: Answer = lambda params: ("", {})
    hits: list[Hit] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    base_url: str = ""

    def record(self, hit: Hit) -> None:
        with self.changed:
            self.hits.append(hit)
            self.changed.notify_all()

    def wait(self, path: str, count: int = 1, timeout: float = 15) -> list[Hit]:
        """The first ``count`` requests to ``path``, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(found := [hit for hit in self.hits if hit.path == path]) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"expected {count} requests to {path}, got {self.hits!r}"
                self.changed.wait(left)
            return found[:count]


@pytest.fixture
def app() -> Iterator[FakeApp]:
    fake = FakeApp()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = dict(
                urllib.parse.parse_qsl(
                    url.query, keep_blank_values=True, encoding="utf-8", errors="strict"
                )
            )
            fake.record(Hit(url.path, params))
            body, headers = fake.answer(params) if url.path == INBOUND else ("", {})
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def kannel(app: FakeApp, kannel_gateway: Callable[[str, str], Kannel]) -> Kannel:
    return kannel_gateway(app.base_url, SECRET)


def sendsms(
    kannel: Kannel,
    text: str,
    *,
    to: str = PHONE,
    coding: int | None = None,
    dlr_url: str | None = None,
) -> tuple[int, str]:
    """What our outbound transport does: one GET to Kannel's sendsms."""
    params = {
        "username": kannel.username,
        "password": kannel.password,
        "from": SHORTCODE,
        "to": to,
        "text": text,
        "charset": "UTF-8",
    }
    if coding is not None:
        params["coding"] = str(coding)
    if dlr_url is not None:
        params |= {"dlr-mask": "31", "dlr-url": dlr_url}
    url = f"{kannel.sendsms_url}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.status, response.read().decode()


def reply_with(text: str, headers: dict[str, str] | None = None) -> Answer:
    return lambda params: (text, headers or {})


def test_inbound_sms_reaches_the_service_and_its_answer_reaches_the_phone(
    kannel: Kannel, app: FakeApp
) -> None:
    app.answer = lambda params: (f"Diterima: {params['text']}", {})

    kannel.sms_in(PHONE, SHORTCODE, "LAPOR jalan rusak di Desa Sukamaju")

    [hit] = app.wait(INBOUND)
    assert hit.params["from"] == PHONE
    assert hit.params["to"] == SHORTCODE
    assert hit.params["text"] == "LAPOR jalan rusak di Desa Sukamaju"
    assert hit.params["smsc"] == SMSC_ID
    assert hit.params["secret"] == SECRET
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", hit.params["id"])
    # %t is UTC, whatever the time zone Kannel runs in.
    sent = datetime.strptime(hit.params["ts"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - sent) < timedelta(minutes=1)
    assert (hit.params["coding"], hit.params["charset"]) == ("0", "UTF-8")
    assert kannel.sms_out(count=1) == [
        SmsOut(SHORTCODE, PHONE, "Diterima: LAPOR jalan rusak di Desa Sukamaju")
    ]


def test_an_empty_answer_sends_nothing(kannel: Kannel, app: FakeApp) -> None:
    app.answer = lambda params: ("" if params["text"] == "diam" else "Halo juga", {})

    kannel.sms_in(PHONE, SHORTCODE, "diam")
    kannel.sms_in(PHONE, SHORTCODE, "halo")

    assert [hit.params["text"] for hit in app.wait(INBOUND, count=2)] == ["diam", "halo"]
    # The first SMS out answers the second SMS in: the first got no answer.
    assert kannel.sms_out(count=1) == [SmsOut(SHORTCODE, PHONE, "Halo juga")]


def test_sendsms_reaches_the_phone_and_delivery_reports_come_back(
    kannel: Kannel, app: FakeApp
) -> None:
    # Kannel fills in its %-escapes in the dlr-url (and %C would become the charset),
    # so the URL's own percent signs are doubled.
    secret = urllib.parse.quote(SECRET, safe="").replace("%", "%%")
    dlr_url = f"{app.base_url}{DLR}?message=42&status=%d&answer=%A&ts=%T&secret={secret}"

    status, body = sendsms(kannel, "Laporan 1234567894 selesai.", dlr_url=dlr_url)

    assert (status, body) == (202, "0: Accepted for delivery")
    assert kannel.sms_out(count=1) == [SmsOut(SHORTCODE, PHONE, "Laporan 1234567894 selesai.")]
    reports = app.wait(DLR, count=2)
    assert {hit.params["message"] for hit in reports} == {"42"}
    assert {hit.params["secret"] for hit in reports} == {SECRET}
    # 8: accepted by the SMSC, 1: delivered to the phone (the order may vary).
    assert sorted(hit.params["status"] for hit in reports) == ["1", "8"]
    assert all(hit.params["ts"].isdigit() for hit in reports)


def test_ucs2_text_round_trips_as_utf8(kannel: Kannel, app: FakeApp) -> None:
    app.answer = reply_with("Diterima 🚧 ñ é “ok”", {"X-Kannel-Coding": "2"})

    kannel.sms_in(PHONE, SHORTCODE, "Jalan rusak 🚧 ñ")

    [hit] = app.wait(INBOUND)
    assert hit.params["text"] == "Jalan rusak 🚧 ñ"  # mo-recode: UCS-2 comes as UTF-8
    assert (hit.params["coding"], hit.params["charset"]) == ("0", "UTF-8")
    assert kannel.sms_out(count=1) == [SmsOut(SHORTCODE, PHONE, "Diterima 🚧 ñ é “ok”")]

    assert sendsms(kannel, "Laporan Anda 🚧 sudah selesai, é", coding=2)[0] == 202
    assert kannel.sms_out(count=1) == [SmsOut(SHORTCODE, PHONE, "Laporan Anda 🚧 sudah selesai, é")]


def test_a_reply_outside_gsm7_needs_the_coding_header(kannel: Kannel, app: FakeApp) -> None:
    """Without ``X-Kannel-Coding: 2`` Kannel sends the answer as GSM-7: what GSM-7 has
    (é, ñ) survives, the rest does not."""
    app.answer = reply_with("Diterima 🚧 é ñ")

    kannel.sms_in(PHONE, SHORTCODE, "halo")

    [sms] = kannel.sms_out(count=1)
    assert sms.text.startswith("Diterima ") and sms.text.endswith(" é ñ")
    assert "🚧" not in sms.text


def test_kannel_stopped_refuses_sendsms_and_comes_back_on_the_same_url(kannel: Kannel) -> None:
    url = kannel.sendsms_url
    kannel.stop()

    with pytest.raises(urllib.error.URLError) as refused:
        sendsms(kannel, "Masih di sana?")
    assert isinstance(refused.value.reason, ConnectionRefusedError)

    kannel.start()
    assert kannel.sendsms_url == url
    assert sendsms(kannel, "Sudah kembali.")[0] == 202
    assert kannel.sms_out(count=1) == [SmsOut(SHORTCODE, PHONE, "Sudah kembali.")]


def test_long_replies_go_out_in_parts_and_arrive_whole(kannel: Kannel, app: FakeApp) -> None:
    gsm = "Laporan Anda tentang jalan rusak di Desa Sukamaju sudah diterima é. " * 5
    ucs2 = "Perbaikan dijadwalkan minggu depan 🚧 “terima kasih”. " * 4
    app.answer = lambda params: (
        (gsm, {}) if params["text"] == "panjang" else (ucs2, {"X-Kannel-Coding": "2"})
    )

    kannel.sms_in(PHONE, SHORTCODE, "panjang")
    kannel.sms_in(PHONE, SHORTCODE, "unicode")

    assert kannel.sms_out(count=2) == [
        SmsOut(SHORTCODE, PHONE, gsm, parts=3),  # 340 septets: 153 + 153 + 34
        SmsOut(SHORTCODE, PHONE, ucs2, parts=4),  # 216 UTF-16 units: 67 * 3 + 15
    ]


def test_a_long_inbound_sms_in_parts_reaches_the_service_once(kannel: Kannel, app: FakeApp) -> None:
    text = "LAPOR " + "lampu jalan mati sejak minggu lalu, gelap sekali é. " * 5
    app.answer = reply_with("Diterima.")

    kannel.sms_in(PHONE, SHORTCODE, text)  # 3 parts with a UDH, joined by bearerbox

    assert kannel.sms_out(count=1) == [SmsOut(SHORTCODE, PHONE, "Diterima.")]
    assert [hit.params["text"] for hit in app.wait(INBOUND)] == [text]
    assert len([hit for hit in app.hits if hit.path == INBOUND]) == 1


def test_newlines_survive_both_ways(kannel: Kannel, app: FakeApp) -> None:
    app.answer = reply_with("Baris satu\nBaris dua")

    kannel.sms_in(PHONE, SHORTCODE, "LAPOR\nlampu mati")

    assert [hit.params["text"] for hit in app.wait(INBOUND)] == ["LAPOR\nlampu mati"]
    assert kannel.sms_out(count=1) == [SmsOut(SHORTCODE, PHONE, "Baris satu\nBaris dua")]
