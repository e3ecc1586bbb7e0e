"""Dates and times that come from outside (query parameters, API fields), read one
way on every surface.

Python's calendar ends at the years 1 and 9999, and a time with an offset may lie
beyond them once it is turned into UTC (``0001-01-01T00:00:00+14:00``) or moved by
a window (a start plus 90 days). So a time that bounds a search is kept within
``EARLIEST`` and ``LATEST``, a year inside either end: "since the year 1" or
"until the year 9999" still means "since always" or "until forever", and no later
step overflows. A time without a zone is refused: it could be any of 27 hours."""

from datetime import UTC, datetime
from typing import Annotated

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, AwareDatetime

from aduan.lib.errors import InvalidInput

EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)


def datetime_bound(value: datetime) -> datetime:
    """``value`` (aware) in UTC, kept within ``EARLIEST`` and ``LATEST``."""
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        # Only the first and last days of the calendar overflow.
        return EARLIEST if value.year == 1 else LATEST
    return min(max(moment, EARLIEST), LATEST)


def datetime_parse(raw: str, *, field: str) -> datetime:
    """A date-time with its offset (ISO 8601 / W3C, as Open311 wants it) from a query
    parameter, bounded as above; anything else is refused in the caller's
    language with the stable code ``datetime_invalid``."""
    # An unescaped "+" of an offset arrives in a query string as a space.
    value = raw.strip().replace(" ", "+")
    try:
        parsed = parse_datetime(value)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise InvalidInput(
            _(
                "%(name)s harus tanggal-waktu W3C dengan zona waktu, misalnya "
                "2026-11-28T10:00:00+07:00."
            )
            % {"name": field},
            code="datetime_invalid",
            field=field,
        )
    return datetime_bound(parsed)


# An API field (django-ninja / pydantic) for a time that bounds a search: RFC 3339
# (an offset required), bounded as above.
BoundDatetime = Annotated[AwareDatetime, AfterValidator(datetime_bound)]
