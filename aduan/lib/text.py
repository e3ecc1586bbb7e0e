"""Text a person typed, as services accept it."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput


def clean_text(
    value: str | None,
    *,
    field: str,
    maximum: int,
    required: bool = True,
    empty: str | Promise | None = None,
) -> str:
    """The text without surrounding blanks; InvalidInput naming ``field`` when it is
    required and empty (with ``empty`` as the message, if given) or too long."""
    # A NUL character is nothing anyone means to send, and PostgreSQL cannot store it.
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput(empty or _("Isian ini wajib diisi."), code="required", field=field)
    if len(text) > maximum:
        raise InvalidInput(
            _("Isian ini terlalu panjang (paling banyak %(max)s karakter).") % {"max": maximum},
            code="too_long",
            field=field,
        )
    return text


# Abbreviations of Indonesian addresses, titles and names that are written with a
# full stop and go on: a title never ends inside one ("Jl.", "No.", "Kec." …), and
# their full stop ends no sentence. (Not "dll."/"dsb.": those do end a list.)
ABBREVIATIONS = frozenset(
    {
        "jl", "jln", "gg", "no", "rt", "rw", "ds", "dsn", "dk", "kp", "kel", "kec", "kab",
        "kot", "prov", "kav", "blk", "km", "perum", "komp", "tgl", "bpk", "ib", "sdr",
        "sdri", "yth", "dr", "drs", "dra", "ir", "prof", "h", "hj", "kh", "st", "pt", "cv",
        "rs", "rsud", "sdn", "smpn", "sman", "gd", "lt", "ruko", "psr",
    }
)  # fmt: skip


def _is_abbreviation(word: str) -> bool:
    """``Jl.``, ``No``, ``RT.``, an initial (``M.``)."""
    bare = word.rstrip(".").lower()
    return bare in ABBREVIATIONS or (len(bare) == 1 and bare.isalpha())


def _sentence_ends(text: str) -> list[int]:
    """Where a sentence may end: a line break, "!" or "?", or a full stop followed
    by a blank (not "3.5" or "RT.03") that ends no abbreviation."""
    ends = []
    for index, char in enumerate(text):
        if char in "!?\n":
            ends.append(index)
        elif char == "." and (index + 1 == len(text) or text[index + 1].isspace()):
            words = text[: index + 1].split()
            if words and not _is_abbreviation(words[-1]):
                ends.append(index)
    return ends


def _without_trailing_abbreviations(words: list[str]) -> list[str]:
    while len(words) > 1 and _is_abbreviation(words[-1]):
        words = words[:-1]
    return words


def title_from_text(text: str, *, maximum: int = 80) -> str:
    """A title for a report that came without one (an SMS, a post): its first
    sentence (if it has three words or more), or as many whole words as fit in
    ``maximum`` characters with an ellipsis; a single word longer than that is cut.
    Neither ends inside an abbreviation: "Jl. Siliwangi" is not cut after "Jl."."""
    first = text.strip()
    for end in _sentence_ends(first):
        head = first[:end].split()
        if len(head) >= 3 and not _is_abbreviation(head[-1]):
            first = " ".join(head)
            break
    first = " ".join(first.split())
    if len(first) <= maximum:
        return first
    cut = first[: maximum - 1]
    if " " in cut:
        words = _without_trailing_abbreviations(cut.rsplit(" ", 1)[0].split(" "))
        cut = " ".join(words)
    return cut.rstrip(" ,;:-") + "…"
