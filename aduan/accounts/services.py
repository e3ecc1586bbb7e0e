"""Citizen accounts: sign-up confirmed by a one-time code, password reset by code,
profile, and erasure (UU PDP). Views call these; every rule lives here."""

import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from aduan.accounts import selectors
from aduan.accounts.models import LANGUAGES, OneTimeCode, User
from aduan.channels.email.models import InboundMail
from aduan.channels.sms.models import InboundSms
from aduan.channels.x.models import InboundPost
from aduan.lib import crypto
from aduan.lib.errors import Conflict, InvalidInput, NotPermitted
from aduan.outbox.models import Message
from aduan.outbox.services import message_send, messages_erase
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reporters.services import (
    identity_parse,
    reporter_claim_identity,
    reporter_erase,
    reporter_for_user,
)
from aduan.reports.models import Report

CODE_LIFETIME = timedelta(minutes=15)
CODE_TRIES = 5
# A new code for the same request at most this often (each one is an SMS to pay for).
CODE_RESEND_AFTER = timedelta(minutes=1)
NAME_MAX = 150
_CODE_FORMAT = re.compile(r"\d{6}")
_LANGUAGE_CODES = frozenset(code for code, _name in LANGUAGES)


# -- one-time codes ---------------------------------------------------------------------


def _code_hash(token: str, code: str) -> str:
    # Keyed and bound to its row: a leaked table cannot be brute-forced offline, and
    # a code is worth nothing with another row's token.
    return crypto.lookup_hash("one-time-code", f"{token}:{code}")


def _code_issue(row: OneTimeCode, now: datetime) -> str:
    """A fresh code on the row (not saved): the old one, if any, stops working."""
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash = _code_hash(row.token, code)
    row.expires_at = now + CODE_LIFETIME
    row.tries = 0
    row.sent_at = now
    return code


def _code_start(
    *, purpose: str, kind: str, value: str, now: datetime, **fields: Any
) -> OneTimeCode:
    """A new code row for proving ``value``, replacing any earlier one for the same
    purpose and identity, with its code issued and sent."""
    digest = crypto.lookup_hash(kind, value)
    with transaction.atomic():
        OneTimeCode.objects.filter(purpose=purpose, identity_hash=digest).delete()
        row = OneTimeCode(
            purpose=purpose,
            token=secrets.token_urlsafe(32),
            kind=kind,
            identity=value,
            identity_hash=digest,
            **fields,
        )
        code = _code_issue(row, now)
        row.save()
        _code_deliver(row, code)
    return row


def _code_deliver(row: OneTimeCode, code: str) -> None:
    """Sends the code to the identity being proved, through the outbox. A reset row
    with no account behind it sends nothing (and says nothing about it)."""
    if row.purpose == OneTimeCode.Purpose.PASSWORD_RESET and row.user_id is None:
        return
    channel = {"phone": "sms", "email": "email", "x": "x"}[row.kind]
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    with translation.override(row.language):
        body = gettext(
            "Kode aduan Anda: %(code)s. Berlaku %(minutes)d menit. "
            "Jangan berikan kode ini kepada siapa pun."
        ) % {"code": code, "minutes": minutes}
        subject = gettext("Kode aduan Anda") if channel == "email" else ""
    message_send(
        channel=channel,
        recipient=row.identity,
        body=body,
        subject=subject,
        purpose="otp",
        language=row.language,
    )


def _code_try(row: OneTimeCode, code: str, now: datetime) -> None:
    """Counts one try against the row and raises unless the code is right and still
    valid. The count is written at once (not in the caller's transaction), so a
    wrong guess cannot be undone by the error that reports it."""
    if row.expires_at <= now:
        raise InvalidInput(
            _("Kode sudah kedaluwarsa. Minta kode baru."), code="code_expired", field="code"
        )
    counted = OneTimeCode.objects.filter(pk=row.pk, tries__lt=CODE_TRIES).update(
        tries=F("tries") + 1
    )
    if not counted:
        raise InvalidInput(
            _("Terlalu banyak percobaan yang salah. Minta kode baru."),
            code="code_locked",
            field="code",
        )
    code = re.sub(r"\s", "", code)
    if _CODE_FORMAT.fullmatch(code) and hmac.compare_digest(
        row.code_hash, _code_hash(row.token, code)
    ):
        return
    left = CODE_TRIES - (row.tries + 1)
    if left <= 0:
        raise InvalidInput(
            _("Kode salah, dan percobaan sudah habis. Minta kode baru."),
            code="code_locked",
            field="code",
        )
    raise InvalidInput(
        ngettext(
            "Kode salah. Sisa %(left)d percobaan.", "Kode salah. Sisa %(left)d percobaan.", left
        )
        % {"left": left},
        code="code_wrong",
        field="code",
    )


def _code_gone() -> InvalidInput:
    return InvalidInput(
        _("Permintaan ini sudah tidak berlaku. Silakan mulai lagi."),
        code="code_gone",
        field="code",
    )


def _code_still_there(row: OneTimeCode) -> None:
    """Inside the transaction that uses the row: it is still there (another tab did
    not use it meanwhile), and locked until that transaction ends."""
    if not OneTimeCode.objects.select_for_update().filter(pk=row.pk).exists():
        raise _code_gone()


def _code_row(token: str, purpose: str) -> OneTimeCode:
    row = OneTimeCode.objects.filter(token=token, purpose=purpose).first() if token else None
    if row is None:
        raise _code_gone()
    return row


def code_resend(*, token: str, purpose: str, now: datetime | None = None) -> OneTimeCode:
    """A new code for a pending sign-up or reset, replacing the old one (same row,
    same browser). Not more often than once a minute."""
    now = now or timezone.now()
    row = _code_row(token, purpose)
    if now - row.sent_at < CODE_RESEND_AFTER:
        raise InvalidInput(
            _("Kode baru saja dikirim. Tunggu satu menit sebelum meminta lagi."),
            code="code_too_soon",
            field="code",
        )
    with transaction.atomic():
        code = _code_issue(row, now)
        row.save(update_fields=["code_hash", "expires_at", "tries", "sent_at"])
        _code_deliver(row, code)
    return row


# -- sign-up ----------------------------------------------------------------------------


def _language(language: str) -> str:
    return language if language in _LANGUAGE_CODES else "id"


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Isi nama Anda."), code="name_required", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            _("Nama terlalu panjang (paling banyak %(max)d karakter).") % {"max": NAME_MAX},
            code="name_too_long",
            field="name",
        )
    return name


def _password_check(password: str, user: User) -> None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS), as one error."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(
            " ".join(error.messages), code="weak_password", field="password"
        ) from None


def account_signup(
    *, name: str, identity: str, password: str, language: str = "id", now: datetime | None = None
) -> OneTimeCode:
    """Starts a sign-up: checks everything, keeps the would-be account on a code row
    and sends the code to the phone or e-mail. No account exists until the code is
    confirmed (account_confirm). Signing up again with the same identity replaces
    the earlier attempt."""
    now = now or timezone.now()
    name = _name(name)
    kind, value = identity_parse(identity)
    if selectors.user_for_identity(kind=kind, value=value) is not None:
        raise Conflict(
            _(
                "Nomor HP atau surel ini sudah terdaftar. Silakan masuk, atau atur ulang "
                "kata sandi jika Anda lupa."
            ),
            code="identity_taken",
            field="identity",
        )
    _password_check(password, User(first_name=name, email=value if kind == "email" else ""))
    return _code_start(
        purpose=OneTimeCode.Purpose.SIGNUP,
        kind=kind,
        value=value,
        now=now,
        name=name,
        password=_hashed(password),
        language=_language(language),
    )


def _hashed(password: str) -> str:
    user = User()
    user.set_password(password)
    return user.password


def account_confirm(*, token: str, code: str, now: datetime | None = None) -> User:
    """Confirms a sign-up with its code: the account is created, active, and its
    identity verified. If the identity reported before without an account (an SMS),
    the account takes that reporter over, earlier reports included."""
    now = now or timezone.now()
    row = _code_row(token, OneTimeCode.Purpose.SIGNUP)
    _code_try(row, code, now)
    with transaction.atomic():
        _code_still_there(row)
        user = User(
            username=f"warga-{secrets.token_hex(6)}",
            role=User.Role.CITIZEN,
            language=row.language,
            password=row.password,
        )
        user.save()
        reporter_claim_identity(
            user=user, kind=row.kind, value=row.identity, name=row.name, now=now
        )
        row.delete()
    return user


# -- one citizen, many doors -------------------------------------------------------------


def identity_add_request(*, user: User, identity: str, now: datetime | None = None) -> OneTimeCode:
    """Starts joining another phone number, e-mail address or X account to a
    citizen's account: a code is sent there to prove it is theirs (to an X account
    by direct message, so only to one that has written to the service before: X
    lets the service write to whoever wrote to it)."""
    now = now or timezone.now()
    if user.role != User.Role.CITIZEN:
        raise NotPermitted()
    kind, value = identity_parse(identity, x_handle=True)
    if kind == ChannelIdentity.Kind.X and not _identity_known(kind, value):
        raise InvalidInput(
            _(
                "Akun X ini belum pernah mengirim laporan ke %(account)s. Kirim dulu pesan "
                "langsung INFO ke %(account)s, lalu coba lagi."
            )
            % {"account": f"@{settings.X_ACCOUNT_HANDLE}"},
            code="x_unknown",
            field="identity",
        )
    holder = selectors.user_for_identity(kind=kind, value=value)
    if holder is not None and holder.pk == user.pk:
        raise Conflict(
            _("Nomor HP atau surel ini sudah terhubung dengan akun Anda."),
            code="identity_yours",
            field="identity",
        )
    if holder is not None:
        raise Conflict(
            _("Nomor HP atau surel ini sudah dipakai oleh akun lain."),
            code="identity_taken",
            field="identity",
        )
    return _code_start(
        purpose=OneTimeCode.Purpose.ADD_IDENTITY,
        kind=kind,
        value=value,
        now=now,
        user=user,
        language=user.language or "id",
    )


def identity_add_confirm(
    *, user: User, token: str, code: str, now: datetime | None = None
) -> Reporter:
    """Confirms the code: the number or address is the account's from now on, and
    whatever was reported through it before (SMS, e-mail, X) joins the account's
    reports, to be followed and continued on any channel."""
    now = now or timezone.now()
    row = _code_row(token, OneTimeCode.Purpose.ADD_IDENTITY)
    if row.user_id != user.pk:
        raise _code_gone()
    _code_try(row, code, now)
    with transaction.atomic():
        _code_still_there(row)
        reporter = reporter_for_user(user=user)
        _identity_join(reporter=reporter, kind=row.kind, value=row.identity, now=now)
        row.delete()
    return reporter


def _identity_known(kind: str, value: str) -> bool:
    return ChannelIdentity.objects.filter(
        kind=kind, value_hash=crypto.lookup_hash(kind, value)
    ).exists()


def _identity_join(*, reporter: Reporter, kind: str, value: str, now: datetime) -> None:
    digest = crypto.lookup_hash(kind, value)
    identity = (
        ChannelIdentity.objects.select_for_update()
        .select_related("reporter")
        .filter(kind=kind, value_hash=digest)
        .first()
    )
    if identity is None:
        ChannelIdentity.objects.create(
            reporter=reporter, kind=kind, value=value, value_hash=digest, verified_at=now
        )
        return
    other = identity.reporter
    if other.pk != reporter.pk:
        if other.user_id is not None:
            raise Conflict(
                _("Nomor HP atau surel ini sudah dipakai oleh akun lain."),
                code="identity_taken",
                field="identity",
            )
        # The reporter known only by this door becomes the account's: its reports,
        # its other doors and the messages sent to it move over, and it is gone.
        Report.objects.filter(reporter=other).update(reporter=reporter)
        ChannelIdentity.objects.filter(reporter=other).update(reporter=reporter)
        Message.objects.filter(reporter=other).update(reporter=reporter)
        other.delete()
    ChannelIdentity.objects.filter(pk=identity.pk).update(verified_at=identity.verified_at or now)


# -- password reset ---------------------------------------------------------------------


def password_reset_request(
    *, identity: str, language: str = "id", now: datetime | None = None
) -> OneTimeCode:
    """Starts a password reset. Whether or not an account has this identity, the
    caller gets the same kind of row back and the same page follows; only a real
    account gets a code."""
    now = now or timezone.now()
    kind, value = identity_parse(identity)
    user = selectors.user_for_identity(kind=kind, value=value)
    return _code_start(
        purpose=OneTimeCode.Purpose.PASSWORD_RESET,
        kind=kind,
        value=value,
        now=now,
        user=user,
        language=user.language if user is not None else _language(language),
    )


def password_reset_confirm(
    *, token: str, code: str, password: str, now: datetime | None = None
) -> User:
    """Sets a new password with the code that was sent. The password is checked
    first, so a weak one does not use up a try."""
    now = now or timezone.now()
    row = _code_row(token, OneTimeCode.Purpose.PASSWORD_RESET)
    _password_check(password, row.user or User())
    _code_try(row, code, now)
    if row.user is None:  # unreachable: such a row's code was never sent
        raise InvalidInput(_("Kode salah."), code="code_wrong", field="code")
    with transaction.atomic():
        _code_still_there(row)
        user = User.objects.select_for_update().get(pk=row.user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        row.delete()
    return user


# -- profile and erasure ----------------------------------------------------------------


def account_update(*, user: User, name: str, language: str) -> User:
    """A citizen's name (kept encrypted on their reporter) and preferred language."""
    if language not in _LANGUAGE_CODES:
        raise InvalidInput(_("Bahasa tidak dikenal."), code="unknown_language", field="language")
    with transaction.atomic():
        if user.role == User.Role.CITIZEN:
            name = _name(name)
            reporter, _created = Reporter.objects.get_or_create(user=user)
            reporter.name = name
            reporter.save(update_fields=["name"])
        user.language = language
        user.save(update_fields=["language"])
    return user


def account_erase(*, user: User, password: str, now: datetime | None = None) -> None:
    """Deletes a citizen's account (UU PDP) in one transaction. Their reports stay;
    who they were is erased from them: reporter name and NIK blanked, identities
    and messages to them deleted. The User row stays, anonymised and unusable,
    because timeline events point to it."""
    now = now or timezone.now()
    if user.role != User.Role.CITIZEN:
        raise NotPermitted(_("Akun petugas dihapus oleh admin, tidak di sini."))
    if not user.check_password(password):
        raise InvalidInput(_("Kata sandi salah."), code="wrong_password", field="password")
    with transaction.atomic():
        reporter = Reporter.objects.select_for_update().filter(user=user).first()
        hashes = reporter_erase(reporter=reporter, now=now) if reporter is not None else []
        messages_erase(reporter_id=reporter.pk if reporter else None, recipient_hashes=hashes)
        # What they sent by SMS, e-mail and X is known by the same keyed hashes as
        # their phone number, address and handle.
        InboundSms.objects.filter(sender_hash__in=hashes).delete()
        InboundMail.objects.filter(sender_hash__in=hashes).delete()
        InboundPost.objects.filter(author_hash__in=hashes).delete()
        OneTimeCode.objects.filter(Q(user=user) | Q(identity_hash__in=hashes)).delete()
        user.username = f"dihapus-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.set_unusable_password()
        user.is_active = False
        user.language = "id"
        user.save()
