from django.db import models

from aduan.intake.models import ChatRecord


class InboundWhatsApp(ChatRecord):
    """One WhatsApp message to the service number, as the webhook delivered it
    (``ChatRecord``); the transport also reads from these whether the 24-hour
    customer-service window is open."""

    # WhatsApp's id of the message (wamid.…).
    message_id = models.CharField(max_length=256, unique=True)

    class Meta:
        verbose_name = "inbound WhatsApp message"
        indexes = [models.Index(fields=["sender_hash", "received_at"], name="whatsapp_sender_time")]

    def __str__(self) -> str:
        return f"WhatsApp {self.pk} ({self.outcome})"
