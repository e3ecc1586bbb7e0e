"""The outbox's way out by WhatsApp (Cloud API). Inside the 24-hour
customer-service window — the citizen wrote to us within the last 24 hours — a
message goes as free text, with reply buttons when it offers choices (at most
three); outside it, WhatsApp accepts only an approved template, so the message
travels as the one parameter of ``WHATSAPP_TEMPLATE`` in the citizen's language
(or the first approved one)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from aduan.channels.whatsapp.api import (
    BUTTON_TITLE_MAX,
    BUTTONS_MAX,
    WhatsAppApiError,
    send_buttons,
    send_template,
    send_text,
)
from aduan.channels.whatsapp.models import InboundWhatsApp
from aduan.outbox.models import Message
from aduan.outbox.services import recipient_hashes
from aduan.outbox.transports import TransportError

WINDOW = timedelta(hours=24)
# A template's parameter: no line breaks, no runs of spaces, and a bounded length.
_PARAMETER_MAX = 1000


class WhatsAppTransport:
    def send(self, message: Message) -> str:
        to = message.recipient.removeprefix("+")
        try:
            if not _window_open(message):
                return send_template(
                    to,
                    name=settings.WHATSAPP_TEMPLATE,
                    language=_language(message.language),
                    parameters=[_parameter(message.body)],
                )
            buttons = [(str(choice), str(label)) for choice, label in message.choices][:BUTTONS_MAX]
            if buttons:
                fitted = [(choice, label[:BUTTON_TITLE_MAX]) for choice, label in buttons]
                return send_buttons(to, message.body[:1024], fitted)
            return send_text(to, message.body)
        except WhatsAppApiError as error:
            raise TransportError(str(error), permanent=error.permanent) from None


def _window_open(message: Message) -> bool:
    """Whether the recipient wrote to us within the last 24 hours."""
    since = timezone.now() - WINDOW
    # By the number itself: while a data key is rotated, the message and the
    # recipient's last words may carry its hash under different keys.
    hashes = recipient_hashes(channel=message.channel, recipient=message.recipient)
    return InboundWhatsApp.objects.filter(sender_hash__in=hashes, received_at__gt=since).exists()


def _language(language: str) -> str:
    approved = settings.WHATSAPP_TEMPLATE_LANGUAGES
    return language if language in approved else approved[0]


def _parameter(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= _PARAMETER_MAX else flat[: _PARAMETER_MAX - 1] + "…"
