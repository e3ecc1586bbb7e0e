"""Citizen accounts: sign-up confirmed by a one-time code, password reset by code,
profile, and erasure (UU PDP). Views call these; every rule lives here."""

import hmac
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from aduan.accounts import selectors
from aduan.accounts.models import LANGUAGES, OneTimeCode, ReportDraft, ReportDraftFile, User
from aduan.core.channels import channel_call, channel_specs
from aduan.lib import crypto
from aduan.lib.errors import Conflict, InvalidInput, NotFound, NotPermitted
from aduan.outbox.models import Message
from aduan.outbox.services import message_send, messages_erase
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reporters.services import (
    identity_parse,
    reporter_claim_identity,
    reporter_erase,
    reporter_for_user,
)
from aduan.reports.attachments import clean_upload
from aduan.reports.models import Channel, Report
from aduan.reports.policy import Actor
from aduan.reports.services import Location, Upload, report_create

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


def _code_right(row: OneTimeCode, code: str) -> bool:
    # Under a retired data key too: a code sent just before the key was rotated.
    hashes = crypto.lookup_hashes("one-time-code", f"{row.token}:{code}")
    return any(hmac.compare_digest(row.code_hash, digest) for digest in hashes)


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
        OneTimeCode.objects.filter(
            purpose=purpose, identity_hash__in=crypto.lookup_hashes(kind, value)
        ).delete()
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
    with no account behind it sends nothing (and says nothing about it). A report's
    code goes to whoever holds the identity, staff included: only they learn, after
    the code, that this door is not theirs."""
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
    if _CODE_FORMAT.fullmatch(code) and _code_right(row, code):
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


# A chat app proves an identity itself: a Telegram chat that opens the link signed for
# an account is that account holder's (no code to type back).
LINK_SALT = "aduan.accounts.link"
LINK_MAX_AGE = timedelta(hours=1)
LINK_CODE_MAX = 64  # a Telegram deep link's start parameter
_LINK_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def account_link_code(user: User) -> str:
    """A code that links a chat to ``user``'s account for an hour, short enough for
    a deep link (``https://t.me/<bot>?start=<code>``): the account's id, when it
    was made and a signature, joined by "-"."""
    signed = signing.TimestampSigner(salt=LINK_SALT).sign(signing.b62_encode(user.pk))
    code = signed.replace(":", "-")  # the signer's separator, not allowed in a deep link
    if len(code) > LINK_CODE_MAX or not set(code) <= _LINK_ALPHABET:
        raise ValueError("a link code does not fit a deep link")
    return code


def account_link_user(code: str) -> User | None:
    """The citizen a link code names, if it is genuine and still fresh."""
    # The account's id and the time are base 62, the signature base64url: only the
    # signature may hold a "-".
    user_key, _sep, rest = code.partition("-")
    timestamp, _sep, signature = rest.partition("-")
    if not (user_key and timestamp and signature):
        return None
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        value = signer.unsign(f"{user_key}:{timestamp}:{signature}", max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # forged, or expired (SignatureExpired)
        return None
    return User.objects.filter(
        pk=signing.b62_decode(value), role=User.Role.CITIZEN, is_active=True
    ).first()


def identity_link(*, user: User, kind: str, value: str, now: datetime | None = None) -> Reporter:
    """An identity its channel proved to be the account holder's joins the account,
    as a confirmed code joins one (``identity_add_confirm``): what was reported
    through it before joins the account's reports. Raises ``Conflict`` when it is
    another account's already."""
    now = now or timezone.now()
    with transaction.atomic():
        reporter = reporter_for_user(user=user)
        _identity_join(reporter=reporter, kind=kind, value=value, now=now)
    return reporter


def _identity_known(kind: str, value: str) -> bool:
    return ChannelIdentity.objects.filter(
        kind=kind, value_hash__in=crypto.lookup_hashes(kind, value)
    ).exists()


def _identity_join(*, reporter: Reporter, kind: str, value: str, now: datetime) -> None:
    digest = crypto.lookup_hash(kind, value)
    identity = (
        ChannelIdentity.objects.select_for_update()
        .select_related("reporter")
        .filter(kind=kind, value_hash__in=crypto.lookup_hashes(kind, value))
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
        # What they sent by each channel (SMS, e-mail, X, …) is known by the same
        # keyed hashes as their phone number, address, handle, ….
        for spec in channel_specs():
            channel_call(spec.erase, hashes)
        OneTimeCode.objects.filter(Q(user=user) | Q(identity_hash__in=hashes)).delete()
        ReportDraft.objects.filter(identity_hash__in=hashes).delete()
        user.username = f"dihapus-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.set_unusable_password()
        user.is_active = False
        user.language = "id"
        user.save()


# -- a report first, the account on the way ---------------------------------------------

# A signed-out citizen writes the report, then proves a phone number or e-mail address
# with a code: the report is filed in the name of the account that identity has, or
# of one made on the way (as FixMyStreet does). The code proves the identity as much
# as a password reset's code does (which can take the account over anyway), so it
# signs the citizen in too. Staff never sign in through it (second factor).
DRAFT_LIFETIME = timedelta(hours=24)
# Drafts waiting for a code to the same phone number or address at one time.
DRAFTS_PER_IDENTITY = 3


@dataclass(frozen=True, slots=True)
class ReportWritten:
    """What the two steps of the report form held, checked by the form's shape;
    report_create checks it again when it is filed. ``place`` is the first step's
    choices as sent, to show them back."""

    type: str
    title: str
    body: str
    category: str
    region: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    incident_date: date | None = None
    agency_hint: int | None = None
    anonymous: bool = False
    confidential: bool = False
    place: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["incident_date"] = self.incident_date.isoformat() if self.incident_date else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "ReportWritten":
        data = json.loads(text)
        day = data.get("incident_date")
        data["incident_date"] = date.fromisoformat(day) if day else None
        return cls(**data)


def _draft_gone() -> NotFound:
    return NotFound(
        _("Laporan yang Anda tulis sudah kedaluwarsa atau sudah dikirim. Silakan tulis lagi."),
        code="draft_gone",
    )


def report_draft_get(*, token: str, now: datetime | None = None) -> ReportDraft | None:
    """The unexpired draft a browser holds the token of."""
    if not token:
        return None
    now = now or timezone.now()
    return ReportDraft.objects.filter(token=token, expires_at__gt=now).first()


def report_draft_written(*, draft: ReportDraft) -> ReportWritten:
    return ReportWritten.from_json(draft.fields)


def report_draft_file_names(*, draft: ReportDraft) -> list[str]:
    return [f.name for f in draft.files.order_by("pk")]


def report_draft_save(
    *,
    written: ReportWritten,
    files: Sequence[Upload] = (),
    replaces: str = "",
    now: datetime | None = None,
) -> ReportDraft:
    """Keeps a signed-out citizen's report until a code confirms it. Each file is
    cleaned first (nothing of the sender is stored, not even for a day); a file that
    cannot be cleaned is refused by name and nothing is kept. The same browser's
    earlier draft (``replaces``) and every expired draft go."""
    now = now or timezone.now()
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise InvalidInput(
            _("Paling banyak %(count)s berkas.") % {"count": settings.UPLOAD_MAX_FILES},
            code="too_many_files",
            field="file",
        )
    cleaned = []
    for upload in files:
        try:
            clean = clean_upload(upload.data)
        except InvalidInput as error:
            if not upload.name:
                raise
            message = f"{upload.name[:60]}: {error.message}"
            raise type(error)(message, code=error.code, field=error.field) from None
        cleaned.append((upload.name[:100], clean))
    with transaction.atomic():
        ReportDraft.objects.filter(expires_at__lte=now).delete()
        if replaces:
            ReportDraft.objects.filter(token=replaces).delete()
        draft = ReportDraft.objects.create(
            token=secrets.token_urlsafe(32),
            fields=written.to_json(),
            created_at=now,
            expires_at=now + DRAFT_LIFETIME,
        )
        ReportDraftFile.objects.bulk_create(
            ReportDraftFile(
                draft=draft,
                name=name,
                content_type=clean.content_type,
                data=clean.content.read(),
            )
            for name, clean in cleaned
        )
    return draft


def report_draft_discard(*, token: str) -> None:
    """The citizen gave up on the draft: it and its files go, with its code."""
    draft = ReportDraft.objects.filter(token=token).first() if token else None
    if draft is not None:
        with transaction.atomic():
            if draft.code_id is not None:
                OneTimeCode.objects.filter(pk=draft.code_id).delete()
            draft.delete()


def report_code_request(
    *,
    draft_token: str,
    name: str,
    identity: str,
    language: str = "id",
    now: datetime | None = None,
) -> OneTimeCode:
    """Sends a code to the phone number or e-mail address that is to confirm a draft
    (a new request replaces the earlier code for the same identity). Whether an
    account has that identity is not told here: the code is the same either way.
    At most DRAFTS_PER_IDENTITY drafts wait for one identity at a time."""
    now = now or timezone.now()
    draft = report_draft_get(token=draft_token, now=now)
    if draft is None:
        raise _draft_gone()
    name = _name(name)
    kind, value = identity_parse(identity)
    digest = crypto.lookup_hash(kind, value)
    waiting = (
        ReportDraft.objects.filter(
            identity_hash__in=crypto.lookup_hashes(kind, value), expires_at__gt=now
        )
        .exclude(pk=draft.pk)
        .count()
    )
    if waiting >= DRAFTS_PER_IDENTITY:
        raise InvalidInput(
            _(
                "Sudah ada %(count)d laporan yang menunggu kode untuk nomor HP atau surel "
                "ini. Konfirmasikan laporan itu dulu, atau coba lagi besok."
            )
            % {"count": waiting},
            code="too_many_drafts",
            field="identity",
        )
    with transaction.atomic():
        if draft.code_id is not None:
            OneTimeCode.objects.filter(pk=draft.code_id).delete()
        row = _code_start(
            purpose=OneTimeCode.Purpose.REPORT,
            kind=kind,
            value=value,
            now=now,
            name=name,
            language=_language(language),
        )
        ReportDraft.objects.filter(pk=draft.pk).update(code=row, identity_hash=digest)
    return row


def _staff_identity(kind: str, value: str, user: User | None) -> bool:
    """The identity is a staff member's: as their account's verified identity, or
    as the e-mail address of a staff account (staff sign in with a username)."""
    if user is not None and user.needs_second_factor:
        return True
    if kind != ChannelIdentity.Kind.EMAIL:
        return False
    staff = User.objects.exclude(role=User.Role.CITIZEN, is_superuser=False)
    return staff.filter(email__iexact=value).exists()


def report_code_confirm(
    *, draft_token: str, token: str, code: str, now: datetime | None = None
) -> tuple[User, bool]:
    """Confirms a draft's code: the citizen whose identity it is, and whether their
    account was made now (the identity had none; its earlier SMS or e-mail reports
    join it).
    The draft stays until report_draft_file files it. A staff identity is refused
    (after the code, so nobody else learns it is staff's)."""
    now = now or timezone.now()
    row = _code_row(token, OneTimeCode.Purpose.REPORT)
    draft = report_draft_get(token=draft_token, now=now)
    if draft is None:
        raise _draft_gone()
    if draft.code_id != row.pk:
        raise _code_gone()
    _code_try(row, code, now)
    with transaction.atomic():
        _code_still_there(row)
        user = selectors.user_for_identity(kind=row.kind, value=row.identity)
        if _staff_identity(row.kind, row.identity, user):
            raise NotPermitted(
                _(
                    "Akun petugas tidak dapat melapor lewat sini. Petugas masuk di halaman "
                    "petugas (/kantor/masuk) dengan faktor kedua."
                ),
                code="staff_identity",
            )
        created = user is None
        if user is None:
            user = User(
                username=f"warga-{secrets.token_hex(6)}",
                role=User.Role.CITIZEN,
                language=row.language,
            )
            # No password yet: they sign in with a code again, or choose one by reset.
            user.set_unusable_password()
            user.save()
            reporter_claim_identity(
                user=user, kind=row.kind, value=row.identity, name=row.name, now=now
            )
        elif not user.is_active:
            raise NotPermitted(code="inactive")
        row.delete()
    return user, created


def report_draft_file(*, user: User, draft_token: str, now: datetime | None = None) -> Report:
    """Files a draft in the name of the signed-in citizen (just confirmed by code, or
    signed in with a password instead), with its files; the draft goes with it.
    If filing is refused, the draft stays, to try again."""
    now = now or timezone.now()
    if user.role != User.Role.CITIZEN:
        raise NotPermitted()
    with transaction.atomic():
        draft = (
            ReportDraft.objects.select_for_update()
            .filter(token=draft_token, expires_at__gt=now)
            .first()
            if draft_token
            else None
        )
        if draft is None:
            raise _draft_gone()
        written = report_draft_written(draft=draft)
        reporter = reporter_for_user(user=user)
        actor = replace(Actor.for_user(user), reporter_id=reporter.pk)
        files = [Upload(name=f.name, data=bytes(f.data)) for f in draft.files.order_by("pk")]
        report = report_create(
            actor=actor,
            reporter=reporter,
            type=written.type,
            title=written.title,
            body=written.body,
            channel=Channel.WEB,
            category=written.category,
            location=Location(
                region=written.region,
                address=written.address,
                latitude=written.latitude,
                longitude=written.longitude,
            ),
            incident_date=written.incident_date,
            agency_hint=written.agency_hint,
            anonymous=written.anonymous,
            confidential=written.confidential,
            files=files,
            now=now,
        )
        if draft.code_id is not None:
            OneTimeCode.objects.filter(pk=draft.code_id).delete()
        draft.delete()
    return report
