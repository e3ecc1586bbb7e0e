"""One error hierarchy for the whole project.

Services and selectors raise these; every surface (API, pages, channels) turns them
into its own answer. ``code`` is stable and machine-readable; ``message`` is a
translatable sentence for people.
"""

from typing import ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AduanError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "invalid"
    default_message: ClassVar[str | Promise] = _("Permintaan tidak valid.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.field = field
        super().__init__(str(self.message))


class InvalidInput(AduanError):
    status = 400
    default_code = "invalid_input"
    default_message = _("Data yang dikirim tidak valid.")


class NotFound(AduanError):
    status = 404
    default_code = "not_found"
    default_message = _("Data tidak ditemukan.")


class NotPermitted(AduanError):
    status = 403
    default_code = "not_permitted"
    default_message = _("Anda tidak berhak melakukan tindakan ini.")


class Conflict(AduanError):
    status = 409
    default_code = "conflict"
    default_message = _("Data sudah diubah oleh orang lain. Muat ulang lalu coba lagi.")
