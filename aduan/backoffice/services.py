"""Staff sign-in's second factor: who may sign in to the back office, enrolling an
authenticator app (TOTP), recovery codes (django-otp's static device), checking a
code. Views call these; nothing here knows about requests or sessions."""

import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.agencies.models import Agency, Unit
from aduan.lib.errors import Conflict, InvalidInput

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"
_TOTP_CODE = re.compile(r"\d{6}")


def staff_may_sign_in(*, user: User) -> bool:
    """The back office is for staff members; a superuser (who may hold no role, as
    `createsuperuser` leaves it) signs in here too, to reach the admin."""
    return user.is_active and (user.is_staff_member or user.is_superuser)


def authenticator_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def authenticator_enrolment_start(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same one (and the same secret) until it is
    confirmed, so reloading the page does not invalidate a scanned QR code. Only a
    user without a confirmed device may enrol: otherwise the password alone would
    be enough to add a second factor."""
    if authenticator_confirmed(user=user) is not None:
        raise Conflict(_("Aplikasi autentikator Anda sudah terdaftar."), code="already_enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def authenticator_enrolment_confirm(*, user: User, code: str) -> TOTPDevice:
    """The first code from the app proves it holds the secret; the device then counts
    as the user's second factor."""
    if authenticator_confirmed(user=user) is not None:
        raise Conflict(_("Aplikasi autentikator Anda sudah terdaftar."), code="already_enrolled")
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        raise InvalidInput(_("Mulai pendaftaran aplikasi dahulu."), code="no_enrolment")
    code = _normalised(code)
    if not _TOTP_CODE.fullmatch(code) or not device.verify_token(code):
        raise InvalidInput(
            _("Kode salah atau sudah kedaluwarsa. Masukkan kode terbaru dari aplikasi."),
            code="wrong_code",
            field="code",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return device


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """New recovery codes, shown once: the old ones stop working. Each works once
    (django-otp deletes a static token when it is used)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    StaticToken.objects.filter(device__user=user).delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user: User, code: str) -> Device:
    """The device that accepts ``code``: six digits are an authenticator code,
    anything else a recovery code. Only devices of that kind are tried, so a
    recovery code does not count as a failed authenticator attempt (django-otp
    slows a device down after each failure)."""
    code = _normalised(code)
    devices: list[Device]
    with transaction.atomic():
        if _TOTP_CODE.fullmatch(code):
            devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        else:
            devices = list(
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            )
        for device in devices:
            if device.verify_token(code):
                return device
    raise InvalidInput(
        _("Kode salah, sudah dipakai, atau terlalu banyak percobaan. Coba lagi sebentar lagi."),
        code="wrong_code",
        field="code",
    )


def staff_assignment_check(*, role: str, agency: Agency | None, unit: Unit | None) -> None:
    """A staff member belongs to one agency (and optionally one of its units); a
    citizen to none."""
    if role == User.Role.CITIZEN:
        if agency is not None or unit is not None:
            raise InvalidInput(
                _("Akun warga tidak terikat pada instansi atau unit."), field="agency"
            )
        return
    if agency is None:
        raise InvalidInput(_("Petugas harus terikat pada satu instansi."), field="agency")
    if unit is not None and unit.agency_id != agency.pk:
        raise InvalidInput(_("Unit ini bukan bagian dari instansi yang dipilih."), field="unit")


def _normalised(code: str) -> str:
    """People type codes with spaces or dashes, or in capitals."""
    return re.sub(r"[\s-]", "", code).lower()


@transaction.atomic
def second_factor_reset(*, user: User) -> None:
    """A lost phone: the staff member's authenticator and recovery codes are removed;
    the next sign-in (with the password) leads to enrolment again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
