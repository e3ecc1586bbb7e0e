from django.db import models
from django.db.models import Q

from aduan.lib.crypto import EncryptedTextField, KeyedHash


class InboundSms(models.Model):
    """One SMS to 1708 as the gateway handed it over: enough to know it again when
    the gateway hands it over twice (one report, the same answer), to count a
    number's messages against the flood limit, and to audit what was answered. The
    text itself is not kept here: it lives in the report or event it became."""

    class Outcome(models.TextChoices):
        REPORT = "report"
        STATUS = "status"
        REPLY = "reply"
        HELP = "help"
        REFUSED = "refused"  # understood, but not possible (an unknown number, say)
        LIMITED = "limited"  # over the number's flood limit

    # Kannel's id of the message (%I), and a fingerprint of sender, SMSC time and text:
    # either one seen before means the same SMS again.
    gateway_id = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    sender_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What went back in the HTTP answer ("" for silence).
    answer = EncryptedTextField(blank=True)

    # For rotate_data_key (aduan/lib/crypto.py): the sender is recomputed through the
    # rows that keep the number in clear; the fingerprint cannot be (the SMSC time
    # and the text are not kept), and only matters for an operator's re-delivery.
    keyed_hashes = (KeyedHash("sender_hash", elsewhere=True), KeyedHash("fingerprint"))

    class Meta:
        verbose_name = "inbound SMS"
        constraints = [
            models.UniqueConstraint(
                fields=["gateway_id"], name="sms_gateway_id", condition=~Q(gateway_id="")
            ),
            models.UniqueConstraint(
                fields=["fingerprint"],
                name="sms_fingerprint",
                condition=~Q(fingerprint=""),
            ),
        ]
        indexes = [models.Index(fields=["sender_hash", "received_at"], name="sms_sender_time")]

    def __str__(self) -> str:
        return f"SMS {self.pk} ({self.outcome})"
