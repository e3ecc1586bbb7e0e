"""What a short message asks for — an SMS to 1708, a direct message to the X
account (DESIGN.md §6): a new report (free text, or
``LAPOR <text>``), the status of a report (``CEK <no>`` / ``STATUS <no>``, or the
number alone), a reply to one (``BALAS <no> <text>``), or help (``INFO`` /
``BANTUAN`` alone: with words after, it is a request for information or a
complaint about aid, a report).

People type on cheap phones in a hurry: keywords are read whatever their case, with
any punctuation or none between keyword and number (``cek:1234 5678 90``,
``Balas#1234567890 sudah``), and a long keyword one slip away (``LAPRO``, ``STAUS``,
``BALSA``) still counts — but only when what follows fits it, so a report that
happens to begin with a similar word (``Balai desa …``) stays a report. Whatever
arrives yields exactly one of the four outcomes; parsing never fails."""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from aduan.reports.tracking import LENGTH, is_valid


@dataclass(frozen=True, slots=True)
class NewReport:
    text: str


@dataclass(frozen=True, slots=True)
class StatusQuery:
    number: str


@dataclass(frozen=True, slots=True)
class Reply:
    number: str
    text: str


class Trouble(StrEnum):
    """Why a message asked for help without saying so (the answer explains)."""

    NONE = ""  # INFO / BANTUAN: plain help
    EMPTY = "empty"
    NUMBER_MISSING = "number_missing"
    NUMBER_INVALID = "number_invalid"
    TEXT_MISSING = "text_missing"


@dataclass(frozen=True, slots=True)
class Help:
    trouble: Trouble = Trouble.NONE


@dataclass(frozen=True, slots=True)
class LinkAccount:
    """Join this door to a web account, by the code the account's page gave (a chat
    channel's own command: Telegram's ``/start <code>``)."""

    code: str


Command = NewReport | StatusQuery | Reply | Help | LinkAccount


class _Kind(StrEnum):
    REPORT = "report"
    STATUS = "status"
    REPLY = "reply"
    HELP = "help"


_KEYWORDS: dict[str, _Kind] = {
    "LAPOR": _Kind.REPORT,
    "LAPORAN": _Kind.REPORT,
    "ADUAN": _Kind.REPORT,
    "CEK": _Kind.STATUS,
    "CEKSTATUS": _Kind.STATUS,
    "STATUS": _Kind.STATUS,
    "CHECK": _Kind.STATUS,
    "BALAS": _Kind.REPLY,
    "BLS": _Kind.REPLY,
    "INFO": _Kind.HELP,
    "BANTUAN": _Kind.HELP,
    "HELP": _Kind.HELP,
}
# Long enough that one slip still says which was meant.
_NEAR = {word: kind for word, kind in _KEYWORDS.items() if len(word) >= 5}

_LEADING_WORD = re.compile(r"[^\w]*([^\W\d_]+)(.*)", re.DOTALL)
_GROUPING = frozenset(".-/#")
_NOISE = re.compile(r"^[^\w]+", re.DOTALL)


def _clean(raw: str) -> str:
    """One line of plain text: compatibility forms folded (full-width digits become
    digits), control characters dropped, runs of spaces made one."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(
        " " if char.isspace() else char for char in text if char.isprintable() or char.isspace()
    )
    return " ".join(text.split())


def _slips(word: str, target: str) -> int:
    """Edits between two words — insertions, deletions, substitutions and swaps of
    neighbours — counted up to 2 (all that matters here)."""
    if abs(len(word) - len(target)) > 1:
        return 2
    previous2: list[int] = []
    previous = list(range(len(target) + 1))
    for i, a in enumerate(word, 1):
        current = [i]
        for j, b in enumerate(target, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == target[j - 2] and word[i - 2] == b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return min(previous[-1], 2)


def _keyword(word: str) -> tuple[_Kind, bool] | None:
    """The command a word names, and whether it was named exactly."""
    upper = word.upper()
    if upper in _KEYWORDS:
        return _KEYWORDS[upper], True
    near = [kind for target, kind in _NEAR.items() if _slips(upper, target) == 1]
    if len(set(near)) == 1:
        return near[0], False
    return None


def _number(rest: str) -> tuple[str | None, str, bool]:
    """A tracking number at the start of ``rest`` (ten digits, possibly grouped by
    spaces, dots, dashes or slashes, possibly glued to what follows): the number if
    valid, what follows it, and whether there were digits at all."""
    digits = ""
    position = 0
    for position, char in enumerate(rest):  # noqa: B007 (read after the loop)
        if len(digits) == LENGTH:
            break
        if char.isascii() and char.isdigit():
            digits += char
        elif not (char.isspace() or char in _GROUPING):
            break
    else:
        position = len(rest)
    after = rest[position:]
    if not digits:
        return None, rest.strip(), False
    # An eleventh digit means it was never a tracking number.
    valid = is_valid(digits) and not after[:1].isdigit()
    return (digits if valid else None), _NOISE.sub("", after.strip()), True


def command_parse(raw: str) -> Command:
    """What the message asks for; never raises."""
    text = _clean(raw)
    if not text:
        return Help(Trouble.EMPTY)
    alone, after, _had_digits = _number(text)
    if alone is not None and not after:
        return StatusQuery(alone)  # the number alone: where does it stand?
    match = _LEADING_WORD.fullmatch(text)
    found = _keyword(match.group(1)) if match else None
    if match is None or found is None:
        return NewReport(text)
    kind, exact = found
    rest = _NOISE.sub("", match.group(2).strip())
    if kind == _Kind.HELP:
        # Help is the keyword alone. With words after it is a request for
        # information ("info syarat beli gas lpg") or a complaint about aid
        # ("bantuan sosial tidak sampai"): a report, whole.
        return NewReport(text) if rest else Help()
    if kind == _Kind.REPORT:
        if rest:
            return NewReport(rest)
        return Help(Trouble.TEXT_MISSING) if exact else NewReport(text)
    number, after, had_digits = _number(rest)
    if number is None:
        # "Cek lampu jalan …" is Indonesian for "check the street light …": words
        # and no number after CEK are a report; after BALAS they are a reply that
        # lost its number.
        if not exact or (kind == _Kind.STATUS and rest and not had_digits):
            return NewReport(text)
        return Help(Trouble.NUMBER_INVALID if had_digits else Trouble.NUMBER_MISSING)
    if kind == _Kind.STATUS:
        return StatusQuery(number)
    if not after:
        return Help(Trouble.TEXT_MISSING) if exact else NewReport(text)
    return Reply(number, after)


def command_is_report(raw: str) -> bool:
    """Whether the message begins with a report keyword (``LAPOR``, ``ADUAN``, …),
    with or without words after it: on a chat channel ``LAPOR`` alone starts the
    questions for a new report."""
    match = _LEADING_WORD.fullmatch(_clean(raw))
    return match is not None and _KEYWORDS.get(match.group(1).upper()) == _Kind.REPORT
