"""WhatsApp (DESIGN.md §6): every message to the service number goes through the one
intake as a chat — a report written one question at a time with buttons, or at
once when the message says everything; ``CEK``/``BALAS``/``BANTUAN`` as by SMS.
The number is the sender's phone identity (E.164), the same as for SMS 1708: one
citizen, one reporter, whichever of the two they use.

Meta delivers a webhook at least once: a message delivered again has one effect.
Answers leave through the outbox (the transport chooses free text inside the
24-hour customer-service window, an approved template outside it); photos and
documents are fetched by the worker. Statuses of our own messages (sent,
delivered, read, failed) are recorded on their outbox rows."""

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from aduan.channels.whatsapp.api import WhatsAppApiError, media_download
from aduan.channels.whatsapp.models import InboundWhatsApp
from aduan.channels.whatsapp.parse import (
    DeliveryStatus,
    Ignored,
    InboundMessage,
    MessageKind,
    StatusUpdate,
)
from aduan.intake.chat import ChatDoor
from aduan.intake.files import FileUnavailable
from aduan.intake.messages import Inbound, Place
from aduan.intake.receive import Receipt, intake_receive
from aduan.lib.contacts import normalize_phone
from aduan.lib.errors import InvalidInput
from aduan.outbox.models import Message
from aduan.outbox.services import message_delivery_record
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Channel

logger = logging.getLogger("aduan.whatsapp")


# What a status of one of our messages says, in the outbox's terms.
_DELIVERY = {
    DeliveryStatus.SENT: Message.Delivery.ACCEPTED,
    DeliveryStatus.DELIVERED: Message.Delivery.DELIVERED,
    DeliveryStatus.READ: Message.Delivery.READ,
    DeliveryStatus.FAILED: Message.Delivery.UNDELIVERABLE,
}


class WhatsAppDoor(ChatDoor):
    """WhatsApp at the one intake: a chat channel with buttons."""

    channel = Channel.WHATSAPP
    identity = ChannelIdentity.Kind.PHONE
    rate = "whatsapp"
    model = InboundWhatsApp
    key_field = "message_id"

    def address(self) -> str:
        return str(settings.WHATSAPP_NUMBER or "WhatsApp")


def whatsapp_receive(inbound: InboundMessage, *, now: datetime | None = None) -> Receipt | None:
    """Does what the message asks, once; its record (None when it is not for us)."""
    phone = _phone(inbound.sender)
    if phone is None or not _ours(inbound.phone_number_id):
        logger.info("whatsapp: ignored a message not for our number or from no number")
        return None
    place = None
    if inbound.location is not None:
        label = ", ".join(
            part for part in (inbound.location.name, inbound.location.address) if part
        )
        place = Place(inbound.location.latitude, inbound.location.longitude, label)
    message = Inbound(
        channel=Channel.WHATSAPP,
        sender=phone,
        name=inbound.sender_name,
        text="" if inbound.kind == MessageKind.INTERACTIVE else inbound.text,
        external_id=inbound.message_id,
        file_refs=(inbound.media_id,) if inbound.media_id else (),
        place=place,
        choice=inbound.choice,
    )
    receipt = intake_receive(message, door=WhatsAppDoor(inbound.kind), now=now)
    if receipt is not None and receipt.again:
        logger.info("whatsapp: a message was delivered again")
    return receipt


def whatsapp_ignored(ignored: Ignored, *, now: datetime | None = None) -> None:
    """Records what the channel does not read (a sticker, a reaction, …), once."""
    phone = _phone(ignored.sender)
    if not ignored.message_id or phone is None:
        logger.info("whatsapp: ignored %s without an id or a number", ignored.reason)
        return
    message = Inbound(channel=Channel.WHATSAPP, sender=phone, external_id=ignored.message_id)
    door = WhatsAppDoor("ignored")
    door.ignore(message, reason=ignored.reason, now=now or timezone.now())
    logger.info("whatsapp: recorded and ignored a message (%s)", ignored.reason)


def whatsapp_status(status: StatusUpdate, *, now: datetime | None = None) -> bool:
    """Records a status of one of our messages on its outbox row; False when no
    message of ours has that id."""
    pk = (
        Message.objects.filter(channel=Message.Channel.WHATSAPP, external_id=status.message_id)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        return False
    message_delivery_record(
        message_id=pk, delivery=_DELIVERY[status.status], detail=status.error[:200], now=now
    )
    return True


def media_fetch(ref: str) -> bytes:
    """A photo or document a citizen sent, from the Graph API (the worker's job)."""
    try:
        data, _mime = media_download(ref, max_bytes=settings.UPLOAD_MAX_BYTES)
    except WhatsAppApiError as error:
        raise FileUnavailable(str(error), permanent=error.permanent) from None
    return data


def _phone(wa_id: str) -> str | None:
    try:
        return normalize_phone(f"+{wa_id}")
    except InvalidInput:
        return None


def _ours(phone_number_id: str) -> bool:
    """A message to our number (a business account may have several numbers, each
    with its own webhook deliveries)."""
    configured = settings.WHATSAPP_PHONE_NUMBER_ID
    return not configured or phone_number_id == configured
