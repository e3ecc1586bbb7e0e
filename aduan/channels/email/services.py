"""E-mail to the report address (DESIGN.md §6): a new mail becomes a report, a mail
whose subject carries ``[#<tracking no>]`` from the reporter's address is a reply
to that report. Whichever door the mail came through (our SMTP server or the polled
mailbox), it is handed here as raw bytes.

A reply continues a report only when its sender is proven (DESIGN.md §5): our mail
server found DMARC (or an aligned DKIM signature) passing (``authentication``).
Anyone can write someone else's address in ``From:``; an unproven reply leaves the
report it names untouched, becomes a new report of its own (verified by the
national admin like every new report), and the answer to the ``From:`` address says
why. The report it names is not even looked up, so the answer tells nothing of it.

The same mail delivered twice (a retrying relay, a mailbox polled twice) makes one
report and one answer: its Message-ID is the key. Mail written by machines (bounces,
out-of-office answers, list mail) is recorded and never answered, so two
auto-responders cannot loop; a bounce of one of our own mails also marks that
outbox message undeliverable (or held up, while a server still tries). Answers go
through the outbox, in the reporter's language; neither addresses nor texts are
ever logged."""

import logging
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from aduan.channels.email.authentication import Proof, sender_proof
from aduan.channels.email.models import InboundMail
from aduan.channels.email.parse import (
    Automatic,
    Bounce,
    Mail,
    RecipientStatus,
    mail_parse,
    strip_quoted,
    subject_title,
)
from aduan.intake.commands import Command, NewReport, Reply
from aduan.intake.messages import Handled, Inbound, Received
from aduan.intake.receive import Door, intake_once, intake_receive
from aduan.intake.services import Outcome as IntakeOutcome
from aduan.intake.services import Result, Sender, intake_reply, intake_report
from aduan.lib import crypto
from aduan.lib.contacts import normalize_email
from aduan.lib.errors import InvalidInput
from aduan.outbox.models import Message
from aduan.outbox.services import message_delivery_record, message_send
from aduan.reporters.models import ChannelIdentity
from aduan.reports.attachments import clean_upload
from aduan.reports.models import Channel, Report, State
from aduan.reports.notices import notice_text
from aduan.reports.services import TITLE_MAX, Upload
from aduan.reports.tracking import is_valid, tracking_number_display

logger = logging.getLogger("aduan.mail")

Outcome = InboundMail.Outcome


def mail_receive(
    raw: bytes, *, envelope_sender: str | None = None, now: datetime | None = None
) -> InboundMail:
    """Does what the mail asks and queues the answer; the record of the mail (the
    earlier one when it was delivered before)."""
    now = now or timezone.now()
    mail = mail_parse(raw, envelope_sender=envelope_sender, own_address=own_address())
    try:
        address = normalize_email(mail.address)
    except InvalidInput:
        address = ""
    proof = sender_proof(
        mail,
        authserv_ids=settings.EMAIL_AUTHSERV_IDS,
        trust_unauthenticated=settings.EMAIL_TRUST_UNAUTHENTICATED,
    )
    door = MailDoor(mail, proof=proof)
    if mail.number is None:
        command: Command = NewReport(mail.text)
    else:
        command = Reply(mail.number, strip_quoted(mail.text))
    message = Inbound(
        channel=Channel.EMAIL,
        sender=address,
        name=mail.name,
        text=mail.text,
        external_id=mail.message_id,
        command=command,
    )
    if mail.automatic != Automatic.NONE or not address:
        receipt = intake_once(message, door=door, write=lambda: door.unanswered(now=now))
        if receipt.again:
            logger.info("mail: the same mail arrived again")
    else:
        answered = intake_receive(message, door=door, now=now)
        assert answered is not None  # a mail is never words in a thread
        receipt = answered
        if receipt.again:
            logger.info("mail: the same mail arrived again")
    assert isinstance(receipt.record, InboundMail)
    return receipt.record


class MailDoor(Door):
    """E-mail at the one intake, one door per mail: whether a reply may reach the
    report it names depends on what our mail server proved of its sender."""

    channel = Channel.EMAIL
    identity = ChannelIdentity.Kind.EMAIL
    rate = "email"
    model = InboundMail

    def __init__(self, mail: Mail, *, proof: Proof) -> None:
        self.mail = mail
        self.proof = proof
        self.subject = ""
        self.answer_language = ""

    def address(self) -> str:
        return own_address()

    def keys(self, message: Inbound) -> Q | None:
        return Q(message_id=self.mail.message_id)

    def act(self, message: Inbound, command: Command, sender: Sender, now: datetime) -> Received:
        answer = _answered(self.mail, sender=sender, proof=self.proof, now=now)
        self.subject, self.answer_language = answer.subject, answer.language
        return Received(answer.outcome, answer.report, answer.body)

    def record(
        self, message: Inbound, received: Received, *, sender_hash: str, now: datetime
    ) -> models.Model:
        record = self._record(sender_hash=sender_hash, now=now)
        if received.outcome == Handled.LIMITED:
            # A flood (or a loop with a machine that escaped the checks): recorded, and
            # neither a report nor an answer until the window moves.
            logger.info("mail: a sender over the flood limit, recorded and not answered")
            record.outcome = Outcome.LIMITED
            record.save(force_insert=True)
            return record
        report = received.report
        record.outcome, record.report, record.answer = received.outcome, report, received.answer
        # Written before the answer is queued: the unique Message-ID refuses a mail
        # recorded meanwhile by another delivery, and nothing is sent twice.
        record.save(force_insert=True)
        message_send(
            channel=Message.Channel.EMAIL,
            recipient=message.sender,
            subject=self.subject,
            body=received.answer,
            purpose=f"mail_{received.outcome}",
            language=self.answer_language,
            reporter_id=report.reporter_id if report is not None else None,
            report_id=report.pk if report is not None else None,
            now=now,
        )
        return record

    def unanswered(self, *, now: datetime) -> InboundMail:
        """A mail nobody answers: a machine's, or one without a sender address."""
        mail = self.mail
        try:
            address = normalize_email(mail.address)
        except InvalidInput:
            address = ""
        sender_hash = crypto.lookup_hash(self.identity, address) if address else ""
        record = self._record(sender_hash=sender_hash, now=now)
        if mail.automatic != Automatic.NONE:
            logger.info("mail: recorded a machine's mail (%s), not answered", mail.automatic)
            record.outcome, record.automatic = Outcome.AUTOMATIC, mail.automatic
        else:
            logger.info("mail: ignored a mail without a usable sender address")
            record.outcome = Outcome.IGNORED
        record.save(force_insert=True)
        if mail.bounce is not None:
            # After the record, in its transaction: a bounce delivered twice at once is
            # refused by its Message-ID, and what it did to the outbox rolls back.
            _outbox_bounced(mail.bounce, now=now)
        return record

    def _record(self, *, sender_hash: str, now: datetime) -> InboundMail:
        return InboundMail(
            message_id=self.mail.message_id,
            sender_hash=sender_hash,
            received_at=now,
            automatic="",
            proof=self.proof,
        )


def own_address() -> str:
    """Our sending address, without its display name."""
    return parseaddr(settings.EMAIL_FROM)[1]


def _outbox_bounced(bounce: Bounce, *, now: datetime) -> None:
    """Records on our own mails what the bounce reports of them. Only e-mail rows
    whose Message-ID (kept with its <> as the external id) the bounce names; a
    report arriving after a final one changes nothing (message_delivery_record)."""
    outcome = _bounce_outcome(bounce)
    if outcome is None or not bounce.original_ids:
        return
    delivery, detail = outcome
    returned = Message.objects.filter(
        channel=Message.Channel.EMAIL,
        external_id__in=[f"<{message_id}>" for message_id in bounce.original_ids],
    )
    for pk in returned.values_list("pk", flat=True):
        if message_delivery_record(message_id=pk, delivery=delivery, detail=detail, now=now):
            logger.info("mail: a bounce marked outbox message %s %s", pk, delivery)


def _bounce_outcome(bounce: Bounce) -> tuple[str, str] | None:
    """What became of the returned mail, and the server's words for it: undeliverable
    when a recipient failed for good (Action failed, or a 5.x.x status), held up
    ("buffered") while a server still tries (Action delayed, or a bare 4.x.x
    status), None when the report says it was delivered, relayed or expanded. A
    daemon's bounce without a readable report is a failure: that is what such
    mail says."""
    if not bounce.recipients:
        return Message.Delivery.UNDELIVERABLE, "bounced"
    for recipient in bounce.recipients:
        if recipient.action == "failed" or recipient.status.startswith("5."):
            return Message.Delivery.UNDELIVERABLE, _bounce_detail(recipient)
    for recipient in bounce.recipients:
        if recipient.action == "delayed" or (
            not recipient.action and recipient.status.startswith("4.")
        ):
            return Message.Delivery.BUFFERED, _bounce_detail(recipient)
    return None


def _bounce_detail(recipient: RecipientStatus) -> str:
    """The status and the server's words ("5.1.1 smtp; 550 5.1.1 User unknown")."""
    return f"{recipient.status} {recipient.diagnostic}".strip() or recipient.action


@dataclass(frozen=True, slots=True)
class _Answer:
    outcome: str
    report: Report | None
    language: str
    subject: str
    body: str


def _language(sender: Sender) -> str:
    user = sender.reporter.user
    return user.language if user is not None and user.language else settings.LANGUAGE_CODE


def _answered(mail: Mail, *, sender: Sender, proof: Proof, now: datetime) -> _Answer:
    """What the mail asks for, done, and the answer to it in the sender's language."""
    files, skipped = _files(mail)
    language = _language(sender)
    with translation.override(language):
        if mail.number is not None and not proof.proven:
            # Not looked up: nothing of that report is touched, or told.
            logger.info("mail: a reply whose sender is not proven (%s): a new report", proof)
            outcome = _new_report(
                mail, sender=sender, text=strip_quoted(mail.text), files=files, now=now
            )
            kind, subject, body = _unproven_text(outcome, number=mail.number, now=now)
        elif mail.number is None:
            outcome = _new_report(mail, sender=sender, text=mail.text, files=files, now=now)
            kind, subject, body = _answer_text(outcome, number="", now=now)
        else:
            number = mail.number
            if is_valid(number):
                outcome = intake_reply(
                    sender=sender,
                    number=number,
                    text=strip_quoted(mail.text),
                    channel=Channel.EMAIL,
                    files=files,
                    now=now,
                )
            else:
                outcome = IntakeOutcome(Result.NOT_FOUND)
            kind, subject, body = _answer_text(outcome, number=number, now=now)
        if skipped and outcome.result in (Result.REPORT, Result.REPLY):
            body += "\n\n" + gettext("Lampiran berikut tidak kami simpan:") + "\n"
            body += "\n".join(f"- {line}" for line in skipped)
    return _Answer(kind, outcome.report, language, subject, body)


def _new_report(
    mail: Mail, *, sender: Sender, text: str, files: list[Upload], now: datetime
) -> IntakeOutcome:
    """A report of the mail's own: its subject the title, its words (or the title)
    the text."""
    title = subject_title(mail.subject)[:TITLE_MAX].strip()
    return intake_report(
        sender=sender,
        text=text or title,
        channel=Channel.EMAIL,
        title=title,
        files=files,
        acknowledged=True,
        now=now,
    )


def _files(mail: Mail) -> tuple[list[Upload], list[str]]:
    """The attachments a report may keep, and a line for each one left out (why).
    Checked here like a web upload is, so one unsupported file (a signature logo
    in an odd format, a .docx) does not cost the citizen their whole report."""
    kept: list[Upload] = []
    skipped: list[str] = []
    for number, attachment in enumerate(mail.attachments, 1):
        name = attachment.name[:60] or gettext("lampiran %(number)s") % {"number": number}
        if len(kept) >= settings.UPLOAD_MAX_FILES:
            skipped.append(
                gettext("%(name)s: paling banyak %(count)s berkas.")
                % {"name": name, "count": settings.UPLOAD_MAX_FILES}
            )
            continue
        try:
            clean_upload(attachment.data)
        except InvalidInput as error:
            skipped.append(f"{name}: {error.message}")
            continue
        kept.append(Upload(name=name, data=attachment.data))
    return kept, skipped


def _answer_text(outcome: IntakeOutcome, *, number: str, now: datetime) -> tuple[str, str, str]:
    """The outcome to record, and the answer's subject and text."""
    report = outcome.report
    if outcome.result == Result.REPORT and report is not None:
        display = tracking_number_display(report.tracking_number)
        subject = gettext("Laporan %(number)s diterima") % {"number": display}
        body = notice_text("receipt", short=False, report=report, now=now)
        body += "\n\n" + _how_to_reply(display)
        return Outcome.REPORT, subject, body
    if outcome.result == Result.REPLY and report is not None:
        display = tracking_number_display(report.tracking_number)
        subject = gettext("Balasan untuk laporan %(number)s diterima") % {"number": display}
        body = gettext(
            "Balasan Anda untuk laporan %(number)s sudah kami teruskan. Terima kasih."
        ) % {"number": display}
        return Outcome.REPLY, subject, body
    if outcome.result == Result.CLOSED and report is not None:
        display = tracking_number_display(report.tracking_number)
        subject = gettext("Laporan %(number)s sudah ditutup") % {"number": display}
        body = gettext(
            "Laporan %(number)s sudah %(state)s dan tidak menerima balasan lagi. Untuk hal "
            "baru, kirim surel baru tanpa nomor laporan di subjeknya."
        ) % {"number": display, "state": State(report.state).label.lower()}
        return Outcome.CLOSED, subject, body
    if outcome.result == Result.NOT_FOUND:
        display = tracking_number_display(number) if len(number) == 10 else number
        subject = gettext("Laporan %(number)s tidak ditemukan") % {"number": display}
        body = gettext(
            "Laporan %(number)s tidak ditemukan untuk alamat surel ini. Periksa nomor "
            "laporan di subjek surel, atau kirim surel baru tanpa nomor laporan untuk "
            "membuat laporan baru."
        ) % {"number": display}
        return Outcome.NOT_FOUND, subject, body
    subject = gettext("Surel Anda belum dapat kami proses")
    body = gettext("Surel Anda belum dapat kami proses: %(error)s") % {"error": outcome.error}
    return Outcome.REFUSED, subject, body


def _how_to_reply(display: str) -> str:
    return gettext(
        "Untuk menambah keterangan, balas surel ini tanpa mengubah nomor [#%(number)s] "
        "di subjeknya."
    ) % {"number": display}


def _unproven_text(outcome: IntakeOutcome, *, number: str, now: datetime) -> tuple[str, str, str]:
    """The answer to a reply whose sender is not proven: why it did not reach the
    report it names (the number as the mail wrote it, nothing read from that
    report), what became of it, and how to reach that report instead."""
    display = tracking_number_display(number) if len(number) == 10 else number
    subject = gettext("Surel Anda tidak kami tambahkan ke laporan %(number)s") % {"number": display}
    body = gettext(
        "Surel Anda menyebut laporan %(number)s, tetapi kami tidak dapat memastikan "
        "bahwa surel itu benar dikirim dari alamat Anda: pemeriksaan keaslian pengirim "
        "(DMARC/DKIM) oleh server surel kami tidak lolos. Karena itu isinya tidak kami "
        "tambahkan ke laporan tersebut."
    ) % {"number": display}
    report = outcome.report
    if outcome.result == Result.REPORT and report is not None:
        new = tracking_number_display(report.tracking_number)
        body += "\n\n" + gettext(
            "Isinya kami catat sebagai laporan baru %(new)s, yang akan diperiksa petugas."
        ) % {"new": new}
        body += "\n\n" + notice_text("receipt", short=False, report=report, now=now)
    elif outcome.error:
        body += "\n\n" + gettext("Surel Anda belum dapat kami proses: %(error)s") % {
            "error": outcome.error
        }
    body += "\n\n" + gettext(
        "Untuk menambah keterangan pada laporan %(number)s, masuk di %(url)s (atau daftar "
        "dengan alamat surel ini), atau kirim balasan dari layanan surel yang menandatangani "
        "surelnya (DKIM)."
    ) % {"number": display, "url": f"{settings.SITE_URL}{reverse('web:login')}"}
    return Outcome.UNPROVEN, subject, body
