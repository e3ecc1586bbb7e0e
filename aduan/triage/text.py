"""Text as triage reads it: what a complaint says, not how it was typed.

Lower case; addresses on the web, e-mail addresses, phone numbers and tracking
numbers become one token each (that a report names a phone number says something; the
number itself says nothing) and other numbers are dropped; the usual other spellings
are read as their word ("jln" as "jalan"); stop words go; each word is stemmed by the
search's Sastrawi stemmer. Text that is already stemmed (Lapor Gub's) comes out the
same or nearly: a stem stems to itself.
"""

import functools
import re
from dataclasses import dataclass

from aduan.reports import tracking
from aduan.reports.search import as_written, stem, stop_words

# Tokens that stand for what was removed. Letters only, so that both the word and the
# character features see them as one word; none is an Indonesian word.
URL = "xtautanx"
EMAIL = "xsurelx"
PHONE = "xteleponx"
TRACKING = "xnomorlaporanx"
PLACEHOLDERS = frozenset({URL, EMAIL, PHONE, TRACKING})

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|id|net|org|co|ly|me)\b\S*")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Indonesian mobile and fixed numbers as people write them: +62 812-3456-7890,
# 0812 3456 7890, (021) 555 1234.
_PHONE = re.compile(r"(?:\+62|\b62|\(?\b0)[\s\-.()]*\d{2,4}(?:[\s\-.)]*\d{2,5}){1,3}\b")
# Fewer digits than this is a count or a year, not a phone number.
_PHONE_MIN_DIGITS = 9
# A tracking number as written: 1234567890, 1234 5678 90, 1234-5678-90.
_TRACKING = re.compile(r"\b[1-9]\d{3}[\s.\-]?\d{4}[\s.\-]?\d{2}\b")
_NUMBER = re.compile(r"\b\d(?:[\d.,\-/]*\d)?\b")
_WORD = re.compile(r"[^\W_]+")
# What each substitution needs in the text to match at all: most texts have no
# address, e-mail or digit, and the searches for these are far cheaper than the
# substitutions (about a third of reading a text).
_MAYBE_URL = re.compile(r"://|www\.|\.(?:com|id|net|org|co|ly|me)\b")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Token:
    stem: str  # as the model reads it
    written: str  # as the text wrote it (lower case), to show people


def _tracking(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return f" {TRACKING} " if tracking.is_valid(digits) else match.group()


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) >= _PHONE_MIN_DIGITS and not tracking.is_valid(digits):
        return f" {PHONE} "
    return match.group()


def _replace(text: str) -> str:
    # E-mail first: its domain would otherwise be read as a web address.
    if "@" in text:
        text = _EMAIL.sub(f" {EMAIL} ", text)
    if _MAYBE_URL.search(text):
        text = _URL.sub(f" {URL} ", text)
    if _DIGIT.search(text):
        text = _TRACKING.sub(_tracking, text)
        text = _PHONE.sub(_phone, text)
        text = _NUMBER.sub(" ", text)
    return text


def _word(token: str) -> str:
    """A token as one word: digits around letters dropped ("rt01" → "rt", a code
    "lgwp4382" → "lgwp"); a token with digits inside ("p3k") kept whole."""
    if token.isalpha():
        return token
    return token.strip("0123456789")


@functools.lru_cache(maxsize=200_000)
def _read(written: str, stops: bool) -> Token | None:
    """One word as found in the text, as the model reads it; None when it goes.
    Kept: a report's words repeat across reports, and training reads them all."""
    word = _word(written)
    if word in PLACEHOLDERS:
        return Token(word, word)
    if len(word) < 2 or not word.isalpha():
        return Token(word, written) if len(word) >= 2 else None
    removed = stop_words() if stops else frozenset()
    usual = as_written(word)
    if usual in removed:
        return None
    stemmed = stem(usual)
    if stemmed in removed:
        return None
    return Token(stemmed, written)


def tokens(text: str | None, *, stops: bool = True) -> list[Token]:
    """The text's words as the model reads them, each with the word it came from;
    ``stops=False`` keeps the stop words."""
    if not text:
        return []
    read = [_read(written, stops) for written in _WORD.findall(_replace(text.lower()))]
    return [token for token in read if token is not None]


def normalise(text: str | None, *, stops: bool = True) -> str:
    """The text as one line of stems separated by single spaces."""
    return " ".join(token.stem for token in tokens(text, stops=stops))
