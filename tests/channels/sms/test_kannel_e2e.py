"""SMS 1708 end to end through a real Kannel (bearerbox, smsbox and the fakesmsc
simulator standing for the operator's SMSC) and the running application: a phone's
SMS becomes a report and the answer with its number reaches the phone; CEK answers
the status; an agency's follow-up leaves through the outbox as an SMS and its
delivery report is recorded; with Kannel down, messages wait and go out once it is
back — none lost, none doubled."""

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from aduan.outbox.models import Message
from aduan.outbox.services import messages_deliver_due
from aduan.reports import services
from aduan.reports.models import Channel, Report, State
from aduan.reports.tracking import tracking_number_display
from tests.channels.sms.kannel import Kannel
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+628123456789"
SECRET = "kannel s3cret/+%"  # survives Kannel's URL templates, both ways


def _wait(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def kannel(live_server: Any, settings: Any, kannel_gateway: Callable[[str, str], Kannel]) -> Kannel:
    gateway = kannel_gateway(live_server.url, SECRET)
    settings.SMS_SECRET = SECRET
    settings.SMS_ALLOWED_IPS = []
    settings.SITE_URL = live_server.url
    settings.KANNEL_SENDSMS_URL = gateway.sendsms_url
    settings.KANNEL_USERNAME = gateway.username
    settings.KANNEL_PASSWORD = gateway.password
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "sms": "aduan.channels.sms.transport.KannelTransport",
    }
    return gateway


def test_an_sms_report_its_status_and_the_agencys_follow_up_through_kannel(
    kannel: Kannel, cast: Cast
) -> None:
    kannel.sms_in(PHONE, "1708", "LAPOR jalan rusak di depan pasar")
    [acknowledgement] = kannel.sms_out(count=1)
    report = Report.objects.get()
    number = tracking_number_display(report.tracking_number)
    assert (report.channel, report.body) == (Channel.SMS, "jalan rusak di depan pasar")
    assert acknowledgement.receiver == PHONE.lstrip("+") or acknowledgement.receiver == PHONE
    assert number in acknowledgement.text

    kannel.sms_in(PHONE, "1708", f"cek {report.tracking_number}")
    [status] = kannel.sms_out(count=1)
    assert number in status.text and str(State.SUBMITTED.label) in status.text

    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    report = Report.objects.select_related("agency").get()
    services.report_follow_up(
        actor=cast.agency_admin, report=report, text="Tim kami meninjau lokasi besok pagi."
    )
    # The worker's round: disposition and follow-up leave through Kannel's sendsms.
    assert messages_deliver_due() == 2
    received = kannel.sms_out(count=2)
    assert any("Tim kami meninjau lokasi besok pagi." in sms.text for sms in received)
    assert any("Pemerintah Kota Cirebon" in sms.text for sms in received)
    follow_up = Message.objects.get(purpose="follow_up")
    assert follow_up.status == Message.Status.SENT
    # Kannel reports the SMSC's acknowledgement and the delivery back to us.
    _wait(
        lambda: Message.objects.get(pk=follow_up.pk).delivery == Message.Delivery.DELIVERED,
        "the delivery report",
    )

    # A long SMS arrives in parts; Kannel joins them and it makes one report.
    long_text = (
        "Saluran air di Jalan Pekiringan tersumbat sampah sejak dua minggu, setiap hujan "
        "air meluap ke rumah warga dan jalan tidak bisa dilewati motor. Mohon segera "
        "dibersihkan dan dipasang saringan sampah di ujung gang dekat masjid. Terima kasih."
    )
    assert len(long_text) > 160
    kannel.sms_in(PHONE, "1708", f"LAPOR {long_text}")
    [second] = kannel.sms_out(count=1)
    latest = Report.objects.order_by("-pk").first()
    assert latest is not None and latest.body == long_text
    assert tracking_number_display(latest.tracking_number) in second.text

    kannel.sms_in(PHONE, "1708", f"BALAS {report.tracking_number} terima kasih, ditunggu")
    [thanks] = kannel.sms_out(count=1)
    assert "sudah kami teruskan" in thanks.text
    assert report.events.filter(action="reply", channel=Channel.SMS).count() == 1


def test_with_kannel_down_messages_wait_and_go_out_once_it_is_back(
    kannel: Kannel, cast: Cast
) -> None:
    kannel.sms_in(PHONE, "1708", "LAPOR lampu jalan mati di Jalan Kartini")
    kannel.sms_out(count=1)
    report = Report.objects.get()
    kannel.stop()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    assert messages_deliver_due() == 1
    waiting = Message.objects.get(purpose="dispositioned")
    assert waiting.status == Message.Status.PENDING and "unreachable" in waiting.last_error
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at > timezone.now()
    assert messages_deliver_due() == 0  # not due yet: it backs off

    kannel.start()
    later = timezone.now() + timedelta(minutes=5)
    assert messages_deliver_due(now=later) == 1
    assert messages_deliver_due(now=later) == 0
    [sent] = kannel.sms_out(count=1)
    assert "Pemerintah Kota Cirebon" in sent.text
    # None doubled: the next SMS the phone gets is the answer to its next message.
    kannel.sms_in(PHONE, "1708", "INFO")
    [help_text] = kannel.sms_out(count=1)
    assert re.search(r"LAPOR <isi laporan>", help_text.text)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (Message.Status.SENT, 2)
