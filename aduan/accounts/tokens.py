"""Citizens' API tokens: issued on sign-in, shown once, kept as a keyed hash,
expiring after ``settings.API_TOKEN_DAYS``, revocable. Citizens only: staff work in
the back office, behind a second factor the API does not have."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import ApiToken, User
from aduan.lib.crypto import lookup_hash, lookup_hashes
from aduan.lib.errors import AduanError, NotFound, NotPermitted

TOKEN_PREFIX = "adn_"  # noqa: S105 (a prefix that marks our tokens, not a secret)
# Writing last_used_at on every request would make each read a write; a minute's
# precision tells the citizen enough about which device is in use.
_LAST_USED_PRECISION = timedelta(minutes=1)


class WrongCredentials(AduanError):
    status = 401
    default_code = "wrong_credentials"
    default_message = _("Nama pengguna atau kata sandi salah.")


def _token_hash(token: str) -> str:
    return lookup_hash("api_token", token)


def api_token_issue(
    *, user: User, name: str = "", now: datetime | None = None
) -> tuple[str, ApiToken]:
    """A new token for a citizen: its value (to show once) and its row."""
    if user.role != User.Role.CITIZEN:
        raise NotPermitted(_("Token API hanya untuk akun warga."), code="api_citizens_only")
    now = now or timezone.now()
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        token_hash=_token_hash(value),
        name=name.strip(),
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return value, token


def api_token_user(*, value: str, now: datetime | None = None) -> tuple[ApiToken, User] | None:
    """The live token with this value and its citizen, or None (unknown, revoked,
    expired, or its account disabled or no longer a citizen's)."""
    if not value.startswith(TOKEN_PREFIX) or len(value) > 100:
        return None
    now = now or timezone.now()
    # Under a retired data key too, while one is rotated (aduan/lib/crypto.py).
    hashes = lookup_hashes("api_token", value)
    token = (
        # The reporter profile too: nearly every call with a token acts as one.
        ApiToken.objects.select_related("user__reporter")
        .filter(token_hash__in=hashes, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active or token.user.role != User.Role.CITIZEN:
        return None
    if token.token_hash != hashes[0]:
        # The token is never kept, so only its use can bring it under the new key.
        ApiToken.objects.filter(pk=token.pk, token_hash=token.token_hash).update(
            token_hash=hashes[0]
        )
        token.token_hash = hashes[0]
    if token.last_used_at is None or token.last_used_at < now - _LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, token.user


def api_token_revoke(*, user: User, token_id: int, now: datetime | None = None) -> None:
    """Revokes one of the user's own live tokens; anyone else's does not exist."""
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
    if not revoked:
        raise NotFound(_("Token tidak ditemukan."), code="token_not_found")
