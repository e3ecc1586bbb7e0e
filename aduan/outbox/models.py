from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aduan.lib.crypto import EncryptedTextField, KeyedHash

# The identity kind whose keyed hash a channel's recipient shares, so a reporter's
# messages are found by the hashes of their channel identities.
RECIPIENT_KIND = {
    "sms": "phone",
    "whatsapp": "phone",
    "email": "email",
    "x": "x",
    "telegram": "telegram",
    "web": "web",
}


def recipient_kind(channel: str) -> str:
    return RECIPIENT_KIND[channel]


class Message(models.Model):
    """One message out of the system, whatever its channel (DESIGN.md §6): written in
    the sender's transaction, delivered afterwards by a task through the channel's
    transport. The recipient and the text are personal data, so both are encrypted;
    ``recipient_hash`` finds a person's messages without decrypting every row.

    ``attempts`` / ``next_attempt_at`` / ``last_error`` are what retries with
    back-off and sweeps will work from: a pending message is due when
    ``next_attempt_at`` has passed."""

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", _("Surel")
        X = "x", "X"
        WHATSAPP = "whatsapp", "WhatsApp"
        TELEGRAM = "telegram", "Telegram"
        WEB = "web", _("Situs web")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = EncryptedTextField()
    recipient_hash = models.CharField(max_length=64, db_index=True)
    # Who it is for, when known: a person's messages are part of their data export.
    reporter = models.ForeignKey(
        "reporters.Reporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    # What the message is for ("otp", "acknowledgement", "follow_up", ...).
    purpose = models.CharField(max_length=32)
    language = models.CharField(max_length=8, default="id")
    subject = models.CharField(max_length=200, blank=True)
    body = EncryptedTextField()
    # The choices a chat channel offers with it, as buttons: [[id, label], …].
    choices = models.JSONField(default=list, blank=True)

    class Delivery(models.TextChoices):
        # In the order they may follow one another: a later report never goes back.
        ACCEPTED = "accepted", _("Diterima operator")
        BUFFERED = "buffered", _("Tertahan di operator")
        DELIVERED = "delivered", _("Sampai")
        REJECTED = "rejected", _("Ditolak operator")
        UNDELIVERABLE = "undeliverable", _("Tidak sampai")
        READ = "read", _("Dibaca")  # a chat app's read receipt (WhatsApp)

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # The gateway's id for the message, to match its delivery reports later.
    external_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the gateway later reported of the message (an SMS delivery report).
    delivery = models.CharField(max_length=16, choices=Delivery.choices, blank=True)
    delivery_detail = models.CharField(max_length=200, blank=True)
    delivery_at = models.DateTimeField(null=True, blank=True)
    # The request that queued it (aduan/lib/requestid.py): the worker's log lines
    # about this message carry it.
    request_id = models.CharField(max_length=64, blank=True)

    # What rotate_data_key recomputes under a new data key (aduan/lib/crypto.py).
    keyed_hashes = (
        KeyedHash("recipient_hash", of="recipient", kind="channel", kinds=recipient_kind),
    )

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = pgettext_lazy("jamak", "pesan keluar")
        indexes = [
            # A sweep finds due messages by this alone.
            models.Index(
                fields=["next_attempt_at"],
                name="message_due",
                condition=Q(status="pending"),
            ),
            # What the gateway's id leads back to: an X reply in a thread of ours,
            # a bounce of one of our mails.
            models.Index(
                fields=["external_id"],
                name="message_external",
                condition=~Q(external_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} message {self.pk} ({self.purpose}, {self.status})"
