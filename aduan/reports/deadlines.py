"""Deadlines of the lifecycle in working days, from the policy table (data, not
code) and the working-day calendar of the responsible agency's region."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from aduan.agencies.models import Agency
from aduan.reports.models import DeadlineKind, DeadlinePolicy
from aduan.workdays.calendar import WorkCalendar, deadline_at

NATIONAL_ZONE = ZoneInfo("Asia/Jakarta")


def policy_for(*, report_type: str, category_id: int | None, on: date) -> DeadlinePolicy:
    """The row in force on ``on``: for the category (or its parent) if one exists,
    else for the type; the latest effective date wins."""
    rows = DeadlinePolicy.objects.filter(report_type=report_type, effective_from__lte=on)
    if category_id is not None:
        rows = rows.filter(
            Q(category__isnull=True)
            | Q(category_id=category_id)
            | Q(category__children=category_id)
        )
    else:
        rows = rows.filter(category__isnull=True)
    ranked = sorted(
        rows.select_related("category"),
        key=lambda row: (
            0 if row.category_id is None else (2 if row.category_id == category_id else 1),
            row.effective_from,
        ),
    )
    if not ranked:
        raise LookupError(f"no deadline policy for {report_type} on {on}")
    return ranked[-1]


@dataclass(frozen=True, slots=True)
class Clock:
    """Where a deadline is counted: a time zone and a working-day calendar."""

    zone: ZoneInfo
    calendar: WorkCalendar

    @classmethod
    def national(cls) -> "Clock":
        return cls(NATIONAL_ZONE, WorkCalendar.for_region(None))

    @classmethod
    def for_agency(cls, agency: Agency | None) -> "Clock":
        """An agency's own zone and regional holidays; central bodies count in WIB."""
        if agency is None or agency.region is None:
            return cls.national()
        return cls(agency.region.zone_info, WorkCalendar.for_region(agency.region.code))

    def after(self, start: datetime, days: int) -> datetime:
        return deadline_at(start, days, zone=self.zone, calendar=self.calendar)


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: str
    at: datetime
    escalate_at: datetime

    def fields(self) -> dict[str, object]:
        return {"deadline_kind": self.kind, "deadline_at": self.at, "escalate_at": self.escalate_at}


NO_DEADLINE: dict[str, object] = {"deadline_kind": "", "deadline_at": None, "escalate_at": None}


def deadline(kind: DeadlineKind, *, start: datetime, days: int, clock: Clock) -> Deadline:
    """Due after ``days`` working days; escalated at twice the allowed time."""
    return Deadline(
        kind=kind, at=clock.after(start, days), escalate_at=clock.after(start, 2 * days)
    )


def completion_days(policy: DeadlinePolicy, *, needs_inspection: bool) -> int:
    if needs_inspection and policy.inspection_completion_days:
        return policy.inspection_completion_days
    return policy.completion_days
