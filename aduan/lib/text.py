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
