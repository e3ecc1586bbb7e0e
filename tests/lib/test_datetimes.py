"""The one reading of dates and times from outside (aduan.lib.datetimes): a time
with its offset, kept a year inside the calendar's ends so no later step (UTC,
the local zone, a 90-day window) overflows; anything else refused with a stable
code in the caller's language."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.utils import translation
from pydantic import TypeAdapter, ValidationError

from aduan.lib.datetimes import EARLIEST, LATEST, BoundDatetime, datetime_bound, datetime_parse
from aduan.lib.errors import InvalidInput

JAKARTA = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-28T10:00:00+07:00", datetime(2026, 11, 28, 3, tzinfo=UTC)),
        ("2026-11-28T10:00:00 07:00", datetime(2026, 11, 28, 3, tzinfo=UTC)),  # "+" as a space
        ("2026-11-28T03:00:00Z", datetime(2026, 11, 28, 3, tzinfo=UTC)),
        (" 2026-11-28T03:00:00.5-00:00 ", datetime(2026, 11, 28, 3, 0, 0, 500_000, tzinfo=UTC)),
        ("0001-01-01T00:00:00+14:00", EARLIEST),
        ("0001-01-01T00:00:00-14:00", EARLIEST),
        ("0001-01-01T00:00:00Z", EARLIEST),
        ("9999-12-31T23:59:59-14:00", LATEST),
        ("9999-12-31T23:59:59+14:00", LATEST),
        ("9999-12-31T23:59:59.999999Z", LATEST),
    ],
)
def test_it_reads_a_time_with_its_offset_within_the_bounds(raw: str, expected: datetime) -> None:
    parsed = datetime_parse(raw, field="start_date")
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "kemarin",
        "2026-11-28T10:00:00",  # no zone: any of 27 hours
        "2026-11-28",
        "2026-02-30T00:00:00Z",
        "2026-11-28T24:00:01Z",
        "2026-11-28T10:00:00+24:00",
        "0000-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
        "\x00",
        "9" * 40,
    ],
)
def test_anything_else_is_refused_with_a_stable_code(raw: str) -> None:
    for language, message in (
        ("id", "start_date harus tanggal-waktu"),
        ("en", "start_date must be"),
    ):
        with translation.override(language), pytest.raises(InvalidInput) as refused:
            datetime_parse(raw, field="start_date")
        assert refused.value.code == "datetime_invalid"
        assert refused.value.field == "start_date"
        assert str(refused.value.message).startswith(message)


def test_the_bounds_leave_room_for_a_window_and_any_zone() -> None:
    """What the callers do next with a bound time: move it by 90 days, show it in
    any zone, subtract it."""
    for moment in (EARLIEST, LATEST):
        assert moment - timedelta(days=365) < moment < moment + timedelta(days=365)
        assert moment.astimezone(timezone(timedelta(hours=14))).tzinfo is not None
        assert moment.astimezone(timezone(timedelta(hours=-14))).tzinfo is not None
    assert datetime_bound(datetime(2026, 11, 28, 10, tzinfo=JAKARTA)) == datetime(
        2026, 11, 28, 3, tzinfo=UTC
    )


def test_the_api_field_bounds_and_refuses_alike() -> None:
    """``BoundDatetime``: RFC 3339, an offset required (pydantic's error, the API's
    400 validation_failed), bounded."""
    field = TypeAdapter(BoundDatetime)
    assert field.validate_python("0001-01-01T00:00:00+14:00") == EARLIEST
    assert field.validate_python("9999-12-31T23:59:59-14:00") == LATEST
    assert field.validate_python("2026-11-28T10:00:00+07:00") == datetime(
        2026, 11, 28, 3, tzinfo=UTC
    )
    with pytest.raises(ValidationError):
        field.validate_python("2026-11-28T10:00:00")
    assert field.json_schema() == {"format": "date-time", "type": "string"}
