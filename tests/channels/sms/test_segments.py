"""SMS lengths and parts: GSM-7 160/153 (the extension table counting two), UCS-2
70/67 in UTF-16 units, and splitting that never cuts a character."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aduan.channels.sms.segments import sms_size, sms_split


@pytest.mark.parametrize(
    ("text", "encoding", "units", "parts"),
    [
        ("", "gsm7", 0, 1),
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("€" * 80, "gsm7", 160, 1),  # two septets each
        ("€" * 81, "gsm7", 162, 2),
        ("Laporan Anda diterima. Nomor: 1234 5678 94.", "gsm7", 43, 1),
        ("é ñ ü à Ä Ö", "gsm7", 11, 1),  # in the default alphabet
        ("“kutip”", "ucs2", 7, 1),  # curly quotes are not GSM-7
        ("x" * 70 + "😀", "ucs2", 72, 2),  # an emoji is two UTF-16 units
        ("ê" * 70, "ucs2", 70, 1),
        ("ê" * 71, "ucs2", 71, 2),
        ("ê" * 134, "ucs2", 134, 2),
        ("ê" * 135, "ucs2", 135, 3),
    ],
)
def test_sizes(text: str, encoding: str, units: int, parts: int) -> None:
    size = sms_size(text)
    assert (size.encoding, size.units, size.parts) == (encoding, units, parts)


def test_an_escape_is_never_cut_from_its_character() -> None:
    text = "a" * 152 + "€" + "b" * 10
    parts = sms_split(text)
    assert parts[0] == "a" * 152 and parts[1].startswith("€")


def test_a_surrogate_pair_is_never_cut() -> None:
    text = "x" * 66 + "😀" + "y" * 5  # 73 units: two parts of at most 67
    parts = sms_split(text)
    assert parts[0] == "x" * 66 and parts[1].startswith("😀")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(max_size=800))
def test_parts_join_back_and_fit(text: str) -> None:
    parts = sms_split(text)
    size = sms_size(text)
    assert "".join(parts) == text and len(parts) == size.parts
    limit = {"gsm7": 153, "ucs2": 67}[size.encoding] if size.parts > 1 else 10**6
    for part in parts:
        units = sum(
            (2 if c in "\f^{}\\[~]|€" else 1)
            if size.encoding == "gsm7"
            else (2 if ord(c) > 0xFFFF else 1)
            for c in part
        )
        assert units <= limit
