"""Deadlines of the lifecycle in working days, from the policy table (data, not
code) and the working-day calendar of the responsible agency's region."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.lib.memo import reference_memo
from aduan.reports.models import DeadlineKind, DeadlinePolicy
from aduan.workdays.calendar import WorkCalendar, deadline_at

NATIONAL_ZONE = ZoneInfo("Asia/Jakarta")


@reference_memo()
def _policies() -> tuple[DeadlinePolicy, ...]:
    return tuple(DeadlinePolicy.objects.order_by("effective_from", "id"))


@reference_memo()
def _category_parents() -> dict[int, int | None]:
    return dict(Category.objects.values_list("id", "parent_id"))


def policy_for(*, report_type: str, category_id: int | None, on: date) -> DeadlinePolicy:
    """The row in force on ``on``: for the category (or its parent) if one exists,
    else for the type; the latest effective date wins."""
    parent_id = _category_parents().get(category_id) if category_id is not None else None

    def specificity(row: DeadlinePolicy) -> int:
        if row.category_id is None:
            return 0
        return 2 if row.category_id == category_id else 1

    candidates = [
        row
        for row in _policies()
        if row.report_type == report_type
        and row.effective_from <= on
        and row.category_id in (None, category_id, parent_id)
    ]
    if not candidates:
        raise LookupError(f"no deadline policy for {report_type} on {on}")
    return max(candidates, key=lambda row: (specificity(row), row.effective_from))


@reference_memo(maxsize=1024)
def _calendar(region_code: str | None) -> WorkCalendar:
    return WorkCalendar.for_region(region_code)


@dataclass(frozen=True, slots=True)
class Clock:
    """Where a deadline is counted: a time zone and a working-day calendar."""

    zone: ZoneInfo
    calendar: WorkCalendar

    @classmethod
    def national(cls) -> "Clock":
        return cls(NATIONAL_ZONE, _calendar(None))

    @classmethod
    def for_agency(cls, agency: Agency | None) -> "Clock":
        """An agency's own zone and regional holidays; central bodies count in WIB."""
        if agency is None or agency.region is None:
            return cls.national()
        return cls(agency.region.zone_info, _calendar(agency.region.code))

    def after(self, start: datetime, days: int) -> datetime:
        return deadline_at(start, days, zone=self.zone, calendar=self.calendar)


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: str
    at: datetime
    escalate_at: datetime

    def fields(self) -> dict[str, object]:
        return {
            "deadline_kind": self.kind,
            "deadline_at": self.at,
            "escalate_at": self.escalate_at,
            "alert_at": self.at,
        }


NO_DEADLINE: dict[str, object] = {
    "deadline_kind": "",
    "deadline_at": None,
    "escalate_at": None,
    "alert_at": None,
}


def deadline(kind: DeadlineKind, *, start: datetime, days: int, clock: Clock) -> Deadline:
    """Due after ``days`` working days; escalated at twice the allowed time."""
    return Deadline(
        kind=kind, at=clock.after(start, days), escalate_at=clock.after(start, 2 * days)
    )


def completion_days(policy: DeadlinePolicy, *, needs_inspection: bool) -> int:
    if needs_inspection and policy.inspection_completion_days:
        return policy.inspection_completion_days
    return policy.completion_days
