from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.lib.crypto import KeyedHash


class Open311Client(models.Model):
    """A civic app allowed to post service requests through Open311. Only a keyed
    hash of its API key is stored: the key itself is shown once, when made."""

    name = models.CharField(_("Nama"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("Aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The key is never kept: rotate_data_key cannot recompute its hash; a key used
    # while the retired data key is still configured is hashed again (services.py).
    keyed_hashes = (KeyedHash("key_hash"),)

    class Meta:
        verbose_name = _("klien Open311")
        verbose_name_plural = _("klien Open311")

    def __str__(self) -> str:
        return self.name
