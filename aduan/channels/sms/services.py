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
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

from aduan.channels.sms.models import InboundSms
from aduan.intake.messages import Inbound, Received
from aduan.intake.receive import Door, intake_receive
from aduan.lib import crypto
from aduan.lib.contacts import normalize_phone
from aduan.lib.errors import InvalidInput
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Channel

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


class SmsDoor(Door):
    """SMS 1708 at the one intake: the answer goes back in the gateway's HTTP
    response, and its outbox row is written already sent."""

    channel = Channel.SMS
    identity = ChannelIdentity.Kind.PHONE
    rate = "sms"
    model = InboundSms
    polite_limit = True

    def address(self) -> str:
        return str(settings.SMS_SHORTCODE)

    def keys(self, message: Inbound) -> Q | None:
        """By the gateway's id for the SMS, or by the fingerprint of sender, SMSC
        time and text (an operator's re-delivery gets a new gateway id)."""
        keys = Q()
        if message.external_id:
            keys |= Q(gateway_id=message.external_id)
        if message.fingerprint:
            keys |= Q(fingerprint=message.fingerprint)
        return keys or None

    def too_many(self, window: timedelta) -> str:
        minutes = max(1, int(window.total_seconds() // 60))
        return gettext(
            "Anda mengirim terlalu banyak SMS. Pesan berikutnya baru kami baca setelah "
            "%(minutes)s menit. Terima kasih atas pengertiannya."
        ) % {"minutes": minutes}

    def record(
        self, message: Inbound, received: Received, *, sender_hash: str, now: datetime
    ) -> models.Model:
        report = received.report
        record = InboundSms.objects.create(
            gateway_id=message.external_id,
            fingerprint=message.fingerprint,
            sender_hash=sender_hash,
            received_at=now,
            outcome=received.outcome,
            answer=received.answer,
            report=report,
        )
        if received.answer:
            # Every message out has its row, this one too (already on its way).
            message_send(
                channel=Message.Channel.SMS,
                recipient=message.sender,
                body=received.answer,
                purpose=f"sms_{received.outcome}",
                reporter_id=report.reporter_id if report is not None else None,
                report_id=report.pk if report is not None else None,
                now=now,
                replied=True,
            )
        return record


def sms_receive(sms: Sms, *, now: datetime | None = None) -> str:
    """Does what the SMS asks and returns the answer to send back ("" for none)."""
    try:
        phone = normalize_phone(sms.sender)
    except InvalidInput:
        # A sender that is no phone number (an operator's name): nobody to answer.
        logger.info("sms: ignored a message from a sender that is no phone number")
        return ""
    message = Inbound(
        channel=Channel.SMS,
        sender=phone,
        text=sms.text,
        external_id=sms.gateway_id[:64],
        fingerprint=_fingerprint(sms, crypto.lookup_hash(ChannelIdentity.Kind.PHONE, phone)),
    )
    receipt = intake_receive(message, door=SmsDoor(), now=now)
    assert receipt is not None  # an SMS is never words in a thread
    if receipt.again:
        logger.info("sms: the gateway handed over a message again")
    record = receipt.record
    assert isinstance(record, InboundSms)
    return record.answer


def _fingerprint(sms: Sms, sender_hash: str) -> str:
    if not sms.stamp:
        return ""
    return hashlib.sha256(f"{sender_hash}\n{sms.stamp}\n{sms.text}".encode()).hexdigest()
