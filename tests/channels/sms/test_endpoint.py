"""The Kannel endpoint as Kannel calls it: an SMS becomes a report, a status answer,
a reply or help, answered in the HTTP response; only the gateway may call; the same
SMS twice makes one report; a flooding number gets one polite answer, then
silence; delivery reports land on the outbox row."""

from typing import Any

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.channels.sms.models import InboundSms
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity
from aduan.reports import services
from aduan.reports.models import Action, Channel, Report, State
from aduan.reports.tracking import tracking_number_display, tracking_number_new
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

PHONE = "+628123456789"
SECRET = "kannel-s3cret"


@pytest.fixture(autouse=True)
def _gateway(settings: Any) -> None:
    settings.SMS_SECRET = SECRET
    settings.SMS_ALLOWED_IPS = []


def sms(
    text: str, *, sender: str = PHONE, gateway_id: str = "", stamp: str = "", **extra: str
) -> Any:
    params = {"from": sender, "to": "1708", "text": text, "smsc": "fake", "secret": SECRET}
    if gateway_id:
        params["id"] = gateway_id
    if stamp:
        params["ts"] = stamp
    params.update(extra)
    return Client().get("/channels/sms/kannel", params)


def answer(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return str(response.content.decode())


def _only_report() -> Report:
    return Report.objects.select_related("agency").get()


def test_an_sms_becomes_a_report_answered_with_its_tracking_number() -> None:
    reply = answer(sms("LAPOR jalan rusak di depan pasar"))
    report = _only_report()
    assert (report.channel, report.state) == (Channel.SMS, State.SUBMITTED)
    assert report.body == "jalan rusak di depan pasar"
    assert report.title == "jalan rusak di depan pasar"
    assert tracking_number_display(report.tracking_number) in reply
    assert f"CEK {tracking_number_display(report.tracking_number)}" in reply
    # The answer is on record in the outbox, as sent, and nothing else waits to go.
    message = Message.objects.get()
    assert (message.status, message.channel, message.recipient) == ("sent", "sms", PHONE)
    assert (message.purpose, message.body, message.report_id) == ("sms_report", reply, report.pk)
    identity = ChannelIdentity.objects.get()
    assert (identity.kind, identity.value) == ("phone", PHONE)


def test_free_text_is_a_report_too_and_a_long_one_gets_a_short_title() -> None:
    text = (
        "Sudah tiga minggu lampu jalan di Jalan Kartini mati semua sehingga warga takut "
        "lewat pada malam hari dan sering terjadi kecelakaan motor"
    )
    answer(sms(text))
    report = _only_report()
    assert report.body == text
    assert len(report.title) <= 80 and report.title.startswith("Sudah tiga minggu")


def test_one_person_whatever_way_the_number_is_written() -> None:
    for sender in ("08123456789", "628123456789", "+62 812-345-6789"):
        answer(sms("LAPOR sampah menumpuk", sender=sender))
    assert Report.objects.values("reporter").distinct().count() == 1
    assert ChannelIdentity.objects.count() == 1


def test_status_of_a_report_by_its_number(cast: Cast) -> None:
    answer(sms("LAPOR jalan rusak di depan pasar"))
    report = _only_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    number = tracking_number_display(report.tracking_number)
    for query in (f"CEK {report.tracking_number}", f"status {number}", report.tracking_number):
        reply = answer(sms(query))
        assert number in reply and "Terdisposisi" in reply and "Kota Cirebon" in reply, reply


def test_a_confidential_report_is_known_only_to_its_reporters_number(cast: Cast) -> None:
    answer(sms("LAPOR pungli di kantor kelurahan"))
    report = _only_report()
    Report.objects.filter(pk=report.pk).update(is_confidential=True)
    mine = answer(sms(f"CEK {report.tracking_number}"))
    stranger = answer(sms(f"CEK {report.tracking_number}", sender="+628111111111"))
    nobody = tracking_number_new()
    unknown = answer(sms(f"CEK {nobody}", sender="+628111111111"))
    assert "Belum Terverifikasi" in mine
    assert "tidak ditemukan" in stranger and "Belum Terverifikasi" not in stranger
    # A hidden report and one that does not exist read alike.
    assert stranger.replace(tracking_number_display(report.tracking_number), "N") == (
        unknown.replace(tracking_number_display(nobody), "N")
    )


def test_a_reply_reaches_the_report_only_from_its_reporters_number(cast: Cast) -> None:
    answer(sms("LAPOR jalan rusak di depan pasar"))
    report = _only_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    reply = answer(sms(f"BALAS {report.tracking_number} lubangnya makin besar"))
    assert "sudah kami teruskan" in reply
    event = report.events.get(action=Action.REPLY)
    assert (event.body, event.channel) == ("lubangnya makin besar", Channel.SMS)
    refused = answer(sms(f"BALAS {report.tracking_number} iseng", sender="+628111111111"))
    assert "tidak ditemukan" in refused
    assert report.events.filter(action=Action.REPLY).count() == 1


def test_a_reply_to_a_request_for_information_supplies_it(cast: Cast) -> None:
    answer(sms("LAPOR jalan rusak"))
    report = _only_report()
    services.report_request_info(actor=cast.national, report=report, reason="Di mana?")
    answer(sms(f"BALAS {report.tracking_number} depan Pasar Kanoman"))
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert report.events.get(action=Action.SUPPLY_INFO).body == "depan Pasar Kanoman"


def test_a_reply_to_a_closed_report_says_so(cast: Cast) -> None:
    answer(sms("LAPOR jalan rusak"))
    report = _only_report()
    services.report_intervene(actor=cast.national, report=report, reason="Sudah diperbaiki.")
    reply = answer(sms(f"BALAS {report.tracking_number} masih rusak"))
    assert "selesai" in reply and "LAPOR" in reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INFO", "LAPOR <isi laporan>"),
        ("bantuan", "CEK <nomor>"),
        ("", "kosong"),
        ("CEK", "tidak terbaca"),
        ("BALAS", "tidak terbaca"),
    ],
)
def test_help_explains_the_commands(text: str, expected: str) -> None:
    reply = answer(sms(text))
    assert expected in reply
    assert Report.objects.count() == 0


def test_the_same_sms_handed_over_twice_makes_one_report_and_the_same_answer() -> None:
    first = answer(sms("LAPOR jalan rusak", gateway_id="kannel-1", stamp="2026-11-29 10:00:00"))
    again = answer(sms("LAPOR jalan rusak", gateway_id="kannel-1", stamp="2026-11-29 10:00:00"))
    # Re-sent by the operator's SMSC: a new gateway id, the same SMSC time and text.
    resent = answer(sms("LAPOR jalan rusak", gateway_id="kannel-2", stamp="2026-11-29 10:00:00"))
    assert first == again == resent
    assert Report.objects.count() == 1
    # The same words sent again later are a new message.
    answer(sms("LAPOR jalan rusak", gateway_id="kannel-3", stamp="2026-11-29 10:05:00"))
    assert Report.objects.count() == 2


def test_a_flooding_number_gets_one_polite_answer_then_silence(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms": "3/d"}
    for n in range(3):
        assert answer(sms(f"LAPOR jalan rusak nomor {n}"))
    polite = answer(sms("LAPOR lagi"))
    assert "terlalu banyak SMS" in polite
    assert answer(sms("LAPOR lagi dan lagi")) == ""
    assert Report.objects.count() == 3
    # Other numbers are not affected.
    assert answer(sms("LAPOR jalan rusak", sender="+628111111111"))
    assert InboundSms.objects.filter(outcome="limited").count() == 2


def test_only_the_gateway_may_call(settings: Any, client: Client) -> None:
    params = {"from": PHONE, "text": "LAPOR jalan rusak"}
    assert client.get("/channels/sms/kannel", params).status_code == 403
    assert client.get("/channels/sms/kannel", {**params, "secret": "wrong"}).status_code == 403
    settings.SMS_ALLOWED_IPS = ["127.0.0.1"]  # the test client's address
    assert client.get("/channels/sms/kannel", params).status_code == 200
    assert client.post("/channels/sms/kannel", params).status_code == 200
    assert Report.objects.count() == 2


def test_bad_input_gets_a_clear_answer_and_loses_nothing() -> None:
    assert Client().get("/channels/sms/kannel", {"secret": SECRET}).status_code == 400
    # A sender that is no phone number (an operator's name) is not answered.
    assert answer(sms("PROMO pulsa murah", sender="TELKOMSEL")) == ""
    assert "terlalu panjang" in answer(sms("LAPOR " + "x" * 20_000))
    assert Report.objects.count() == 0
    assert answer(sms("LAPOR ada\x00nul dan 🚧 di jalan"))
    assert "🚧" in _only_report().body and "\x00" not in _only_report().body


def test_a_reply_outside_the_gsm_alphabet_goes_as_ucs2() -> None:
    response = sms("LAPOR jalan rusak")
    assert response["X-Kannel-Coding"] == "0"
    report = _only_report()
    Report.objects.filter(pk=report.pk).update(title="x")
    assert "X-Kannel-Coding" not in sms("", sender="TELKOMSEL")


def test_text_in_another_character_set_is_read_in_it() -> None:
    client = Client()
    response = client.get(
        "/channels/sms/kannel?from=%2B628123456789&secret="
        + SECRET
        + "&charset=ISO-8859-1&text=LAPOR+caf%E9+tutup+jalan"
    )
    assert response.status_code == 200
    assert _only_report().body == "café tutup jalan"


def test_a_web_sign_up_with_the_same_verified_number_takes_the_sms_reports(
    cast: Cast,
) -> None:
    from aduan.reporters.services import reporter_claim_identity

    answer(sms("LAPOR jalan rusak"))
    report = _only_report()
    user = User.objects.create(username="warga", role="citizen")
    reporter = reporter_claim_identity(user=user, kind="phone", value="0812 3456 789", name="Ani")
    assert reporter.pk == report.reporter_id
    assert list(Report.objects.filter(reporter__user=user)) == [report]


def test_delivery_reports_are_recorded_on_the_message() -> None:
    message = Message.objects.create(
        channel="sms", recipient=PHONE, recipient_hash="x", purpose="follow_up", body="Halo"
    )
    client = Client()
    url = "/channels/sms/kannel/dlr"
    base: dict[str, str | int] = {"message": message.pk, "secret": SECRET}
    assert client.get(url, {**base, "status": "8", "answer": "ACK/"}).status_code == 200
    assert client.get(url, {**base, "status": "1", "answer": "DELIVRD"}).status_code == 200
    assert client.get(url, {**base, "status": "8"}).status_code == 200  # late, ignored
    message.refresh_from_db()
    assert (message.delivery, message.delivery_detail) == ("delivered", "DELIVRD")
    assert client.get(url, {**base, "status": "99"}).status_code == 400
    assert client.get(url, {"message": "x", "status": "1", "secret": SECRET}).status_code == 400
    assert client.get(url, {"message": str(message.pk), "status": "1"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_same_sms_handed_over_twice_at_once_still_makes_one_report() -> None:
    import threading

    from django.db import connection

    from aduan.channels.sms.services import Sms, sms_receive

    message = Sms(sender=PHONE, text="LAPOR jembatan retak", gateway_id="k-1", stamp="10:00")
    start = threading.Barrier(2)
    answers: list[str] = []

    def deliver() -> None:
        try:
            start.wait()
            answers.append(sms_receive(message))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2 and answers[0] == answers[1] and answers[0]
    assert Report.objects.count() == 1
    assert InboundSms.objects.count() == 1
