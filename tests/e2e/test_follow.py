"""Following a report from its receipt, in Chromium on a phone (issue 19, Build 1):
a report made by SMS (through the Kannel endpoint), by e-mail, by X and at the
counter, each opened from the link its receipt carries (read from the outbox) on
a status view that shows its state. The SMS, e-mail and counter receipts carry the
per-report link, which reads the report as its reporter; X's receipt is a public
post, so it carries the plain number, which shows the status only."""

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Browser, expect

from aduan.channels.email.services import mail_receive
from aduan.channels.x.services import PURPOSE_RECEIPT
from aduan.intake.services import intake_counter
from aduan.outbox.models import Message
from aduan.reports.models import Channel, Report
from aduan.reports.tracking import tracking_number_display
from tests.channels.email.conftest import mail_bytes
from tests.channels.x.conftest import fake_x, payload
from tests.channels.x.fake_x import FakeX
from tests.channels.x.test_webhook import deliver
from tests.reports.conftest import Cast

from .conftest import phone_page, screenshot

__all__ = ["fake_x"]

pytestmark = pytest.mark.django_db(transaction=True)

SMS_SECRET = "kannel-s3cret"
_LINK = re.compile(r"https?://[^\s/]+(/(?:laporan/\d{10}\?k=[0-9a-f]{16}|lacak\?nomor=\d{10}))")


def _path(message: Message) -> str:
    """The link a receipt carries, as a path on the app under test."""
    match = _LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1)


def _by_sms(settings: Any) -> tuple[Report, Message]:
    settings.SMS_SECRET = SMS_SECRET
    settings.SMS_ALLOWED_IPS = []
    params = {
        "from": "+6281298765432",
        "to": "1708",
        "text": "LAPOR Lampu penerangan jalan di Jl. Pemuda mati sejak seminggu",
        "smsc": "fake",
        "secret": SMS_SECRET,
    }
    answer = Client().get("/channels/sms/kannel", params)
    assert answer.status_code == 200
    report = Report.objects.get(channel=Channel.SMS)
    return report, Message.objects.get(report=report, purpose="sms_report")


def _by_mail() -> tuple[Report, Message]:
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    assert record.report is not None
    return record.report, Message.objects.get(report=record.report, channel="email")


def _by_x(fake: FakeX) -> tuple[Report, Message]:
    assert deliver(Client(), payload("activity_report.json", fake)).status_code == 200
    report = Report.objects.get(channel=Channel.X)
    return report, Message.objects.get(report=report, purpose=PURPOSE_RECEIPT)


def _at_the_counter(cast: Cast) -> tuple[Report, Message]:
    report = intake_counter(
        staff=cast.agency_admin,
        name="Ibu Kartini",
        contact="0813 1111 2222",
        type="complaint",
        title="Trotoar Jalan Siliwangi amblas",
        body="Trotoar di depan toko roti amblas sedalam setengah meter.",
        category="infrastruktur.jalan",
        region="32.74",
    )
    return report, Message.objects.get(report=report, purpose="receipt")


def test_every_receipt_leads_to_the_reports_status(
    browser: Browser, server: str, cast: Cast, settings: Any, fake_x: FakeX
) -> None:
    made = {
        "sms": _by_sms(settings),
        "email": _by_mail(),
        "x": _by_x(fake_x),
        "counter": _at_the_counter(cast),
    }
    problems: list[str] = []
    for door, (report, receipt) in made.items():
        path = _path(receipt)
        with phone_page(browser) as phone:
            phone.goto(server + path)
            # Wherever it came from: its number, its state in words, what comes next.
            expect(
                phone.get_by_text(tracking_number_display(report.tracking_number)).first
            ).to_be_visible()
            expect(phone.get_by_text("Belum Terverifikasi").first).to_be_visible()
            expect(phone.get_by_text("Berikutnya: admin memverifikasi").first).to_be_visible()
            expect(phone.get_by_text("Batas waktu").first).to_be_visible()
            heading = phone.get_by_role("heading", level=1)
            if door == "x":
                # A public post carries no key: the status only.
                assert "?k=" not in receipt.body
                expect(heading).to_have_text("Laporan belum diverifikasi")
                assert report.body[:30] not in phone.content()
            else:
                # The reporter's own link: their report, without their contacts.
                expect(heading).to_have_text(report.title)
                expect(phone.get_by_text("tautan pribadi").first).to_be_visible()
                assert "Tindakan Anda sebagai pelapor" not in phone.content()
                assert receipt.recipient not in phone.content()
            screenshot(phone, f"follow-{door}")
            results = Axe().run(phone)
            if results.violations_count:
                problems.append(f"{door}: {results.generate_report()}")
    assert not problems, "\n\n".join(problems)
