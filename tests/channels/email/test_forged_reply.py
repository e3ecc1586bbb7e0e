"""A reply continues a report only when its sender is proven (DESIGN.md §5): our MX's
Authentication-Results says DMARC passed for the From: domain (or, without a DMARC
policy, an aligned DKIM signature verified). Anything else — a failed check, no
header of ours, someone else's header, a pass the sender wrote themself below ours
— leaves the report exactly as it was: the words become a new report of their own,
and the From: address is told why."""

from typing import Any

import pytest

from aduan.channels.email.models import InboundMail
from aduan.channels.email.services import mail_receive
from aduan.lib.crypto import lookup_hash
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity
from aduan.reports import services
from aduan.reports.models import Action, Report, ReportEvent, State
from aduan.reports.tracking import tracking_number_display
from tests.channels.email.conftest import AUTHSERV_ID, mail_bytes, reply_bytes
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

SITI = "siti.rahma@contoh.co.id"
WORDS = "Lampunya sekarang malah berkedip-kedip, tiang nomor 14."
PASS = f"{AUTHSERV_ID}; dkim=pass header.d=contoh.co.id; dmarc=pass header.from=contoh.co.id"

FORGED: dict[str, dict[str, tuple[str, ...]]] = {
    "dmarc and spf failed": {
        "ours": (
            f"{AUTHSERV_ID}; dkim=none; spf=fail smtp.mailfrom=contoh.co.id; "
            "dmarc=fail (p=none dis=none) header.from=contoh.co.id",
        ),
    },
    "no header at all": {},
    "a pass from another server": {
        "senders": (
            "mx.penipu.example; dkim=pass header.d=contoh.co.id; "
            "dmarc=pass header.from=contoh.co.id",
        ),
    },
    "a pass with our id written below our failing one": {
        "ours": (f"{AUTHSERV_ID}; dmarc=fail header.from=contoh.co.id",),
        "senders": (PASS,),
    },
    "a pass with our id written below ours that proves nothing": {
        "ours": (f"{AUTHSERV_ID}; spf=softfail smtp.mailfrom=contoh.co.id; dkim=none",),
        "senders": (PASS,),
    },
    "a pass with our id below ours that cannot be read": {
        "ours": (f"{AUTHSERV_ID}; dmarc=pass header.from=contoh.co.id; ;;=",),
        "senders": (PASS,),
    },
    "a dmarc pass for another domain": {
        "ours": (f"{AUTHSERV_ID}; dmarc=pass header.from=penipu.example",),
    },
    "a dkim pass of another domain": {
        "ours": (f"{AUTHSERV_ID}; dkim=pass header.d=penipu.example; dmarc=none",),
    },
    "a dkim pass of a subdomain someone else may run": {
        "ours": (f"{AUTHSERV_ID}; dkim=pass header.d=pengguna.contoh.co.id",),
    },
    "a dkim pass when the domain's dmarc failed": {
        "ours": (
            f"{AUTHSERV_ID}; dkim=pass header.d=contoh.co.id; "
            "dmarc=fail (p=reject; adkim=s) header.from=contoh.co.id",
        ),
    },
    "dmarc could not be decided": {
        "ours": (f"{AUTHSERV_ID}; dmarc=temperror header.from=contoh.co.id",),
    },
}


def _reported() -> Report:
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    assert record.report is not None
    return record.report


def _state(report: Report) -> tuple[Any, ...]:
    """Everything about the report a reply could change."""
    fresh = Report.objects.get(pk=report.pk)
    return (
        fresh.state,
        fresh.updated_at,
        fresh.body,
        list(fresh.events.values_list("pk", flat=True)),
        list(fresh.attachments.values_list("pk", flat=True)),
    )


def _assert_unproven_and_told(record: InboundMail, report: Report, before: tuple[Any, ...]) -> None:
    number = tracking_number_display(report.tracking_number)
    assert _state(report) == before
    assert not ReportEvent.objects.filter(action=Action.REPLY).exists()
    # The words are kept, as a new report of their own, waiting for verification.
    assert record.outcome == InboundMail.Outcome.UNPROVEN
    assert record.report is not None and record.report.pk != report.pk
    new = Report.objects.get(pk=record.report.pk)
    assert (new.state, new.body) == (State.SUBMITTED, WORDS)
    # The From: address is told why, in Indonesian, naming only what it wrote.
    answer = Message.objects.get(purpose="mail_unproven")
    assert (answer.recipient, answer.report_id, answer.language) == (SITI, new.pk, "id")
    assert number in answer.subject
    assert "tidak dapat memastikan bahwa surel itu benar dikirim dari alamat Anda" in answer.body
    assert "tidak kami tambahkan ke laporan tersebut" in answer.body
    assert tracking_number_display(new.tracking_number) in answer.body
    assert answer.body == record.answer


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_a_forged_reply_leaves_the_report_unchanged_and_the_sender_is_told(
    headers: dict[str, tuple[str, ...]],
) -> None:
    report = _reported()
    before = _state(report)
    record = mail_receive(reply_bytes(report.tracking_number, **headers))
    _assert_unproven_and_told(record, report, before)
    assert record.proof in ("failed", "none")


def test_a_forged_answer_to_a_request_for_information_supplies_nothing(cast: Cast) -> None:
    report = _reported()
    services.report_request_info(actor=cast.national, report=report, reason="Foto tiangnya?")
    before = _state(report)
    forged = (f"{AUTHSERV_ID}; dmarc=fail header.from=contoh.co.id",)
    record = mail_receive(reply_bytes(report.tracking_number, ours=forged))
    _assert_unproven_and_told(record, report, before)
    assert Report.objects.get(pk=report.pk).state == State.NEEDS_INFO


def test_a_mail_with_two_authors_is_not_proven_for_either() -> None:
    report = _reported()
    before = _state(report)
    raw = reply_bytes(report.tracking_number, ours=(PASS,))
    raw = raw.replace(b"From: Siti", b"From: Penipu <siti.rahma@contoh.co.id>\nFrom: Siti", 1)
    record = mail_receive(raw)
    assert record.proof == "ambiguous"
    assert _state(report) == before and record.outcome == InboundMail.Outcome.UNPROVEN


def test_an_unproven_reply_reveals_nothing_of_a_report_not_the_senders(cast: Cast) -> None:
    """Someone else's confidential report: the answer is the same as for the
    sender's own, and names only the number the mail carried."""
    theirs = services.report_create(
        actor=cast.owner,
        reporter=cast.reporter,
        type="complaint",
        title="Pungutan liar di kantor kelurahan",
        body="Petugas meminta uang untuk surat pengantar.",
        channel="web",
        confidential=True,
        location=services.Location(region="32.74.01"),
    )
    before = _state(theirs)
    record = mail_receive(reply_bytes(theirs.tracking_number))
    assert _state(theirs) == before
    answer = Message.objects.get(purpose="mail_unproven")
    assert "Pungutan" not in answer.body and "kelurahan" not in answer.body
    assert record.outcome == InboundMail.Outcome.UNPROVEN


@pytest.mark.parametrize(
    "ours",
    [
        PASS,
        # Gmail's form (no DMARC policy of its own needed: the verdict is there).
        "mx.aduan.example.go.id; dkim=pass header.i=@contoh.co.id header.s=20230601 "
        "header.b=Ab; spf=pass (domain of siti.rahma@contoh.co.id designates 203.0.113.25 "
        "as permitted sender) smtp.mailfrom=siti.rahma@contoh.co.id; dmarc=pass "
        '(p=NONE sp=NONE dis=NONE) header.from="CONTOH.co.id"',
        # A version after the id, another case, and OpenDMARC's own header.
        "MX.Aduan.Example.Go.Id 1; dmarc=pass (p=reject dis=none) header.from=contoh.co.id",
        # No DMARC policy published: the From: domain's DKIM signature speaks.
        f"{AUTHSERV_ID}; dkim=pass header.d=contoh.co.id; spf=none; dmarc=none",
        f"{AUTHSERV_ID}; dkim=pass header.i=@contoh.co.id",
        f"{AUTHSERV_ID}; dkim=fail header.d=milis.example; dkim=pass header.d=contoh.co.id",
    ],
)
def test_a_genuine_reply_threads_as_before(ours: str) -> None:
    report = _reported()
    record = mail_receive(reply_bytes(report.tracking_number, ours=(ours,)))
    assert (record.outcome, record.report_id) == (InboundMail.Outcome.REPLY, report.pk)
    assert record.proof in ("dmarc", "dkim")
    event = ReportEvent.objects.get(report=report, action=Action.REPLY)
    assert event.body == WORDS
    assert Report.objects.count() == 1


def test_a_genuine_reply_among_foreign_headers_is_read_from_ours() -> None:
    """A later hop's header above ours, and the sender's failing ones below."""
    report = _reported()
    raw = reply_bytes(
        report.tracking_number,
        ours=("filter.internal.example; spamd=pass", PASS),
        senders=(f"{AUTHSERV_ID}; dmarc=fail header.from=contoh.co.id",),
    )
    record = mail_receive(raw)
    assert record.outcome == InboundMail.Outcome.REPLY


def test_a_new_mail_needs_no_proof() -> None:
    """A new report speaks only for itself; it is verified like every other."""
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    assert (record.outcome, record.proof) == (InboundMail.Outcome.REPORT, "none")


def test_the_demo_setting_trusts_mail_without_a_verdict_only(settings: Any) -> None:
    settings.EMAIL_TRUST_UNAUTHENTICATED = True
    report = _reported()
    first = mail_receive(reply_bytes(report.tracking_number))
    assert (first.outcome, first.proof) == (InboundMail.Outcome.REPLY, "trusted")
    failed = reply_bytes(report.tracking_number, ours=(f"{AUTHSERV_ID}; dmarc=fail",))
    failed = failed.replace(b"reply.0002@", b"reply.0003@")
    second = mail_receive(failed)
    assert (second.outcome, second.proof) == (InboundMail.Outcome.UNPROVEN, "failed")


def test_without_a_configured_server_no_reply_is_proven(settings: Any) -> None:
    settings.EMAIL_AUTHSERV_IDS = []
    report = _reported()
    record = mail_receive(reply_bytes(report.tracking_number, ours=(PASS,)))
    assert (record.outcome, record.proof) == (InboundMail.Outcome.UNPROVEN, "none")


def test_the_answer_is_in_english_for_an_english_speaking_reporter(cast: Cast) -> None:
    user = cast.reporter.user
    assert user is not None
    user.language = "en"
    user.save(update_fields=["language"])
    ChannelIdentity.objects.create(
        reporter=cast.reporter, kind="email", value=SITI, value_hash=lookup_hash("email", SITI)
    )
    report = _reported()
    assert report.reporter_id == cast.reporter.pk
    mail_receive(reply_bytes(report.tracking_number))
    answer = Message.objects.get(purpose="mail_unproven")
    assert answer.language == "en"
    assert answer.subject.startswith("Your e-mail was not added to report ")
    assert "could not confirm that it was really sent from your address" in answer.body
