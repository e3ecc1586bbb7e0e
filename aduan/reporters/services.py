from django.db import IntegrityError, transaction

from aduan.accounts.models import User
from aduan.lib import contacts, crypto
from aduan.reporters.models import ChannelIdentity, Reporter

_NORMALIZERS = {
    ChannelIdentity.Kind.PHONE: contacts.normalize_phone,
    ChannelIdentity.Kind.EMAIL: contacts.normalize_email,
    ChannelIdentity.Kind.X: contacts.normalize_x_handle,
}


def identity_hash(*, kind: str, value: str) -> str:
    """The lookup hash of a raw identity value (normalised first)."""
    return crypto.lookup_hash(kind, _NORMALIZERS[ChannelIdentity.Kind(kind)](value))


def reporter_for_identity(*, kind: str, value: str, name: str = "") -> Reporter:
    """The reporter behind a channel identity, created on first contact. Safe when
    two messages from one new number arrive at once."""
    normalized = _NORMALIZERS[ChannelIdentity.Kind(kind)](value)
    digest = crypto.lookup_hash(kind, normalized)
    for _attempt in range(2):
        identity = (
            ChannelIdentity.objects.select_related("reporter")
            .filter(kind=kind, value_hash=digest)
            .first()
        )
        if identity is not None:
            return identity.reporter
        try:
            with transaction.atomic():
                reporter = Reporter.objects.create(name=name)
                ChannelIdentity.objects.create(
                    reporter=reporter, kind=kind, value=normalized, value_hash=digest
                )
                return reporter
        except IntegrityError:
            continue  # the other message created it first: read it
    raise RuntimeError("channel identity could be neither read nor created")


def reporter_for_user(*, user: User) -> Reporter:
    """The reporter profile of a signed-in citizen, created on first report."""
    reporter, _created = Reporter.objects.get_or_create(
        user=user, defaults={"name": user.get_full_name() or user.username}
    )
    return reporter
