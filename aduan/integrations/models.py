"""What an agency's own complaint system uses to stay in sync with aduan: API keys
(DESIGN.md §10). Only a keyed hash of a key is stored; the key itself is shown once,
when it is made."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.lib.crypto import EncryptedTextField, KeyedHash


class Scope(models.TextChoices):
    """What a key may do. Reading is separate from acting, so a dashboard's key
    cannot post follow-ups."""

    REPORTS_READ = "reports:read", _("Membaca kotak masuk dan laporan")
    REPORTS_WRITE = "reports:write", _("Menindaklanjuti, mengembalikan, meneruskan ke unit")
    WEBHOOKS = "webhooks", _("Mengelola webhook")


class ApiKey(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("Nama"), max_length=100)
    # The first characters of the key, to tell keys apart in a list.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # A revoked key stops at once; a rotated one at this time (a grace period).
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The key this one replaced, when made by rotation.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )

    # The key is never kept: rotate_data_key cannot recompute its hash; a key used
    # while the retired data key is still configured is hashed again (services.py).
    keyed_hashes = (KeyedHash("key_hash"),)

    class Meta:
        verbose_name = _("kunci API instansi")
        verbose_name_plural = _("kunci API instansi")
        indexes = [
            models.Index(
                fields=["agency", "created_at"],
                name="api_key_agency",
                condition=Q(revoked_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookEvent(models.TextChoices):
    """What an agency's system may be told of, as it happens."""

    DISPOSITIONED = "report.dispositioned", _("Laporan didisposisikan ke instansi")
    REPLIED = "report.replied", _("Pelapor menanggapi")
    REOPENED = "report.reopened", _("Laporan dibuka kembali")
    CLOSED = "report.closed", _("Laporan selesai")
    DEADLINE_REMINDER = "report.deadline_reminder", _("Pengingat batas waktu")


class Webhook(models.Model):
    """A URL of an agency's system that is told of its reports' events, each delivery
    signed with the webhook's own secret (the Standard Webhooks scheme)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("Alamat"), max_length=500)
    events = models.JSONField(default=list)
    secret = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    # While one worker delivers to this URL nobody else may: deliveries to one URL
    # leave one at a time, in order. A worker that dies lets go when this passes.
    leased_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhook")

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One event for one webhook, and how sending it went: the agency's delivery log.
    Deliveries to a webhook leave in ``id`` order; a failed attempt is retried with
    exponential back-off, and the ones after it wait their turn."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        DELIVERED = "delivered", _("Terkirim")
        FAILED = "failed", _("Gagal")

    # Indexed with the id below, which serves the log too.
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    # The ``webhook-id`` header: the same on every attempt, so a receiver can tell a
    # retry it already handled.
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    # The request whose event queued it (aduan/lib/requestid.py): the worker's log
    # lines about this delivery carry it.
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("pengiriman webhook")
        verbose_name_plural = _("pengiriman webhook")
        indexes = [
            models.Index(fields=["webhook", "id"], name="delivery_webhook"),
            models.Index(
                fields=["webhook", "id"], name="delivery_pending", condition=Q(status="pending")
            ),
            models.Index(
                fields=["next_attempt_at"], name="delivery_due", condition=Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.status})"
