from django.db import models

from aduan.intake.models import ChatRecord


class InboundTelegram(ChatRecord):
    """One update the bot received, by webhook or by polling (``ChatRecord``): the
    webhook and a poller may both deliver it, and Telegram retries a webhook call
    that failed. ``kind`` is "text", "command", "photo", "document", "location",
    "callback", "link", or "ignored" / "edited" for one not acted on."""

    # Telegram's id of the update (not of the message: a button press has none).
    update_id = models.BigIntegerField(unique=True)

    class Meta:
        verbose_name = "inbound Telegram update"
        indexes = [models.Index(fields=["sender_hash", "received_at"], name="telegram_sender_time")]

    def __str__(self) -> str:
        return f"Telegram {self.pk} ({self.outcome})"


class PollOffset(models.Model):
    """How far ``poll_telegram`` got: the ``offset`` of its next ``getUpdates`` call
    (one more than the last update handled), so a restarted poller goes on from
    there. One row per bot (by the public id before the token's colon): another
    bot's update ids are another sequence."""

    bot_id = models.CharField(max_length=20, unique=True)
    offset = models.BigIntegerField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"bot {self.bot_id} from update {self.offset}"
