"""How a message leaves, one transport per channel, chosen by
``settings.OUTBOX_TRANSPORTS`` (channel → dotted path of a class). A transport
sends one message or raises; the outbox records the outcome."""

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from aduan.core.channels import channel_call, channel_spec
from aduan.outbox.models import Message

logger = logging.getLogger("aduan.outbox")


class TransportError(Exception):
    """The channel refused or could not take the message; the text says why. A
    permanent error (a number the gateway refuses) is not tried again; any other
    is, later."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, message: Message) -> str:
        """Delivers the message; returns the gateway's id for it ("" if none)."""
        ...


class ConsoleTransport:
    """For development and the demo: the message is written to the log (WARNING, so
    `make run`'s console shows it, one-time codes included) instead of being sent."""

    def send(self, message: Message) -> str:
        if not settings.DEMO_MODE:
            # A production log must not hold phone numbers, addresses or codes.
            raise TransportError("the console transport only delivers in demo mode", permanent=True)
        subject = message.subject
        spec = channel_spec(message.channel)
        if spec is not None and spec.subject:
            # The subject as the channel would carry it (an e-mail's [#number] tag): a
            # reply written from the log must find the report as a real one would.
            subject = channel_call(spec.subject, message)
        subject = f" [{subject}]" if subject else ""
        logger.warning(
            "outbox → %s %s:%s %s", message.channel, message.recipient, subject, message.body
        )
        return ""


class InAppTransport:
    """Notices to staff in the back office: the row is the notice, read on the staff
    member's page of notices; delivering it is only marking it so."""

    def send(self, message: Message) -> str:
        return ""


@cache
def _transport(path: str) -> Transport:
    transport: Transport = import_string(path)()
    return transport


def transport_for(channel: str) -> Transport:
    try:
        path = settings.OUTBOX_TRANSPORTS[channel]
    except KeyError:
        raise TransportError(f"no transport for channel {channel!r}") from None
    return _transport(path)
