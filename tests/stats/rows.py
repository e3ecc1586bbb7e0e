"""Figures written straight into the roll-ups, as the worker would leave them, for
tests of what reads them (metrics, rankings, pages, cards, dashboards)."""

from datetime import date
from typing import Any

from django.db.models import F

from aduan.agencies.models import Agency
from aduan.stats.models import ALL, DURATION_DIMENSIONS, Duration, Rollup


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


def _levels(key: dict[str, Any]) -> list[dict[str, Any]]:
    """The key at each level of region the worker sums at: its regency or city,
    its province, the nation."""
    province = key["province"]
    places = ((province, key["regency"]), (province, ALL), (ALL, ALL))
    return [key | {"province": p, "regency": r} for p, r in places]


def rollup_row(
    agency: str, day: date, *, grain: str = "m", regency: str = "32.74", **counters: Any
) -> Rollup:
    """A roll-up row holding exactly ``counters`` (the others zero), at every level
    of region; returns the regency's."""
    key = _key(agency, day, grain, regency, counters)
    rows: list[Rollup] = [_added(Rollup, level, counters) for level in _levels(key)]
    return rows[0]


def _added(model: Any, key: dict[str, Any], counters: dict[str, int]) -> Any:
    """The row with that key with ``counters`` added (as the worker adds them)."""
    row, created = model.objects.get_or_create(**key, defaults=counters)
    if not created:
        model.objects.filter(pk=row.pk).update(**{n: F(n) + v for n, v in counters.items()})
        row.refresh_from_db()
    return row


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
    key = _key(agency, day, grain, "32.74", {})
    for level in _levels(key):
        place = {name: level[name] for name in ("grain", *DURATION_DIMENSIONS)}
        for days, count in counted.items():
            _added(Duration, place | {"measure": measure, "days": days}, {"count": count})
