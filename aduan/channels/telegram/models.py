from django.db import models

from aduan.lib.crypto import EncryptedTextField


class InboundTelegram(models.Model):
    """One update the bot received, by webhook or by polling: enough to know it
    again when it comes twice (one effect, one answer — the webhook and a poller
    may both deliver it, and Telegram retries a webhook call that failed), to count
    a person's messages against the flood limit, and to audit what was answered.
    The words live in the report or conversation they reached."""

    class Outcome(models.TextChoices):
        REPORT = "report"
        STATUS = "status"
        REPLY = "reply"
        HELP = "help"  # help, and linking the chat to a web account (/start <code>)
        STEP = "step"  # a step of a report being written (intake/conversation.py)
        CANCELLED = "cancelled"
        REFUSED = "refused"
        LIMITED = "limited"
        IGNORED = "ignored"  # a group's message, a sticker, an edit, …: recorded only

    # Telegram's id of the update (not of the message: a button press has none).
    update_id = models.BigIntegerField(unique=True)
    # "text", "command", "photo", "document", "location", "callback", "link", or
    # the parser's kind for one ignored ("ignored", "edited").
    kind = models.CharField(max_length=16)
    # The sender's keyed hash ("" when the update named no sender, as a channel
    # post does not).
    sender_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # Why it was ignored (the parser's reason), "" otherwise.
    detail = models.CharField(max_length=32, blank=True)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.OneToOneField(
        "outbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What we answered, as sent (for the citizen's data export).
    answer_text = EncryptedTextField(blank=True)

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
