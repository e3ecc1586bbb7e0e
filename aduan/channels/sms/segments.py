"""How long an SMS is, and how a long text is cut into the parts of a concatenated
SMS (3GPP TS 23.038 / 23.040).

A text whose every character is in the GSM 7-bit default alphabet (or its extension
table, which costs two septets: an escape and the character) travels as GSM-7: 160
septets in one SMS, 153 per part once it must be split (the user-data header takes
the rest). Any other character — an emoji, a curly quote, most scripts — makes the
whole message UCS-2: 70 UTF-16 code units in one SMS, 67 per part. A part never
ends between an escape and its character, nor between the halves of a surrogate
pair."""

from dataclasses import dataclass
from typing import Literal

# The default alphabet, in table order (0x1B, the escape, left out).
_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as the escape and a second septet.
_EXTENDED = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

Encoding = Literal["gsm7", "ucs2"]


@dataclass(frozen=True, slots=True)
class Size:
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def is_gsm7(text: str) -> bool:
    return all(char in _BASIC or char in _EXTENDED for char in text)


def _cost(char: str, encoding: Encoding) -> int:
    if encoding == "gsm7":
        return 2 if char in _EXTENDED else 1
    return 2 if ord(char) > 0xFFFF else 1


def sms_size(text: str) -> Size:
    """The encoding a text needs, its length in that encoding's units, and how many
    SMS it takes."""
    encoding: Encoding = "gsm7" if is_gsm7(text) else "ucs2"
    units = sum(_cost(char, encoding) for char in text)
    single, part = (GSM7_SINGLE, GSM7_PART) if encoding == "gsm7" else (UCS2_SINGLE, UCS2_PART)
    parts = 1 if units <= single else -(-units // part)
    return Size(encoding=encoding, units=units, parts=parts)


def sms_split(text: str) -> list[str]:
    """The text as the parts of one (concatenated) SMS, each within its limit; a
    character is never cut in two. An empty text is one empty SMS."""
    size = sms_size(text)
    if size.parts <= 1:
        return [text]
    limit = GSM7_PART if size.encoding == "gsm7" else UCS2_PART
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        cost = _cost(char, size.encoding)
        if used + cost > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += cost
    parts.append("".join(current))
    return parts
