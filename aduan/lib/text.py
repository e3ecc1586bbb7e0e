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


_SENTENCE_END = (".", "!", "?", "\n")


def title_from_text(text: str, *, maximum: int = 80) -> str:
    """A title for a report that came without one (an SMS, a post): its first
    sentence (if it has three words or more), or as many whole words as fit in
    ``maximum`` characters with an ellipsis; a single word longer than that is cut."""
    first = text.strip()
    for end in _SENTENCE_END:
        head, found, _rest = first.partition(end)
        if found and len(head.split()) >= 3:
            first = head.strip()
    first = " ".join(first.split())
    if len(first) <= maximum:
        return first
    cut = first[: maximum - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"
