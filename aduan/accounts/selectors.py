"""Reads about accounts: who owns an identity, a pending code, a person's data."""

from typing import Any

from django.utils import timezone

from aduan.accounts import export
from aduan.accounts.models import OneTimeCode, User
from aduan.lib import crypto
from aduan.lib.contacts import identity_masked
from aduan.reporters.models import ChannelIdentity


def user_for_identity(*, kind: str, value: str) -> User | None:
    """The account that has this (normalised) phone number or e-mail address as a
    verified identity, if any."""
    identity = (
        ChannelIdentity.objects.select_related("reporter__user")
        .filter(
            kind=kind,
            value_hash__in=crypto.lookup_hashes(kind, value),
            verified_at__isnull=False,
            reporter__user__isnull=False,
        )
        .first()
    )
    return identity.reporter.user if identity is not None else None


def code_pending(*, token: str, purpose: str) -> OneTimeCode | None:
    """The pending sign-up or reset a browser holds the token of."""
    if not token:
        return None
    return OneTimeCode.objects.filter(token=token, purpose=purpose).first()


def signup_pending(*, kind: str, value: str, password: str) -> OneTimeCode | None:
    """A sign-up still waiting for its code, if the password is the one chosen for
    it: log-in then sends the citizen to confirm it."""
    row = OneTimeCode.objects.filter(
        purpose=OneTimeCode.Purpose.SIGNUP, identity_hash__in=crypto.lookup_hashes(kind, value)
    ).first()
    if row is None:
        return None
    pending = User(password=row.password)
    return row if pending.check_password(password) else None


def account_export(*, user: User) -> dict[str, Any]:
    """Everything the system holds about this person (UU PDP), section by section;
    each section reads only what belongs to them."""
    data: dict[str, Any] = {
        "format": "aduan-account-export/1",
        "exported_at": timezone.now(),
    }
    for name, section in export.sections().items():
        data[name] = section(user)
    return data


def account_identities_masked(*, user: User) -> list[str]:
    """The phone numbers, addresses and X accounts proved to be this account's,
    masked."""
    identities = ChannelIdentity.objects.filter(
        reporter__user=user, verified_at__isnull=False
    ).order_by("created_at", "pk")
    return [identity_masked(kind=i.kind, value=i.value) for i in identities]
