"""Normalising what identifies a person on a channel, so that `0812…`, `62812…` and
`+62 812-…` are one phone number and `Ani@Example.id` one e-mail address."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput


def normalize_phone(raw: str) -> str:
    """E.164 form (`+628123456789`) of an Indonesian or international number."""
    try:
        number = phonenumbers.parse(raw.strip(), "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise InvalidInput(_("Nomor telepon tidak valid."), code="invalid_phone", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    address = raw.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidInput(
            _("Alamat surel tidak valid."), code="invalid_email", field="email"
        ) from None
    return address


def normalize_telegram_id(raw: str) -> str:
    """A Telegram user's numeric id (what a bot knows a person by; up to 52 bits)."""
    value = raw.strip()
    if not (value.isascii() and value.isdigit() and 0 < len(value) <= 16):
        raise InvalidInput(
            _("Akun Telegram tidak valid."), code="invalid_telegram_id", field="telegram"
        )
    return str(int(value))


def normalize_x_handle(raw: str) -> str:
    handle = raw.strip().removeprefix("@").lower()
    if not re.fullmatch(r"[a-z0-9_]{1,15}", handle):
        raise InvalidInput(_("Nama akun X tidak valid."), code="invalid_x_handle", field="handle")
    return handle


def identity_masked(*, kind: str, value: str) -> str:
    """Enough of a phone number or address to recognise it on screen, not to read it
    off over someone's shoulder: +62812•••••789, an•••@example.id, @si•••."""
    if kind == "email":
        local, _at, domain = value.partition("@")
        return f"{local[:2]}•••@{domain}"
    if kind == "x":
        return f"@{value[:2]}•••"
    return f"{value[:6]}•••••{value[-3:]}"
