from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.lib.crypto import EncryptedTextField, KeyedHash


class Reporter(models.Model):
    """A citizen who reports: with an account, or known only by the channel identity
    a report came from (a phone number, an e-mail address, an X handle), which can
    be linked to an account later. Personal data is encrypted at rest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reporter",
    )
    name = EncryptedTextField(blank=True)
    nik = EncryptedTextField(blank=True)
    # Keyed hash of the NIK (the national identity number) to find a reporter by it.
    nik_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the reporter asked to be forgotten (UU PDP): identity erased, reports kept.
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Reporter {self.pk}"


class ChannelIdentity(models.Model):
    """How a reporter can be reached and recognised on one channel."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Telepon")
        EMAIL = "email", _("Surel")
        X = "x", "X"
        TELEGRAM = "telegram", "Telegram"

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = EncryptedTextField()
    value_hash = models.CharField(max_length=64)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # What rotate_data_key recomputes under a new data key (aduan/lib/crypto.py).
    keyed_hashes = (KeyedHash("value_hash", of="value", kind="kind"),)

    class Meta:
        verbose_name_plural = "channel identities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_hash"], name="identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} identity of reporter {self.reporter_id}"
