"""The WhatsApp webhook end to end against the local Graph API fake: Meta's
subscription check, signatures, a report at once, a report written one question at
a time, re-deliveries, statuses of our messages, and what is recorded and ignored."""

import hashlib
import hmac
from typing import Any

import pytest
from django.test import Client

from aduan.channels.sms.services import Sms, sms_receive
from aduan.channels.whatsapp.models import InboundWhatsApp
from aduan.intake.files import files_fetch_due
from aduan.intake.models import Conversation, FileFetch
from aduan.outbox.models import Message
from aduan.outbox.services import message_send, messages_deliver_due
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Attachment, Channel, Report, ReportType
from aduan.reports.notices import reporter_told_overdue
from tests.channels.whatsapp.chat import URL, Citizen, post
from tests.channels.whatsapp.conftest import APP_SECRET, VERIFY_TOKEN
from tests.channels.whatsapp.fake_whatsapp import FakeWhatsApp, status_update, text_message
from tests.channels.x.fake_x import jpeg as jpeg_bytes

pytestmark = pytest.mark.django_db

COMPLETE = "Jalan berlubang besar di depan SD Negeri 1 Kelurahan Pekiringan Kota Cirebon"
CIREBON = (-6.7150, 108.5640)  # in Kota Cirebon


@pytest.fixture
def citizen(client: Client, fake_whatsapp: FakeWhatsApp) -> Citizen:
    return Citizen(client, APP_SECRET)


def answers() -> list[Message]:
    return list(Message.objects.filter(channel=Message.Channel.WHATSAPP).order_by("pk"))


def test_meta_subscribes_with_the_verify_token(client: Client, fake_whatsapp: FakeWhatsApp) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    answer = client.get(URL, query)
    assert answer.status_code == 200 and answer.content == b"1158201444"
    wrong = client.get(URL, {**query, "hub.verify_token": "guess"})
    assert wrong.status_code == 403


def test_a_delivery_without_the_right_signature_changes_nothing(
    client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    forged = post(client, text_message("6281234567890", COMPLETE, message_id="wamid.f"), secret="x")
    assert forged.status_code == 403
    unsigned = client.post(URL, b"{}", content_type="application/json")
    assert unsigned.status_code == 403
    assert not InboundWhatsApp.objects.exists() and not Report.objects.exists()


def test_a_signed_body_that_is_no_json_is_a_bad_request(
    client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    raw = b"{not json"
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    answer = client.post(
        URL, raw, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )
    assert answer.status_code == 400
    assert not InboundWhatsApp.objects.exists()


def test_a_message_that_says_everything_is_a_report_at_once(citizen: Citizen) -> None:
    citizen.text(COMPLETE)
    report = Report.objects.get()
    assert report.channel == Channel.WHATSAPP and report.type == ReportType.COMPLAINT
    assert report.region_id is not None and report.region_id.startswith("32.74")
    identity = ChannelIdentity.objects.get(reporter=report.reporter)
    assert identity.kind == "phone" and identity.value == "+6281234567890"
    [answer] = answers()
    assert report.tracking_number[:4] in answer.body.replace(" ", "")
    assert answer.purpose == "whatsapp_report" and answer.report == report
    assert not Conversation.objects.exists()


def test_a_message_delivered_twice_is_one_report_and_one_answer(citizen: Citizen) -> None:
    citizen.text(COMPLETE, message_id="wamid.same")
    citizen.text(COMPLETE, message_id="wamid.same")
    assert Report.objects.count() == 1
    assert len(answers()) == 1
    assert InboundWhatsApp.objects.count() == 1


def test_sms_and_whatsapp_from_one_number_are_one_reporter(
    citizen: Citizen, client: Client
) -> None:

    sms_receive(Sms(sender="+6281234567890", text="LAPOR Lampu jalan mati di Jl. Kartini"))
    citizen.text(COMPLETE)
    assert Report.objects.values("reporter").distinct().count() == 1


def test_a_report_written_one_question_at_a_time(
    citizen: Citizen, fake_whatsapp: FakeWhatsApp
) -> None:
    citizen.text("Jalan rusak")
    conversation = Conversation.objects.get()
    assert conversation.step == Conversation.Step.TYPE
    question = answers()[-1]
    assert [choice for choice, _label in question.choices] == [
        "type:complaint",
        "type:aspiration",
        "type:information_request",
    ]
    citizen.choose("type:complaint", "Pengaduan")
    assert Conversation.objects.get().step == Conversation.Step.TEXT  # two words are not enough
    citizen.text("Jalan berlubang besar dan sudah dua motor jatuh")
    assert Conversation.objects.get().step == Conversation.Step.PLACE
    citizen.location(*CIREBON, name="SD Negeri 1")
    assert Conversation.objects.get().step == Conversation.Step.PHOTO
    fake_whatsapp.media["media-1"] = (jpeg_bytes(), "image/jpeg")
    citizen.photo("media-1")
    assert Conversation.objects.get().step == Conversation.Step.CONFIRM
    assert [choice for choice, _label in answers()[-1].choices] == ["send", "cancel"]
    assert not Report.objects.exists()
    citizen.choose("send", "Kirim")
    report = Report.objects.get()
    assert report.body == "Jalan berlubang besar dan sudah dua motor jatuh"
    assert report.region_id is not None and report.region_id.startswith("32.74.")
    assert report.latitude == CIREBON[0] and "SD Negeri 1" in report.address
    assert Conversation.objects.get().state == Conversation.State.REPORTED
    assert FileFetch.objects.get().refs == ["media-1"]
    assert files_fetch_due() == 1
    assert Attachment.objects.filter(report=report).count() == 1
    assert not FileFetch.objects.exists()


def test_batal_cancels_the_report_being_written(citizen: Citizen) -> None:
    citizen.text("LAPOR")
    citizen.text("batal")
    assert Conversation.objects.get().state == Conversation.State.CANCELLED
    assert not Report.objects.exists()
    assert "dibatalkan" in answers()[-1].body


def test_a_status_question_in_the_middle_leaves_the_conversation_where_it_was(
    citizen: Citizen,
) -> None:
    citizen.text(COMPLETE)
    number = Report.objects.get().tracking_number
    citizen.text("Sampah menumpuk")
    assert Conversation.objects.get().step == Conversation.Step.TYPE
    citizen.text(f"CEK {number}")
    assert number[:4] in answers()[-1].body.replace(" ", "")
    assert Conversation.objects.get().step == Conversation.Step.TYPE
    citizen.choose(f"status:{number}", "Cek status")
    assert InboundWhatsApp.objects.order_by("pk").last().outcome == "status"  # type: ignore[union-attr]


def test_stickers_and_reactions_are_recorded_and_not_answered(citizen: Citizen) -> None:
    citizen.sticker()
    record = InboundWhatsApp.objects.get()
    assert record.outcome == "ignored" and record.detail == "sticker"
    assert not answers() and not Report.objects.exists()


def test_answers_go_out_as_free_text_in_the_window_and_as_a_template_after(
    citizen: Citizen, fake_whatsapp: FakeWhatsApp, settings: Any
) -> None:
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "whatsapp": "aduan.channels.whatsapp.transport.WhatsAppTransport",
    }
    citizen.text(COMPLETE)  # the receipt
    citizen.text("Jalan rusak")  # a question with buttons
    messages_deliver_due()
    assert [body["type"] for body in fake_whatsapp.sent] == ["text", "interactive"]
    InboundWhatsApp.objects.update(received_at="2020-01-01T00:00:00Z")  # the window closed
    report = Report.objects.get()
    message_send(
        channel="whatsapp",
        recipient="+6281234567890",
        body="Laporan Anda\nsudah diteruskan.",
        purpose="dispositioned",
        report_id=report.pk,
    )
    messages_deliver_due()
    template = fake_whatsapp.sent[-1]
    assert template["type"] == "template"
    assert template["template"]["language"]["code"] == "id"
    [component] = template["template"]["components"]
    assert component["parameters"][0]["text"] == "Laporan Anda sudah diteruskan."


def test_statuses_of_our_messages_are_recorded_on_them(
    citizen: Citizen, fake_whatsapp: FakeWhatsApp, settings: Any, client: Client
) -> None:
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "whatsapp": "aduan.channels.whatsapp.transport.WhatsAppTransport",
    }
    citizen.text(COMPLETE)
    messages_deliver_due()
    [answer] = answers()
    assert answer.external_id.startswith("wamid.")
    for status in ("sent", "delivered", "read"):
        post(client, status_update(answer.external_id, status), secret=APP_SECRET)
        answer.refresh_from_db()
        assert answer.delivery == {"sent": "accepted"}.get(status, status)
    post(client, status_update("wamid.unknown", "failed"), secret=APP_SECRET)  # not ours: 200


def test_notices_of_a_report_made_by_whatsapp_go_by_whatsapp_with_a_status_button(
    citizen: Citizen,
) -> None:
    citizen.text(COMPLETE)
    report = Report.objects.get()
    notice = reporter_told_overdue(report)
    assert notice is not None
    assert notice.channel == "whatsapp" and notice.recipient == "+6281234567890"
    assert notice.choices == [[f"status:{report.tracking_number}", "Cek status"]]
    citizen.choose(f"status:{report.tracking_number}", "Cek status")
    assert answers()[-1].purpose == "whatsapp_status"


def test_meta_throttling_or_an_outage_is_tried_again_and_blocks_no_other_channel(
    citizen: Citizen, fake_whatsapp: FakeWhatsApp, settings: Any
) -> None:
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "whatsapp": "aduan.channels.whatsapp.transport.WhatsAppTransport",
    }
    citizen.text(COMPLETE)
    sms = message_send(channel="sms", recipient="+6281299990000", body="Kode 1234", purpose="otp")
    fake_whatsapp.throttled = True
    messages_deliver_due()
    [answer] = answers()
    sms.refresh_from_db()
    assert sms.status == Message.Status.SENT  # another channel's messages leave regardless
    assert answer.status == Message.Status.PENDING and answer.attempts == 1
    assert "130429" in answer.last_error
    fake_whatsapp.throttled, fake_whatsapp.fail_status = False, 503
    messages_deliver_due(now=answer.next_attempt_at)
    answer.refresh_from_db()
    assert answer.status == Message.Status.PENDING and answer.attempts == 2
    fake_whatsapp.fail_status = 0
    messages_deliver_due(now=answer.next_attempt_at)
    answer.refresh_from_db()
    assert answer.status == Message.Status.SENT and answer.external_id.startswith("wamid.")
