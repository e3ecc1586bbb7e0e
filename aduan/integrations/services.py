"""API keys for agencies' own systems: issued by the agency's admin, shown once,
stored as a keyed hash, limited to scopes, rotated with a grace period, revoked at
once. Views and the API call these; nothing here knows about requests."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.integrations.models import ApiKey, Scope
from aduan.lib.crypto import lookup_hash, lookup_hashes
from aduan.lib.errors import Conflict, InvalidInput, NotFound, NotPermitted
from aduan.lib.text import clean_text
from aduan.reports.policy import Actor

KEY_START = "adk_"
# A rotated key keeps working this long, so the agency's system can switch over.
ROTATION_GRACE = timedelta(hours=24)
# How often a key's "last used" time is written: not on every request.
USE_RESOLUTION = timedelta(minutes=1)
NAME_MAX = 100
_SECRET_MAX = 100


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key and its secret, which exists only here: show it once."""

    key: ApiKey
    secret: str


def _hash(secret: str) -> str:
    return lookup_hash("agency-api-key", secret)


def _agency_admin(actor: Actor) -> int:
    if actor.role != "agency_admin" or actor.agency_id is None:
        raise NotPermitted(_("Hanya admin instansi yang mengelola kunci API instansinya."))
    return actor.agency_id


def _issue(
    *, agency_id: int, name: str, scopes: list[str], actor: Actor, now: datetime
) -> IssuedKey:
    secret = KEY_START + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        agency_id=agency_id,
        name=name,
        prefix=secret[:12],
        key_hash=_hash(secret),
        scopes=scopes,
        created_by=actor.user,
        created_at=now,
    )
    return IssuedKey(key=key, secret=secret)


def api_key_issue(
    *, actor: Actor, name: str, scopes: Sequence[str], now: datetime | None = None
) -> IssuedKey:
    """A new key for the admin's own agency."""
    agency_id = _agency_admin(actor)
    name = clean_text(
        name,
        field="name",
        maximum=NAME_MAX,
        empty=_("Beri nama kunci ini, misalnya nama sistem yang memakainya."),
    )
    chosen = sorted(set(scopes))
    if not chosen or any(scope not in Scope.values for scope in chosen):
        raise InvalidInput(
            _("Pilih setidaknya satu izin yang dikenal."), code="unknown_scope", field="scopes"
        )
    return _issue(
        agency_id=agency_id, name=name, scopes=chosen, actor=actor, now=now or timezone.now()
    )


def _own(actor: Actor, key_id: int) -> ApiKey:
    """One of the admin's agency's keys that still works, locked; another agency's
    key does not exist for it."""
    agency_id = _agency_admin(actor)
    key = (
        ApiKey.objects.select_for_update()
        .filter(pk=key_id, agency_id=agency_id, revoked_at__isnull=True)
        .first()
    )
    if key is None:
        raise NotFound(_("Kunci API tidak ditemukan."), code="api_key_not_found")
    return key


@transaction.atomic
def api_key_rotate(*, actor: Actor, key_id: int, now: datetime | None = None) -> IssuedKey:
    """A new key with the same name and scopes; the old one keeps working for
    ROTATION_GRACE, then stops. A key is rotated once."""
    now = now or timezone.now()
    old = _own(actor, key_id)
    if old.expires_at is not None:
        raise Conflict(_("Kunci ini sudah diganti."), code="already_rotated")
    issued = _issue(
        agency_id=old.agency_id, name=old.name, scopes=list(old.scopes), actor=actor, now=now
    )
    issued.key.replaces = old
    issued.key.save(update_fields=["replaces"])
    old.expires_at = now + ROTATION_GRACE
    old.save(update_fields=["expires_at"])
    return issued


@transaction.atomic
def api_key_revoke(*, actor: Actor, key_id: int, now: datetime | None = None) -> ApiKey:
    """The key stops working at once."""
    key = _own(actor, key_id)
    key.revoked_at = now or timezone.now()
    key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(secret: str, *, now: datetime | None = None) -> ApiKey | None:
    """The working key behind ``secret``, or None (unknown, revoked, past its grace
    period, or of an agency no longer active)."""
    if not secret.startswith(KEY_START) or len(secret) > _SECRET_MAX:
        return None
    now = now or timezone.now()
    # Under a retired data key too, while one is rotated (aduan/lib/crypto.py).
    hashes = lookup_hashes("agency-api-key", secret)
    key = (
        ApiKey.objects.select_related("agency")
        .filter(key_hash__in=hashes, revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.agency.is_active:
        return None
    if key.key_hash != hashes[0]:
        # The key is never kept, so only its use can bring it under the new data key.
        ApiKey.objects.filter(pk=key.pk, key_hash=key.key_hash).update(key_hash=hashes[0])
        key.key_hash = hashes[0]
    if key.expires_at is not None and key.expires_at <= now:
        return None
    if key.last_used_at is None or key.last_used_at < now - USE_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_allows(key: ApiKey, scope: str) -> bool:
    return scope in key.scopes


def api_key_actor(key: ApiKey) -> Actor:
    """Who a request with this key acts as: the agency's integration."""
    return Actor.integration(key.agency_id)
