"""Tracking numbers: ten digits a person can read out and type on a phone keypad.

Nine random digits (the first never 0) and a Damm check digit. Random, so a number
reveals neither how many reports exist nor its neighbours'; the Damm check digit
catches every single wrong digit and every swap of two neighbouring digits, so a
typo is refused before any lookup.
"""

import re
import secrets

from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput

LENGTH = 10

# The Damm algorithm's table: a totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s.\-/#]")


def _damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][ord(digit) - 48]
    return interim


def check_digit(digits: str) -> str:
    return str(_damm(digits))


def is_valid(number: str) -> bool:
    return len(number) == LENGTH and number.isascii() and number.isdigit() and _damm(number) == 0


def tracking_number_new() -> str:
    body = str(secrets.randbelow(9 * 10 ** (LENGTH - 2)) + 10 ** (LENGTH - 2))
    return body + check_digit(body)


def tracking_number_parse(raw: str) -> str:
    """The number as stored, from what a person typed (spaces, dots, dashes and a
    leading # allowed); InvalidInput when it cannot be a tracking number."""
    number = _SEPARATORS.sub("", raw or "")
    if not is_valid(number):
        raise InvalidInput(
            _("Nomor laporan %(number)s tidak valid. Periksa kembali angkanya.")
            % {"number": (raw or "")[:20]},
            code="invalid_tracking_number",
            field="tracking_number",
        )
    return number


def tracking_number_display(number: str) -> str:
    """Grouped for reading out: 1234 5678 90."""
    return f"{number[:4]} {number[4:8]} {number[8:]}"
