"""Figures written straight into the roll-ups, as the worker would leave them, for
tests of what reads them (metrics, rankings, pages, cards, dashboards)."""

from datetime import date
from typing import Any

from aduan.agencies.models import Agency
from aduan.stats.models import Duration, Rollup


def _key(agency: str, day: date, grain: str, regency: str, dims: dict[str, Any]) -> dict[str, Any]:
    """A roll-up key: the agency by code ("" for the report as a whole) or by
    ``agency_id``, a web complaint without a category in Kota Cirebon unless
    ``dims`` say otherwise."""
    return {
        "grain": grain,
        "agency_id": dims.pop("agency_id", None)
        or (Agency.objects.get(code=agency).pk if agency else 0),
        "province": dims.pop("province", regency[:2]),
        "regency": regency,
        "day": day,
        "type": dims.pop("type", "complaint"),
        "category_id": dims.pop("category_id", 0),
        "channel": dims.pop("channel", "web"),
    }


def rollup_row(
    agency: str, day: date, *, grain: str = "m", regency: str = "32.74", **counters: Any
) -> Rollup:
    """A roll-up row holding exactly ``counters`` (the others zero)."""
    return Rollup.objects.create(**_key(agency, day, grain, regency, counters), **counters)


def handled(
    agency: str,
    day: date,
    received: int,
    on_time: int | None = None,
    *,
    followed_up: int | None = None,
    grain: str = "m",
    regency: str = "32.74",
    **counters: Any,
) -> Rollup:
    """Reports received and dispositioned, followed up (all unless ``followed_up``
    says), ``on_time`` of those on time (all by default), the rest late."""
    followed = received if followed_up is None else followed_up
    in_time = followed if on_time is None else on_time
    fields = {
        "received": received,
        "dispositioned": received,
        "followed_up": followed,
        "first_on_time": in_time,
        "first_late": followed - in_time,
    }
    return rollup_row(agency, day, grain=grain, regency=regency, **(fields | counters))


def durations(
    agency: str, day: date, measure: str, counted: dict[int, int], *, grain: str = "m"
) -> None:
    """How many reports took how many working days (``{days: count}``)."""
    for days, count in counted.items():
        Duration.objects.create(
            **_key(agency, day, grain, "32.74", {}), measure=measure, days=days, count=count
        )
