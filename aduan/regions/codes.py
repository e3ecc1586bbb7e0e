"""Kemendagri region codes: `PP` province, `PP.KK` regency/city (KK 01–69 a regency,
71–99 a city), `PP.KK.CC` district, `PP.KK.CC.NNNN` village (first digit 1 a
kelurahan, 2 a desa). Never mixed with BPS codes, which differ for some areas."""

import re

from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput

PROVINCE, REGENCY, DISTRICT, VILLAGE = "province", "regency", "district", "village"
LEVELS = (PROVINCE, REGENCY, DISTRICT, VILLAGE)

_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", re.ASCII)
_UNDOTTED = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$", re.ASCII)


def format_region_code(raw: str, *, field: str = "code") -> str:
    """The dotted form of a code given dotted or undotted; InvalidInput otherwise."""
    code = raw.strip()
    if _DOTTED.match(code):
        return code
    if _UNDOTTED.match(code):
        parts = [code[0:2], code[2:4], code[4:6], code[6:10]]
        return ".".join(part for part in parts if part)
    raise InvalidInput(
        _("Kode wilayah %(code)s tidak dikenal bentuknya (contoh: 32.74 atau 32.74.01.1001).")
        % {"code": repr(raw[:20])},
        code="invalid_region_code",
        field=field,
    )


def level_of(code: str) -> str:
    return LEVELS[code.count(".")]


def parent_of(code: str) -> str | None:
    return code.rpartition(".")[0] or None
