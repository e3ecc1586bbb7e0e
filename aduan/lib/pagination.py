"""Keyset (cursor) pagination for API lists.

A cursor is the last key of the previous page, opaque to clients; the next page is
"key greater than the cursor", which an index answers in the same time on page 1 and
page 1,000. Each page also says how many items match in all.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from aduan.lib.errors import InvalidInput

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class PageQuery(Schema):
    cursor: str | None = Field(default=None, description="The `next_cursor` of the previous page.")
    page_size: int = Field(
        default=settings.API_PAGE_SIZE,
        ge=1,
        le=settings.API_MAX_PAGE_SIZE,
        description=f"Items per page, at most {settings.API_MAX_PAGE_SIZE}.",
    )


class Page[T](Schema):
    count: int = Field(description="How many items match in all pages.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    items: list[T]


def _encode(value: object) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def _decode[M: Model](cursor: str, queryset: QuerySet[M], key: str) -> object:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return queryset.model._meta.get_field(key).to_python(raw)  # type: ignore[union-attr]
    except (binascii.Error, UnicodeDecodeError, ValidationError, ValueError):
        raise InvalidInput(
            _("Kursor halaman tidak valid."), code="invalid_cursor", field="cursor"
        ) from None


@dataclass(frozen=True, slots=True)
class PageResult[M: Model]:
    count: int
    next_cursor: str | None
    items: list[M]


def paginate[M: Model](
    queryset: QuerySet[M], page: PageQuery, *, key: str, descending: bool = False
) -> PageResult[M]:
    """One page of ``queryset`` ordered by the unique field ``key`` (largest first
    when ``descending``)."""
    count = queryset.count()
    rows = queryset.order_by(f"-{key}" if descending else key)
    if page.cursor:
        after = "lt" if descending else "gt"
        rows = rows.filter(**{f"{key}__{after}": _decode(page.cursor, queryset, key)})
    items = list(rows[: page.page_size + 1])
    has_more = len(items) > page.page_size
    items = items[: page.page_size]
    return PageResult(
        count=count,
        next_cursor=_encode(getattr(items[-1], key)) if has_more else None,
        items=items,
    )
