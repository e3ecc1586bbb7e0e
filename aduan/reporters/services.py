from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.lib import contacts, crypto
from aduan.lib.errors import Conflict, InvalidInput
from aduan.reporters.models import ChannelIdentity, Reporter

_NORMALIZERS = {
    ChannelIdentity.Kind.PHONE: contacts.normalize_phone,
    ChannelIdentity.Kind.EMAIL: contacts.normalize_email,
    ChannelIdentity.Kind.X: contacts.normalize_x_handle,
    ChannelIdentity.Kind.TELEGRAM: contacts.normalize_telegram_id,
}


def identity_hash(*, kind: str, value: str) -> str:
    """The lookup hash of a raw identity value (normalised first)."""
    return crypto.lookup_hash(kind, _NORMALIZERS[ChannelIdentity.Kind(kind)](value))


def identities_known_as(identities: Iterable[ChannelIdentity]) -> list[str]:
    """Every keyed hash the identities' records elsewhere (messages, SMS, mails) may
    carry: under the data key and, while one is rotated, under the retired one."""
    hashes: set[str] = set()
    for identity in identities:
        hashes.add(identity.value_hash)
        hashes.update(crypto.lookup_hashes(identity.kind, identity.value))
    return sorted(hashes)


def reporter_for_identity(*, kind: str, value: str, name: str = "") -> Reporter:
    """The reporter behind a channel identity, created on first contact. Safe when
    two messages from one new number arrive at once."""
    normalized = _NORMALIZERS[ChannelIdentity.Kind(kind)](value)
    digest = crypto.lookup_hash(kind, normalized)
    for _attempt in range(2):
        identity = (
            ChannelIdentity.objects.select_related("reporter")
            .filter(kind=kind, value_hash__in=crypto.lookup_hashes(kind, normalized))
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
    if User.reporter.is_cached(user):  # read with the user (an API token does)
        try:
            return user.reporter
        except Reporter.DoesNotExist:
            pass
    reporter, _created = Reporter.objects.get_or_create(
        user=user, defaults={"name": user.get_full_name() or user.username}
    )
    # Both sides know each other now: neither is read again in this request.
    reporter.user = user
    return reporter


def identity_parse(raw: str, *, field: str = "identity", x_handle: bool = False) -> tuple[str, str]:
    """The kind and normalised value of what a citizen typed in one "phone number or
    e-mail address" field: an address has an @, anything else must be a phone.
    With ``x_handle``, an X account (``@name``, nothing before the @) is one too."""
    raw = raw.strip()
    if not raw:
        raise InvalidInput(
            _("Isi nomor HP atau alamat surel."), code="identity_required", field=field
        )
    if x_handle and raw.startswith("@") and raw.count("@") == 1 and "." not in raw:
        kind = ChannelIdentity.Kind.X
    else:
        kind = ChannelIdentity.Kind.EMAIL if "@" in raw else ChannelIdentity.Kind.PHONE
    try:
        return kind.value, _NORMALIZERS[kind](raw)
    except InvalidInput as error:
        raise InvalidInput(error.message, code=error.code, field=field) from None


def reporter_claim_identity(
    *, user: User, kind: str, value: str, name: str, now: datetime | None = None
) -> Reporter:
    """Makes a just-confirmed account the reporter behind a verified identity. One
    citizen, many doors: if the identity already reported on another channel (an
    SMS, an e-mail), the account takes that reporter over with its reports;
    otherwise a new reporter is made. Refused if the identity already has an
    account. Call inside the caller's transaction."""
    now = now or timezone.now()
    normalized = _NORMALIZERS[ChannelIdentity.Kind(kind)](value)
    digest = crypto.lookup_hash(kind, normalized)
    for _attempt in range(2):
        identity = (
            ChannelIdentity.objects.select_for_update()
            .select_related("reporter")
            .filter(kind=kind, value_hash__in=crypto.lookup_hashes(kind, normalized))
            .first()
        )
        if identity is not None:
            reporter = identity.reporter
            if reporter.user_id is not None and reporter.user_id != user.pk:
                raise Conflict(
                    _("Nomor HP atau surel ini sudah dipakai oleh akun lain."),
                    code="identity_taken",
                    field="identity",
                )
            reporter.user = user
            reporter.name = name or reporter.name
            reporter.save(update_fields=["user", "name"])
            identity.verified_at = identity.verified_at or now
            identity.save(update_fields=["verified_at"])
            return reporter
        try:
            with transaction.atomic():
                reporter = Reporter.objects.create(user=user, name=name)
                ChannelIdentity.objects.create(
                    reporter=reporter,
                    kind=kind,
                    value=normalized,
                    value_hash=digest,
                    verified_at=now,
                )
                return reporter
        except IntegrityError:
            continue  # a message from this identity just created it: take that over
    raise RuntimeError("channel identity could be neither read nor created")


def reporter_erase(*, reporter: Reporter, now: datetime | None = None) -> list[str]:
    """Forgets who a reporter is (UU PDP), keeping their reports: name and NIK
    blanked, channel identities deleted, the account unlinked. Returns the lookup
    hashes the identities are known by (under a retired data key too, while one is
    rotated), so the caller can erase what else was sent to them."""
    hashes = identities_known_as(reporter.identities.all())
    reporter.identities.all().delete()
    reporter.name = ""
    reporter.nik = ""
    reporter.nik_hash = ""
    reporter.user = None
    reporter.erased_at = now or timezone.now()
    reporter.save(update_fields=["name", "nik", "nik_hash", "user", "erased_at"])
    return hashes
