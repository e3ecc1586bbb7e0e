from django.db import models

from aduan.lib.crypto import EncryptedTextField


class InboundWhatsApp(models.Model):
    """One WhatsApp message to the service number, as the webhook delivered it:
    enough to know it again when Meta delivers it twice (one effect, one answer),
    to count a number's messages against the flood limit, to tell whether the
    24-hour customer-service window is open (the transport), and to audit what was
    answered. The words live in the report or conversation they reached."""

    class Outcome(models.TextChoices):
        REPORT = "report"
        STATUS = "status"
        REPLY = "reply"
        HELP = "help"
        STEP = "step"  # a step of a report being written (intake/conversation.py)
        CANCELLED = "cancelled"
        REFUSED = "refused"
        LIMITED = "limited"
        IGNORED = "ignored"  # a sticker, a reaction, a group's message, …: recorded only

    # WhatsApp's id of the message (wamid.…).
    message_id = models.CharField(max_length=256, unique=True)
    kind = models.CharField(max_length=16)
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
        verbose_name = "inbound WhatsApp message"
        indexes = [models.Index(fields=["sender_hash", "received_at"], name="whatsapp_sender_time")]

    def __str__(self) -> str:
        return f"WhatsApp {self.pk} ({self.outcome})"
