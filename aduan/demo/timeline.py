"""A demo report's history, made up by walking the transition table: each step is
one lifecycle action at a plausible time, applied to the report row exactly as the
service in aduan/reports/services.py would apply it, and written as its event.
Nothing here touches the database; the caller inserts the rows in bulk."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from aduan.demo import texts
from aduan.reports import workflow
from aduan.reports.deadlines import (
    NO_DEADLINE,
    Clock,
    Deadline,
    completion_days,
    deadline,
)
from aduan.reports.models import (
    Action,
    ArchiveReason,
    Channel,
    DeadlineKind,
    DeadlinePolicy,
    Report,
    ReportEvent,
    State,
)
from aduan.workdays.calendar import local_date, working_days_elapsed

NATIONAL = Clock.national()
MINUTE = timedelta(minutes=1)
# Ratings skew positive, as on the peers that publish theirs.
RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (5, 7, 15, 33, 40)
CITIZEN_CHANNELS = frozenset({Channel.WEB, Channel.APP, Channel.SMS, Channel.X, Channel.EMAIL})


class Book(Protocol):
    """The deadline policy and clocks, read once and cached by the caller."""

    national_agency_id: int

    def policy(self, report: Report, at: datetime) -> DeadlinePolicy: ...

    def clock(self, agency_id: int | None) -> Clock: ...


@dataclass(frozen=True, slots=True)
class Target:
    """Where a report goes: the routing suggestion's agency and unit."""

    agency_id: int
    unit_id: int | None


@dataclass(frozen=True, slots=True)
class Route:
    target: Target | None
    # An agency a careless disposition might pick instead; it bounces the report.
    wrong: Target | None = None


@dataclass
class History:
    """One report and its events, changed together as the services change them."""

    report: Report
    book: Book
    events: list[ReportEvent] = field(default_factory=list)
    bounces: int = 0
    info_requests: int = 0
    reopens: int = 0
    follow_ups: int = 0
    extra_follow_ups: int = 0
    # What the handlers write for this kind of work, and the words (street, place,
    # …) drawn once for the report, so that every text about it names the same.
    wording: texts.Wording = field(default_factory=lambda: texts.wording("lainnya", "complaint"))
    words: dict[str, str] = field(default_factory=dict)

    def submit(self, at: datetime, *, role: str) -> None:
        report = self.report
        rules = self.book.policy(report, at)
        report.submitted_at, report.state, report.version = at, State.SUBMITTED, 1
        _set(
            report, deadline(DeadlineKind.VERIFY, start=at, days=rules.verify_days, clock=NATIONAL)
        )
        self._event(
            Action.SUBMIT,
            at,
            from_state="",
            role=role,
            actor_agency=self.book.national_agency_id if role != "citizen" else None,
            channel=report.channel,
        )

    # -- national admin ----------------------------------------------------------

    def dispose(self, at: datetime, target: Target, *, with_unit: bool, inspect: bool) -> None:
        rules = self.book.policy(self.report, at)
        clock = self.book.clock(target.agency_id)
        first = deadline(
            DeadlineKind.FIRST_FOLLOW_UP, start=at, days=rules.first_follow_up_days, clock=clock
        )
        changes = {
            "agency_id": target.agency_id,
            "unit_id": target.unit_id if with_unit else None,
            "needs_inspection": inspect,
            "dispositioned_at": at,
            "completion_due_at": clock.after(at, completion_days(rules, needs_inspection=inspect)),
            **first.fields(),
        }
        self._move(Action.DISPOSE, at, changes, role="national_admin")

    def classify(self, at: datetime, correction: "Correction") -> None:
        """The verifier completes or corrects the report (the services' CLASSIFY
        at verification): the report waits on, the fields change, the event lists
        each change as the service writes it."""
        self._move(
            Action.CLASSIFY, at, correction.changes, role="national_admin", body=correction.body
        )

    def request_info(self, at: datetime, reason: str) -> None:
        days = self.book.policy(self.report, at).supply_info_days
        due = deadline(DeadlineKind.SUPPLY_INFO, start=at, days=days, clock=NATIONAL)
        self.info_requests += 1
        self._move(Action.REQUEST_INFO, at, due.fields(), role="national_admin", reason=reason)

    def archive(self, at: datetime, reason: str, note: str) -> None:
        changes = {"archive_reason": reason, "closed_at": at, **NO_DEADLINE}
        self._move(Action.ARCHIVE, at, changes, role="national_admin", reason=note)

    def intervene(self, at: datetime, reason: str) -> None:
        changes = {"closed_at": at, **NO_DEADLINE}
        self._move(Action.INTERVENE, at, changes, role="national_admin", reason=reason)

    # -- agency --------------------------------------------------------------------

    def assign(self, at: datetime, unit_id: int) -> None:
        self._move(Action.ASSIGN, at, {"unit_id": unit_id}, role="agency_admin")

    def bounce(self, at: datetime, reason: str) -> None:
        due = deadline(
            DeadlineKind.VERIFY,
            start=at,
            days=self.book.policy(self.report, at).verify_days,
            clock=NATIONAL,
        )
        changes = {
            "agency_id": None,
            "unit_id": None,
            "dispositioned_at": None,
            "completion_due_at": None,
            "needs_inspection": False,
            **due.fields(),
        }
        self.bounces += 1
        self._move(Action.BOUNCE, at, changes, role="agency_admin", reason=reason)

    def follow_up(self, at: datetime, text: str) -> None:
        changes: dict[str, object] = {}
        if self.report.state == State.DISPOSITIONED:
            changes = {"first_follow_up_at": at, **self._completion(at).fields()}
        self.follow_ups += 1
        self._move(Action.FOLLOW_UP, at, changes, role=self._staff_role(), body=text)

    def answer(self, at: datetime, text: str) -> None:
        days = self.book.policy(self.report, at).reply_days
        reply = deadline(
            DeadlineKind.REPLY, start=at, days=days, clock=self.book.clock(self.report.agency_id)
        )
        changes = {"answered_at": at, **reply.fields()}
        self._move(Action.ANSWER, at, changes, role=self._staff_role(), body=text)

    def note(self, at: datetime, text: str) -> None:
        """An internal note: an annotation, so neither state nor version changes."""
        self._event(
            Action.NOTE,
            at,
            from_state=self.report.state,
            role=self._staff_role(),
            actor_agency=self.report.agency_id,
            channel=Channel.WEB,
            body=text,
            internal=True,
        )

    # -- reporter and clocks ---------------------------------------------------------

    def supply_info(self, at: datetime, text: str) -> None:
        days = self.book.policy(self.report, at).verify_days
        due = deadline(DeadlineKind.VERIFY, start=at, days=days, clock=NATIONAL)
        self._move(Action.SUPPLY_INFO, at, due.fields(), role="citizen", body=text)

    def confirm(self, at: datetime, rating: int, comment: str) -> None:
        changes = {"rating": rating, "closed_at": at, **NO_DEADLINE}
        self._move(Action.CONFIRM, at, changes, role="citizen", body=comment, rating=rating)

    def reopen(self, at: datetime, reason: str) -> None:
        report = self.report
        clock = self.book.clock(report.agency_id)
        # The working days the answer waited for the reporter are given back.
        if report.answered_at is not None and report.completion_due_at is not None:
            waited = working_days_elapsed(
                report.answered_at, at, zone=clock.zone, calendar=clock.calendar
            )
            if waited:
                report.completion_due_at = clock.after(report.completion_due_at, waited)
        completion = self._completion(at)
        changes = {"answered_at": None, "completion_due_at": completion.at, **completion.fields()}
        self.reopens += 1
        self._move(Action.REOPEN, at, changes, role="citizen", reason=reason)

    def expire_info(self, at: datetime) -> None:
        changes = {"archive_reason": ArchiveReason.NO_REPLY, "closed_at": at, **NO_DEADLINE}
        self._move(Action.EXPIRE_INFO, at, changes, role="system")

    def auto_close(self, at: datetime) -> None:
        self._move(Action.AUTO_CLOSE, at, {"closed_at": at, **NO_DEADLINE}, role="system")

    # -- the row and its event -------------------------------------------------------

    def _completion(self, at: datetime) -> Deadline:
        report = self.report
        clock = self.book.clock(report.agency_id)
        days = completion_days(
            self.book.policy(report, at), needs_inspection=report.needs_inspection
        )
        due = report.completion_due_at or clock.after(report.dispositioned_at or at, days)
        return Deadline(kind=DeadlineKind.COMPLETION, at=due, escalate_at=clock.after(due, days))

    def _staff_role(self) -> str:
        return "liaison" if self.report.unit_id is not None else "agency_admin"

    def _move(
        self,
        action: str,
        at: datetime,
        changes: dict[str, object],
        *,
        role: str,
        reason: str = "",
        body: str = "",
        rating: int | None = None,
    ) -> None:
        report = self.report
        to_state = workflow.next_state(action, report.state)
        if to_state is None:
            raise ValueError(f"{action} is not allowed in {report.state}")
        from_state, actor_agency = report.state, self._actor_agency(role)
        for name, value in changes.items():
            setattr(report, name, value)
        report.state, report.version = to_state, report.version + 1
        self._event(
            action,
            at,
            from_state=from_state,
            role=role,
            actor_agency=actor_agency,
            channel=self._channel(role),
            reason=reason,
            body=body,
            rating=rating,
        )

    def _actor_agency(self, role: str) -> int | None:
        if role == "national_admin":
            return self.book.national_agency_id
        if role in ("agency_admin", "liaison"):
            return self.report.agency_id  # before the change: a bounce empties it
        return None

    def _channel(self, role: str) -> str:
        if role == "system":
            return Channel.SYSTEM
        if role == "citizen" and self.report.channel in CITIZEN_CHANNELS:
            return self.report.channel
        return Channel.WEB

    def _event(
        self,
        action: str,
        at: datetime,
        *,
        from_state: str,
        role: str,
        actor_agency: int | None,
        channel: str,
        reason: str = "",
        body: str = "",
        rating: int | None = None,
        internal: bool = False,
    ) -> None:
        report = self.report
        self.events.append(
            ReportEvent(
                report=report,
                action=action,
                actor_role=role,
                actor_agency_id=actor_agency,
                from_state=from_state,
                to_state=report.state,
                reason=reason,
                body=body,
                channel=channel,
                agency_id=report.agency_id,
                unit_id=report.unit_id,
                rating=rating,
                is_internal=internal,
                created_at=at,
            )
        )


def _set(report: Report, due: Deadline) -> None:
    for name, value in due.fields().items():
        setattr(report, name, value)


# -- when things happen -------------------------------------------------------------


def later(rng: random.Random, clock: Clock, start: datetime, days: int) -> datetime:
    """A moment ``days`` working days after ``start``, during office hours of the
    clock's zone; 0 days is later the same day. Always in UTC, as the services'
    ``timezone.now()`` is, so that ``.date()`` means what it means there."""
    if days <= 0:
        return start + timedelta(minutes=rng.randint(10, 240))
    day = clock.calendar.add_working_days(local_date(start, clock.zone), days)
    moment = time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.combine(day, moment, tzinfo=clock.zone).astimezone(UTC)


def after_deadline(rng: random.Random, due: datetime) -> datetime:
    """When the worker's sweep acts on a deadline that ran out."""
    return due + timedelta(minutes=rng.randint(2, 90))


def _weighted_days(rng: random.Random, spans: tuple[tuple[int, int, int], ...]) -> int:
    """Days from one of (weight, low, high) spans."""
    low, high = rng.choices([(lo, hi) for _w, lo, hi in spans], [w for w, *_ in spans])[0]
    return rng.randint(low, high)


# -- the walk ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pace:
    """How an agency of the seed's story handles its reports: the working days to
    the first follow-up as (weight, low, high) spans (-1: never), and the share of
    final answers given within the completion deadline."""

    first: tuple[tuple[int, int, int], ...]
    on_time: float = 0.85


# Kota Cirebon in 2020: every report followed up within 5 working days.
PROMPT = Pace(first=((1, 0, 4),))
USUAL = Pace(first=((60, 0, 3), (22, 4, 5), (13, 6, 12), (4, 13, 30), (1, -1, -1)))


@dataclass(frozen=True, slots=True)
class Correction:
    """What the verifier sets in place of what the report came with: the right
    category for a citizen's wrong pick; for SMS, e-mail and X, which bring only
    text, its type, category, region and title. ``body``: the event's lines."""

    changes: dict[str, object]
    body: str


@dataclass(frozen=True, slots=True)
class Walk:
    """One report's walk: its randomness, the moment that is "now", where it goes,
    and whether it is a report of the seed's story (handled at the story agency's
    pace, never archived or bounced), a duplicate (merged at verification), or
    filed under a wrong category (corrected at verification)."""

    rng: random.Random
    now: datetime
    route: Route
    story: Pace | None = None
    duplicate: bool = False
    correction: Correction | None = None


Step = Callable[[History, Walk, datetime], datetime | None]


def walk(history: History, plan: Walk) -> None:
    """Move the submitted report on, one action at a time, until it is closed or
    archived or its next action would fall after ``plan.now``."""
    at: datetime | None = history.report.submitted_at
    while at is not None:
        step = _STEPS.get(history.report.state)
        if step is None:
            break
        at = step(history, plan, at)
    _alerts_settled(history.report, plan.now)


def _alerts_settled(report: Report, now: datetime) -> None:
    """The sweeps' steps of the past count as taken: a demo's staff are reminded of
    deadlines that pass from now on, not of years of history at first start."""
    if report.deadline_kind in (DeadlineKind.REPLY, DeadlineKind.SUPPLY_INFO):
        return
    if report.deadline_at is not None and report.deadline_at > now:
        report.alert_at = report.deadline_at
    elif report.escalate_at is not None and report.escalate_at > now:
        report.alert_at = report.escalate_at
    else:
        report.alert_at = None


def _when(candidate: datetime, previous: datetime, plan: Walk) -> datetime | None:
    """The event's moment, strictly after the previous one; None when it is still to
    come."""
    moment = max(candidate, previous + MINUTE)
    return moment if moment <= plan.now else None


def _verify(history: History, plan: Walk, previous: datetime) -> datetime | None:
    rng, route = plan.rng, plan.route
    days = _weighted_days(rng, ((55, 0, 1), (30, 2, 3), (15, 4, 8)))
    at = _when(later(rng, NATIONAL, previous, days), previous, plan)
    if at is None:
        return None
    roll = rng.random()
    if plan.duplicate and route.target is not None:
        # Completed (when it came bare), then merged as report_archive merges:
        # archived as a duplicate of the original (the writer sets duplicate_of
        # once the original has its id).
        at = _corrected(history, plan, at)
        if at is None:
            return None
        history.archive(at, ArchiveReason.DUPLICATE, texts.DUPLICATE_NOTE)
        return at
    if route.target is None or (not plan.story and roll < 0.06):
        reason = ArchiveReason.OUT_OF_SCOPE if route.target is None else _archive_reason(rng)
        history.archive(at, reason, rng.choice(texts.ARCHIVE_NOTES[reason]))
    elif not plan.story and roll < 0.13 and history.info_requests == 0:
        history.request_info(at, rng.choice(texts.REQUEST_INFO_REASONS))
    else:
        at = _corrected(history, plan, at)
        if at is None:
            return None
        if route.wrong is not None and not plan.story and history.bounces == 0 and roll < 0.19:
            history.dispose(at, route.wrong, with_unit=False, inspect=False)
        else:
            inspect = history.report.type == "complaint" and rng.random() < 0.04
            history.dispose(at, route.target, with_unit=rng.random() < 0.5, inspect=inspect)
    return at


def _corrected(history: History, plan: Walk, at: datetime) -> datetime | None:
    """Completed or corrected once, at the first verification that sends it on,
    and the next step a minute later (both before "now", or neither)."""
    correction = plan.correction
    if correction is None or any(e.action == Action.CLASSIFY for e in history.events):
        return at
    then = _when(at + MINUTE, at, plan)
    if then is not None:
        history.classify(at, correction)
    return then


def _archive_reason(rng: random.Random) -> str:
    return rng.choices(
        (
            ArchiveReason.INCOMPLETE,
            ArchiveReason.SPAM,
            ArchiveReason.OUT_OF_SCOPE,
            ArchiveReason.NOT_PUBLIC_SERVICE,
        ),
        (45, 20, 20, 15),
    )[0]


def _supply_info(history: History, plan: Walk, previous: datetime) -> datetime | None:
    rng, report = plan.rng, history.report
    assert report.deadline_at is not None
    answered = later(rng, NATIONAL, previous, rng.randint(0, 8))
    if rng.random() < 0.6 and answered <= report.deadline_at:
        at = _when(answered, previous, plan)
        if at is not None:
            history.supply_info(at, fill(rng, rng.choice(texts.SUPPLY_INFO), **history.words))
        return at
    at = _when(after_deadline(rng, report.deadline_at), previous, plan)
    if at is not None:
        history.expire_info(at)
    return at


def _agency_first(history: History, plan: Walk, previous: datetime) -> datetime | None:
    """A dispositioned report: bounced, assigned to a unit, or followed up."""
    rng, report, route = plan.rng, history.report, plan.route
    clock = history.book.clock(report.agency_id)
    if route.wrong is not None and report.agency_id == route.wrong.agency_id:
        at = _when(later(rng, clock, previous, rng.randint(1, 4)), previous, plan)
        if at is not None:
            history.bounce(at, rng.choice(texts.BOUNCE_REASONS))
        return at
    target = route.target
    if report.unit_id is None and target is not None and target.unit_id is not None:
        at = _when(later(rng, clock, previous, rng.randint(0, 2)), previous, plan)
        if at is not None:
            history.assign(at, target.unit_id)
        return at
    return _first_follow_up(history, plan, previous, clock)


def _first_follow_up(
    history: History, plan: Walk, previous: datetime, clock: Clock
) -> datetime | None:
    rng, report = plan.rng, history.report
    assert report.dispositioned_at is not None
    days = _weighted_days(rng, (plan.story or USUAL).first)
    if days < 0:  # never answered: the national admin steps in, or it stays overdue
        if rng.random() < 0.5:
            return None
        at = _when(later(rng, NATIONAL, report.dispositioned_at, 30), previous, plan)
        if at is not None:
            history.intervene(at, rng.choice(texts.INTERVENE_REASONS))
        return at
    at = _when(later(rng, clock, report.dispositioned_at, days), previous, plan)
    if at is not None:
        history.extra_follow_ups = rng.choices((0, 1, 2), (60, 30, 10))[0]
        history.follow_up(at, rng.choice(history.wording.follow_ups))
    return at


def _agency_more(history: History, plan: Walk, previous: datetime) -> datetime | None:
    """In progress: more follow-ups, an internal note now and then, then the answer
    within the completion deadline (mostly)."""
    rng, report = plan.rng, history.report
    clock = history.book.clock(report.agency_id)
    if history.follow_ups <= history.extra_follow_ups:
        at = _when(later(rng, clock, previous, rng.randint(1, 4)), previous, plan)
        if at is not None:
            if rng.random() < 0.1:  # staff talk among themselves between follow-ups
                history.note(previous + (at - previous) / 2, rng.choice(texts.NOTES))
            history.follow_up(at, rng.choice(history.wording.follow_ups))
        return at
    assert report.completion_due_at is not None
    if report.completion_due_at > previous and rng.random() < (plan.story or USUAL).on_time:
        room = working_days_elapsed(
            previous, report.completion_due_at, zone=clock.zone, calendar=clock.calendar
        )
        days = rng.randint(0, max(0, room))
    else:
        days = rng.randint(1, 15)
    at = _when(later(rng, clock, previous, days), previous, plan)
    if at is not None:
        history.answer(at, rng.choice(history.wording.answers))
    return at


def _reporter_reply(history: History, plan: Walk, previous: datetime) -> datetime | None:
    rng, report = plan.rng, history.report
    assert report.deadline_at is not None
    roll = rng.random()
    if roll < 0.06 and history.reopens == 0 and not plan.story:
        reply = later(rng, NATIONAL, previous, rng.randint(1, 6))
        if reply <= report.deadline_at:
            at = _when(reply, previous, plan)
            if at is not None:
                history.reopen(at, rng.choice(texts.REOPEN_REASONS))
            return at
    elif roll < 0.55:
        reply = later(rng, NATIONAL, previous, rng.randint(0, 9))
        if reply <= report.deadline_at:
            at = _when(reply, previous, plan)
            if at is not None:
                rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
                history.confirm(at, rating, rng.choice(texts.CONFIRM_COMMENTS))
            return at
    at = _when(after_deadline(rng, report.deadline_at), previous, plan)
    if at is not None:
        history.auto_close(at)
    return at


_STEPS: dict[str, Step] = {
    State.SUBMITTED: _verify,
    State.NEEDS_INFO: _supply_info,
    State.DISPOSITIONED: _agency_first,
    State.IN_PROGRESS: _agency_more,
    State.ANSWERED: _reporter_reply,
}


# -- words ------------------------------------------------------------------------


class _Slots(dict[str, str]):
    """Fills a template's slots: the given ones, else a random street, place, …"""

    def __init__(self, rng: random.Random, given: dict[str, str]) -> None:
        super().__init__(given)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        choices = _WORDS.get(key)
        if choices is None:
            raise KeyError(key)
        return self.rng.choice(choices)


_WORDS: dict[str, tuple[str, ...]] = {
    "jalan": texts.STREETS,
    "tempat": texts.PLACES,
    "sejak": texts.SINCE,
    "jumlah": texts.AMOUNTS,
    "jam": texts.TIMES,
    "nomor": tuple(str(n) for n in range(2, 10)),
}


def fill(rng: random.Random, template: str, **slots: str) -> str:
    """A template with its slots filled: ``slots`` first, the word lists for the rest."""
    return template.format_map(_Slots(rng, slots))
