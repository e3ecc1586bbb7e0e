"""What one report contributes to the statistics, worked out from its timeline
alone (DESIGN.md §8) — the same function for the worker's incremental updates and
for ``rebuild_stats``, so the two cannot disagree.

A report contributes one row as a whole (agency 0: national and regional
figures, counted on the day it was submitted) and one row for each agency's time
with it (a *holding*: from the disposition to that agency until it bounced the
report, passed it on, or for good), counted on the day the agency received it.
An agency is measured on what it held: it received the report, it followed up
(first follow-up within the policy's working days, or late), it completed (its
final follow-up within the type's completion days, or late), it bounced it; the
closing and the citizen's rating belong to the agency that held the report last.

Working days are counted in the agency's own time zone and calendar (its regional
holidays), as its deadlines are.

A report still open whose deadline has not passed ``now`` is neither on time nor
late: it is *waiting* (``first_waiting``, ``completion_waiting``), and the shares
leave it out of their denominators (``Metrics.first_due``). The moment its deadline
passes, the fact changes: ``Fact.changes_at`` says when, and the worker works the
report out again then (a ``Pending`` row queued for that moment)."""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.reports.deadlines import Clock, completion_days, policy_for
from aduan.reports.models import OPEN_STATES, Action, DeadlinePolicy, State
from aduan.stats.models import COUNTERS
from aduan.workdays.calendar import local_date, working_days_elapsed

# A rating at or above this is "satisfied" (on the 1–5 scale).
SATISFIED_FROM = 4

_FOLLOW_UPS = frozenset({Action.FOLLOW_UP, Action.ANSWER})
_TO_AGENCY = frozenset({Action.DISPOSE, Action.REDISPOSE})
_CLOSINGS = {
    Action.CONFIRM: "closed_confirmed",
    Action.AUTO_CLOSE: "closed_auto",
    Action.INTERVENE: "closed_intervened",
}


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The report's own fields the statistics read."""

    id: int
    type: str
    category_id: int | None
    region_id: str | None
    channel: str
    state: str
    needs_inspection: bool
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event of the timeline, in order: ``agency_id`` is the report's agency
    after it, ``actor_agency_id`` the agency of whoever acted."""

    action: str
    created_at: datetime
    agency_id: int | None = None
    actor_agency_id: int | None = None
    rating: int | None = None


@dataclass(slots=True)
class Fact:
    """One contribution: its key, its counts and its two durations (working days,
    None when it has not happened)."""

    agency_id: int
    province: str
    regency: str
    day: date
    type: str
    category_id: int
    channel: str
    counts: dict[str, int] = field(default_factory=dict)
    first_days: int | None = None
    completion_days: int | None = None
    # When a waiting count runs out (its deadline): not stored, scheduled.
    changes_at: datetime | None = None

    def key(self) -> tuple[Any, ...]:
        return (
            self.agency_id,
            self.province,
            self.regency,
            self.day,
            self.type,
            self.category_id,
            self.channel,
        )

    def add(self, name: str, amount: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + amount

    def wait(self, name: str, due: datetime, now: datetime) -> None:
        """Counts ``name`` as waiting when its deadline ``due`` is still ahead."""
        if now < due:
            self.add(name)
            self.changes_at = min(due, self.changes_at or due)

    def values(self) -> tuple[int, ...]:
        return tuple(self.counts.get(name, 0) for name in COUNTERS)


@dataclass(slots=True)
class _Holding:
    agency_id: int
    start: datetime
    first: datetime | None = None
    answered: datetime | None = None
    bounced: bool = False
    reopened: int = 0


class Book:
    """The clocks and deadline policies the facts read again and again, looked up
    once for a batch of reports (a rebuild reads millions)."""

    def __init__(self) -> None:
        self.national = Clock.national()
        self._clocks: dict[int, Clock] = {}
        # The policy in force changes only on the rows' effective dates: between two
        # of them it is the same row, so it is looked up once per stretch.
        self._changes = sorted(set(DeadlinePolicy.objects.values_list("effective_from", flat=True)))
        self._policies: dict[tuple[str, int | None, int], DeadlinePolicy] = {}

    def clock(self, agency_id: int) -> Clock:
        clock = self._clocks.get(agency_id)
        if clock is None:
            agency = Agency.objects.select_related("region").filter(pk=agency_id).first()
            clock = self._clocks[agency_id] = Clock.for_agency(agency)
        return clock

    def policy(self, report: "ReportRow", start: datetime) -> DeadlinePolicy:
        """The deadline policy in force when the agency's clock started."""
        day = local_date(start, self.national.zone)
        key = (report.type, report.category_id, bisect.bisect_right(self._changes, day))
        policy = self._policies.get(key)
        if policy is None:
            policy = self._policies[key] = policy_for(
                report_type=report.type, category_id=report.category_id, on=day
            )
        return policy


def report_facts(
    report: ReportRow,
    events: Sequence[EventRow],
    book: Book | None = None,
    *,
    now: datetime | None = None,
) -> list[Fact]:
    """The report's contributions as of ``now``, the whole report's first."""
    book = book or Book()
    now = now or timezone.now()
    still_open = report.state in OPEN_STATES
    regency = (report.region_id or "")[:5]

    def fact(agency_id: int, day: date) -> Fact:
        return Fact(
            agency_id=agency_id,
            province=regency[:2],
            regency=regency,
            day=day,
            type=report.type,
            category_id=report.category_id or 0,
            channel=report.channel,
        )

    holdings: list[_Holding] = []
    current: _Holding | None = None
    closing = ""
    rating: int | None = None
    bounces = reopens = 0
    for event in events:
        action = event.action
        if action in _TO_AGENCY and event.agency_id:
            if current is None or current.agency_id != event.agency_id:
                current = _Holding(agency_id=event.agency_id, start=event.created_at)
                holdings.append(current)
        elif action == Action.BOUNCE:
            bounces += 1
            if current is not None:
                current.bounced = True
                current = None
        elif action in _FOLLOW_UPS and current is not None:
            current.first = current.first or event.created_at
            if action == Action.ANSWER:
                current.answered = current.answered or event.created_at
        elif action == Action.REOPEN:
            reopens += 1
            if current is not None:
                current.reopened += 1
        if action in _CLOSINGS:
            closing = _CLOSINGS[Action(action)]
            rating = event.rating if action == Action.CONFIRM else None
        elif action == Action.REOPEN:
            closing, rating = "", None
    if report.state == State.ARCHIVED:
        closing, rating = "archived", None
    elif report.state != State.CLOSED:
        closing, rating = "", None

    whole = fact(0, local_date(report.submitted_at, book.national.zone))
    whole.add("received")
    if holdings:
        whole.add("dispositioned")
    whole.add("bounced", bounces)
    whole.add("reopened", reopens)
    _closed(whole, closing, rating)
    facts = [whole]
    # The whole report is measured from its first disposition, in the clock of
    # the agency that did the work.
    followed = next((h for h in holdings if h.first is not None), None)
    answered = next((h for h in holdings if h.answered is not None), None)
    if holdings:
        start = holdings[0].start
        if followed is not None and followed.first is not None:
            whole.first_days = _first(whole, book, report, start, followed)
        if answered is not None and answered.answered is not None:
            whole.completion_days = _completed(whole, book, report, start, answered)
        if still_open:
            clock = book.clock(holdings[-1].agency_id)
            _waiting(
                whole,
                book,
                report,
                start,
                clock,
                now,
                first=followed is None,
                completion=answered is None,
            )
    elif still_open:
        # Not sent to any agency yet: due as if verified in time and sent on.
        verify = book.policy(report, report.submitted_at).verify_days
        _waiting(
            whole,
            book,
            report,
            report.submitted_at,
            book.national,
            now,
            first=True,
            completion=True,
            extra_days=verify,
        )
    for index, holding in enumerate(holdings):
        clock = book.clock(holding.agency_id)
        held = fact(holding.agency_id, local_date(holding.start, clock.zone))
        held.add("received")
        held.add("dispositioned")
        if holding.bounced:
            held.add("bounced")
        held.add("reopened", holding.reopened)
        if holding.first is not None:
            held.first_days = _first(held, book, report, holding.start, holding)
        if holding.answered is not None:
            held.completion_days = _completed(held, book, report, holding.start, holding)
        if index == len(holdings) - 1 and not holding.bounced:
            _closed(held, closing, rating)
            if still_open:
                _waiting(
                    held,
                    book,
                    report,
                    holding.start,
                    clock,
                    now,
                    first=holding.first is None,
                    completion=holding.answered is None,
                )
        facts.append(held)
    return facts


def _first(fact: Fact, book: Book, report: ReportRow, start: datetime, by: _Holding) -> int:
    """Counts the first follow-up of ``by`` (the holding that made it), measured
    from ``start``; returns its working days."""
    assert by.first is not None
    clock = book.clock(by.agency_id)
    days = working_days_elapsed(start, by.first, zone=clock.zone, calendar=clock.calendar)
    fact.add("followed_up")
    fact.add(
        "first_on_time" if days <= book.policy(report, start).first_follow_up_days else "first_late"
    )
    return days


def _completed(fact: Fact, book: Book, report: ReportRow, start: datetime, by: _Holding) -> int:
    """Counts the final follow-up of ``by``, measured from ``start``."""
    assert by.answered is not None
    clock = book.clock(by.agency_id)
    days = working_days_elapsed(start, by.answered, zone=clock.zone, calendar=clock.calendar)
    allowed = completion_days(book.policy(report, start), needs_inspection=report.needs_inspection)
    fact.add("completed")
    fact.add("completed_on_time" if days <= allowed else "completed_late")
    return days


def _waiting(
    fact: Fact,
    book: Book,
    report: ReportRow,
    start: datetime,
    clock: Clock,
    now: datetime,
    *,
    first: bool,
    completion: bool,
    extra_days: int = 0,
) -> None:
    """Counts the follow-ups not made yet whose deadline is still ahead of ``now``:
    not yet due, so neither on time nor late."""
    policy = book.policy(report, start)
    if first:
        fact.wait(
            "first_waiting", clock.after(start, extra_days + policy.first_follow_up_days), now
        )
    if completion:
        allowed = completion_days(policy, needs_inspection=report.needs_inspection)
        fact.wait("completion_waiting", clock.after(start, extra_days + allowed), now)


def _closed(fact: Fact, closing: str, rating: int | None) -> None:
    if closing:
        fact.add(closing)
    if rating is not None:
        fact.add("rating_count")
        fact.add("rating_sum", rating)
        if rating >= SATISFIED_FROM:
            fact.add("satisfied")
