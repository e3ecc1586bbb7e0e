"""The demo's console shows a mail's subject as it would be sent, its [#number] tag
included: a citizen who answers the logged mail continues their report instead of
starting a second one."""

import logging
import re
from typing import Any

import pytest

from aduan.channels.email.models import InboundMail
from aduan.channels.email.services import mail_receive
from aduan.outbox.models import Message
from aduan.outbox.services import message_deliver
from aduan.reports.models import Report
from aduan.reports.tracking import tracking_number_display
from tests.channels.email.conftest import mail_bytes, reply_bytes

pytestmark = pytest.mark.django_db


def test_a_reply_to_the_logged_subject_continues_the_report(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DEMO_MODE = True
    settings.OUTBOX_TRANSPORTS = {
        **settings.OUTBOX_TRANSPORTS,
        "email": settings._CONSOLE_TRANSPORT,
    }
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    report = record.report
    assert report is not None
    answer = Message.objects.get(report=report, channel=Message.Channel.EMAIL)
    with caplog.at_level(logging.WARNING, logger="aduan.outbox"):
        message_deliver(message_id=answer.pk)
    (line,) = [m for m in caplog.messages if m.startswith("outbox → email")]
    number = tracking_number_display(report.tracking_number)
    logged = re.search(r": \[(.*\[#[0-9 ]+\])\] ", line)
    assert logged, line
    assert logged.group(1).endswith(f"[#{number}]")
    # The citizen answers what the log showed (reply.eml, its subject replaced).
    original = f"Subject: Re: Laporan diterima [#{report.tracking_number}]".encode()
    reply = reply_bytes(report.tracking_number, ours=())
    assert original in reply
    reply = reply.replace(original, f"Subject: Re: {logged.group(1)}".encode())
    settings.EMAIL_TRUST_UNAUTHENTICATED = True
    again = mail_receive(reply)
    assert (again.outcome, again.report_id) == (InboundMail.Outcome.REPLY, report.pk)
    assert Report.objects.count() == 1
