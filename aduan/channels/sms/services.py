"""SMS 1708 (DESIGN.md §6): what an SMS asks for is done, and the answer goes back
in the gateway's HTTP response, which the gateway sends as the reply SMS at once.
Everything later (follow-ups, reminders) leaves through the outbox.

The same SMS handed over twice makes one report and gets the same answer; a number
over its flood limit gets one polite answer, then silence. Answers are in
Indonesian and short: they go to any phone."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from aduan.channels.sms.models import InboundSms
from aduan.intake.answers import answer_outcome, answer_text, help_text
from aduan.intake.commands import Help, NewReport, Reply, StatusQuery, command_parse
from aduan.intake.services import Outcome as IntakeOutcome
from aduan.intake.services import (
    Result,
    intake_reply,
    intake_report,
    intake_sender,
    intake_status,
)
from aduan.lib import crypto
from aduan.lib.contacts import normalize_phone
from aduan.lib.errors import InvalidInput
from aduan.lib.ratelimit import rate_window
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Channel, Report

logger = logging.getLogger("aduan.sms")

Outcome = InboundSms.Outcome


@dataclass(frozen=True, slots=True)
class Sms:
    """An SMS as the gateway hands it over: its id for the message and the SMSC's
    time stamp, when it gives them, tell a re-delivery from a new message."""

    sender: str
    text: str
    gateway_id: str = ""
    stamp: str = ""


def sms_receive(sms: Sms, *, now: datetime | None = None) -> str:
    """Does what the SMS asks and returns the answer to send back ("" for none)."""
    now = now or timezone.now()
    try:
        phone = normalize_phone(sms.sender)
    except InvalidInput:
        # A sender that is no phone number (an operator's name): nobody to answer.
        logger.info("sms: ignored a message from a sender that is no phone number")
        return ""
    sender_hash = crypto.lookup_hash(ChannelIdentity.Kind.PHONE, phone)
    seen = _Seen(gateway_id=sms.gateway_id[:64], fingerprint=_fingerprint(sms, sender_hash))
    earlier = seen.answer()
    if earlier is not None:
        logger.info("sms: the gateway handed over a message again")
        return earlier
    try:
        with transaction.atomic():
            outcome, answer, report = _answer(sms, phone=phone, sender_hash=sender_hash, now=now)
            # Written last, in one go: the unique keys refuse the same SMS handled
            # meanwhile by another request, and everything this one did rolls back.
            InboundSms.objects.create(
                gateway_id=seen.gateway_id,
                fingerprint=seen.fingerprint,
                sender_hash=sender_hash,
                received_at=now,
                outcome=outcome,
                answer=answer,
                report=report,
            )
            if answer:
                # Every message out has its row, this one too (already on its way).
                message_send(
                    channel=Message.Channel.SMS,
                    recipient=phone,
                    body=answer,
                    purpose=f"sms_{outcome}",
                    reporter_id=report.reporter_id if report is not None else None,
                    report_id=report.pk if report is not None else None,
                    now=now,
                    replied=True,
                )
            return answer
    except IntegrityError:
        earlier = seen.answer()
        if earlier is None:
            raise
        logger.info("sms: the gateway handed over a message twice at once")
        return earlier


@dataclass(frozen=True, slots=True)
class _Seen:
    """How an SMS handed over again is known: by the gateway's id for it, or by the
    fingerprint of sender, SMSC time and text (an operator's re-delivery gets a new
    gateway id)."""

    gateway_id: str
    fingerprint: str

    def answer(self) -> str | None:
        """The answer the SMS got the first time, or None if it is new."""
        keys = Q()
        if self.gateway_id:
            keys |= Q(gateway_id=self.gateway_id)
        if self.fingerprint:
            keys |= Q(fingerprint=self.fingerprint)
        if not keys:
            return None
        # Any match is the same SMS. (No ORDER BY: with one, PostgreSQL walks the
        # primary key instead of the two unique indexes, through every row.)
        answers = InboundSms.objects.filter(keys).values_list("answer", flat=True)[:1]
        return next(iter(answers), None)


def _fingerprint(sms: Sms, sender_hash: str) -> str:
    if not sms.stamp:
        return ""
    return hashlib.sha256(f"{sender_hash}\n{sms.stamp}\n{sms.text}".encode()).hexdigest()


def _answer(
    sms: Sms, *, phone: str, sender_hash: str, now: datetime
) -> tuple[str, str, Report | None]:
    """What the message asks for, done: the outcome, the answer and the report."""
    allowed, window = rate_window("sms")
    # This one and those before it in the window.
    sent = (
        1 + InboundSms.objects.filter(sender_hash=sender_hash, received_at__gt=now - window).count()
    )
    with translation.override("id"):
        if sent > allowed:
            # Over the limit: one polite answer, then silence until the window moves.
            answer = _too_many(window) if sent == allowed + 1 else ""
            return Outcome.LIMITED, answer, None
        command = command_parse(sms.text)
        if isinstance(command, Help):
            return Outcome.HELP, help_text(command.trouble, to=settings.SMS_SHORTCODE), None
        sender = intake_sender(kind=ChannelIdentity.Kind.PHONE, value=phone)
        if isinstance(command, NewReport):
            outcome = intake_report(
                sender=sender, text=command.text, channel=Channel.SMS, acknowledged=True, now=now
            )
        elif isinstance(command, StatusQuery):
            outcome = intake_status(sender=sender, number=command.number)
        else:
            outcome = intake_reply(
                sender=sender,
                number=command.number,
                text=command.text,
                channel=Channel.SMS,
                now=now,
            )
        number = command.number if isinstance(command, StatusQuery | Reply) else ""
        return _answered(outcome, number=number, now=now)


def _answered(
    outcome: IntakeOutcome, *, number: str, now: datetime
) -> tuple[str, str, Report | None]:
    """The SMS answer to what the intake did: the outcome, its text, the report."""
    answer = answer_text(outcome, number=number, to=settings.SMS_SHORTCODE, now=now)
    report = outcome.report if outcome.result != Result.NOT_FOUND else None
    return answer_outcome(outcome), answer, report


def _too_many(window: timedelta) -> str:
    minutes = max(1, int(window.total_seconds() // 60))
    return gettext(
        "Anda mengirim terlalu banyak SMS. Pesan berikutnya baru kami baca setelah "
        "%(minutes)s menit. Terima kasih atas pengertiannya."
    ) % {"minutes": minutes}
