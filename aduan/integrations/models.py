"""What an agency's own complaint system uses to stay in sync with aduan: API keys
(DESIGN.md §10). Only a keyed hash of a key is stored; the key itself is shown once,
when it is made."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
