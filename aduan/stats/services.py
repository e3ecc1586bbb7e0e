"""Keeping the roll-ups (DESIGN.md §8): a change to a report queues it
(``stats_queue``, in the change's own transaction); the worker works out the
queued reports' contributions again and adds the difference to the roll-ups
(``stats_update_due``) — a constant amount of work per change, whatever the size
of the tables. ``stats_rebuild`` works every report out from its timeline and
writes the roll-ups afresh; both use ``report_facts``, so they agree.

A report whose follow-up is not yet due counts as waiting until its deadline; a
``Pending`` row queued for that moment has the worker work it out again then."""

import logging
import multiprocessing
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from tqdm import tqdm

from aduan.reports.models import Report, ReportEvent
from aduan.stats import workers
from aduan.stats.facts import Book, EventRow, Fact, ReportRow, report_facts
from aduan.stats.models import (
    ALL,
    COUNTERS,
    DIMENSIONS,
    DURATION_DIMENSIONS,
    Contribution,
    Duration,
    Grain,
    Pending,
    Rollup,
)

logger = logging.getLogger("aduan.stats")

Key = tuple[Any, ...]

_REPORT_FIELDS = (
    "id",
    "type",
    "category_id",
    "region_id",
    "channel",
    "state",
    "needs_inspection",
    "submitted_at",
)
_EVENT_FIELDS = ("report_id", "action", "created_at", "agency_id", "actor_agency_id", "rating")
# Actions that change no figure: a change that is only one of these queues nothing.
_SILENT = frozenset({"note", "identity_viewed", "remind", "overdue", "escalate", "assign"})


def stats_queue(*, report_id: int, action: str = "", now: datetime | None = None) -> None:
    """Queues the report for the worker, in the caller's transaction: due at once
    (never later than the present, whatever ``now`` the change was dated)."""
    if action in _SILENT:
        return
    present = timezone.now()
    Pending.objects.create(report_id=report_id, queued_at=min(now or present, present))


def stats_follow(*, report: Report, event: ReportEvent, now: datetime) -> None:
    """The reports' follower (``core/followers.py``): each event that changes a
    figure queues its report."""
    stats_queue(report_id=report.pk, action=event.action, now=now)


def stats_update_due(
    *, now: datetime | None = None, limit: int = 500, stop: Callable[[], bool] = lambda: False
) -> int:
    """The worker's job: brings the roll-ups up to date with the queued reports
    that are due (a deadline that passes is queued ahead, for its moment); how many
    reports it worked out."""
    del stop  # one batch is quick; the worker asks again if there was work
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            Pending.objects.filter(queued_at__lte=now)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "report_id")[:limit]
        )
        if not claimed:
            return 0
        report_ids = sorted({report_id for _pk, report_id in claimed})
        # One worker at a time per report (in id order: no deadlock between two):
        # the contributions read below are the ones this transaction replaces.
        list(
            Report.objects.filter(pk__in=report_ids)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
        old = list(Contribution.objects.filter(report_id__in=report_ids))
        new = dict(_facts_of(report_ids, now=now))
        rollups: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
        durations: dict[Key, int] = defaultdict(int)
        for row in old:
            _add(rollups, durations, _fact_of(row), -1)
        for facts in new.values():
            for fact in facts:
                _add(rollups, durations, fact, +1)
        _upsert_rollups({k: v for k, v in rollups.items() if any(v)})
        _upsert_durations({k: v for k, v in durations.items() if v})
        Contribution.objects.filter(report_id__in=report_ids).delete()
        _insert_contributions(
            [
                _contribution_row(report_id, fact)
                for report_id, facts in new.items()
                for fact in facts
            ]
        )
        Pending.objects.filter(pk__in=[pk for pk, _report in claimed]).delete()
        _schedule(_changes(new.items()))
    return len(report_ids)


def stats_rebuild(
    *, progress: bool = False, batch: int = 2000, processes: int = 1, now: datetime | None = None
) -> int:
    """Works every report out from its timeline and writes the contributions
    afresh, then the roll-ups as their sums (the database adds them up: one
    statement per table and grain); returns how many reports. What is queued
    meanwhile stays queued, for the worker to bring in after.

    On PostgreSQL, ``processes`` above one work the reports out in that many
    processes, range by range, while this one writes what they send back — all
    in this process's one transaction. (SQLite has one writer, and the work is
    light enough there: it stays in this process.)"""
    now = now or timezone.now()
    with transaction.atomic():
        last_queued = Pending.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        changes: list[tuple[int, datetime]] = []
        total = Report.objects.count()
        Contribution.objects.all().delete()
        Rollup.objects.all().delete()
        Duration.objects.all().delete()
        done = 0
        with (
            tqdm(total=total, unit=" reports", desc="Statistics", disable=not progress) as bar,
            _ranges_worked(_id_ranges(batch), processes, now) as worked,
        ):
            for count, rows, later in worked:
                _insert_contributions(rows)
                changes.extend(later)
                done += count
                bar.update(count)
        _sum_contributions()
        # What was queued before is worked out now, the deadlines ahead queued afresh.
        Pending.objects.filter(pk__lte=last_queued).delete()
        _schedule(changes)
    logger.info("stats: rebuilt from %s reports", done)
    return done


# Reports worked out, their contributions' rows, and when each changes next.
Worked = tuple[int, list[tuple[Any, ...]], list[tuple[int, datetime]]]


@contextmanager
def _ranges_worked(
    ranges: Iterator[tuple[int, int]], processes: int, now: datetime
) -> Iterator[Iterator[Worked]]:
    """Each range of reports worked out, in order: here, or in other processes."""
    if processes <= 1 or connection.vendor != "postgresql":
        book = Book()
        yield (range_worked(bounds, book, now) for bounds in ranges)
        return
    # A new interpreter each (not a fork of this one, whose connection is in a
    # transaction), reading the same database this process reads.
    context = multiprocessing.get_context("spawn")
    database = dict(connection.settings_dict)
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=workers.start, initargs=(database,)
    ) as pool:
        yield _in_order(pool, ranges, now, ahead=2 * processes)


def _in_order(
    pool: ProcessPoolExecutor, ranges: Iterator[tuple[int, int]], now: datetime, *, ahead: int
) -> Iterator[Worked]:
    """The pool's results in the ranges' order, with only ``ahead`` ranges given
    out at a time (``pool.map`` would give them all, and hold every result until
    this process had written it)."""
    waiting: deque[Future[Worked]] = deque()
    for bounds in ranges:
        waiting.append(pool.submit(workers.range_worked, bounds, now))
        if len(waiting) >= ahead:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()


def range_worked(bounds: tuple[int, int], book: Book, now: datetime) -> Worked:
    """The reports of the id range (both ends included) worked out as of ``now``."""
    worked = list(_facts_of(_ReportRange(*bounds), book, now=now))
    rows = [_contribution_row(report_id, fact) for report_id, facts in worked for fact in facts]
    return len(worked), rows, _changes(worked)


def _changes(worked: Iterable[tuple[int, list[Fact]]]) -> list[tuple[int, datetime]]:
    """Each report whose facts change at a moment ahead (a deadline), and that moment."""
    changes = []
    for report_id, facts in worked:
        moments = [fact.changes_at for fact in facts if fact.changes_at is not None]
        if moments:
            changes.append((report_id, min(moments)))
    return changes


def _schedule(changes: list[tuple[int, datetime]]) -> None:
    """Queues each report for the moment its facts change (the worker takes a
    queued report only once its moment has come)."""
    Pending.objects.bulk_create(
        Pending(report_id=report_id, queued_at=moment) for report_id, moment in changes
    )


# -- working out ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ReportRange:
    """Reports by id, both ends included (a rebuild reads them range by range)."""

    first: int
    last: int


def _id_ranges(size: int) -> Iterator[tuple[int, int]]:
    """Ranges of ``size`` report ids from the lowest to the highest, the last one
    open-ended, so that no report is missed."""
    bounds = Report.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    first = bounds["low"]
    while first <= bounds["high"]:
        yield first, first + size - 1
        first += size


def _facts_of(
    reports_wanted: Sequence[int] | _ReportRange,
    book: Book | None = None,
    *,
    now: datetime | None = None,
) -> Iterator[tuple[int, list[Fact]]]:
    """Each report's contributions as of ``now``, from its row and its timeline
    (two queries)."""
    book = book or Book()
    if isinstance(reports_wanted, _ReportRange):
        where = Q(pk__gte=reports_wanted.first, pk__lte=reports_wanted.last)
        events_where = Q(report_id__gte=reports_wanted.first, report_id__lte=reports_wanted.last)
    else:
        where = Q(pk__in=reports_wanted)
        events_where = Q(report_id__in=reports_wanted)
    reports = {
        row[0]: ReportRow(*row) for row in Report.objects.filter(where).values_list(*_REPORT_FIELDS)
    }
    timelines: dict[int, list[EventRow]] = defaultdict(list)
    events = (
        ReportEvent.objects.filter(events_where)
        .order_by("report_id", "created_at", "pk")
        .values_list(*_EVENT_FIELDS)
    )
    for report_id, *fields in events:
        timelines[report_id].append(EventRow(*fields))
    for report_id, report in reports.items():
        yield report_id, report_facts(report, timelines[report_id], book, now=now)


def _add(rollups: dict[Key, list[int]], durations: dict[Key, int], fact: Fact, sign: int) -> None:
    values = fact.values()
    for grain, day in ((Grain.DAY, fact.day), (Grain.MONTH, fact.day.replace(day=1))):
        for province, regency in _levels(fact.province, fact.regency):
            place = (grain.value, fact.agency_id, province, regency, day)
            sums = rollups[(*place, fact.type, fact.category_id, fact.channel)]
            for index, value in enumerate(values):
                sums[index] += sign * value
            for measure, days in (("first", fact.first_days), ("completion", fact.completion_days)):
                if days is not None:
                    durations[(*place, measure, days)] += sign


def _levels(province: str, regency: str) -> tuple[tuple[str, str], ...]:
    """Where a contribution is summed: its regency or city, its province, the nation."""
    return ((province, regency), (province, ALL), (ALL, ALL))


def _fact_of(row: Contribution) -> Fact:
    fact = Fact(
        agency_id=row.agency_id,
        province=row.province,
        regency=row.regency,
        day=row.day,
        type=row.type,
        category_id=row.category_id,
        channel=row.channel,
        first_days=row.first_days,
        completion_days=row.completion_days,
    )
    for name in COUNTERS:
        value = getattr(row, name)
        if value:
            fact.counts[name] = value
    return fact


# Within SQLite's limit of variables in one statement (32,766), with room to spare.
_PARAMETERS_PER_STATEMENT = 16_000

_CONTRIBUTION_COLUMNS = ["report_id", *DIMENSIONS, "first_days", "completion_days", *COUNTERS]


def _contribution_row(report_id: int, fact: Fact) -> tuple[Any, ...]:
    return (report_id, *fact.key(), fact.first_days, fact.completion_days, *fact.values())


def _insert_contributions(plain: list[tuple[Any, ...]]) -> None:
    """Plain rows, not models (the ORM's bulk_create spent most of a rebuild's time
    preparing each field of millions of rows); PostgreSQL takes them by COPY."""
    table = Contribution._meta.db_table
    if connection.vendor == "postgresql" and plain:
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in _CONTRIBUTION_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in plain:
                copy.write_row(row)
        return
    _upsert(table, _CONTRIBUTION_COLUMNS, key=[], added=[], rows=plain)


def _sum_contributions() -> None:
    """Writes the roll-ups and durations, day by day and month by month, at each
    level of region, as sums of the contributions (into empty tables)."""
    quote = connection.ops.quote_name
    source = quote(Contribution._meta.db_table)
    if connection.vendor == "postgresql":
        month = "CAST(date_trunc('month', \"day\") AS date)"
    else:
        month = "date(\"day\", 'start of month')"
    sums = ", ".join(f"SUM({quote(c)})" for c in COUNTERS)
    rollup_columns = ", ".join(quote(c) for c in ["grain", *DIMENSIONS, *COUNTERS])
    duration_columns = ", ".join(
        quote(c) for c in ["grain", *DURATION_DIMENSIONS, "measure", "days", "count"]
    )
    kinds = ", ".join(quote(c) for c in ("type", "category_id", "channel"))
    everywhere = f"'{ALL}'"  # a constant of this module, not input
    province, regency = quote("province"), quote("regency")
    # Table and column names are the models' own, quoted; values are parameters.
    statements: list[tuple[str, list[str]]] = []
    for grain, day in ((Grain.DAY, quote("day")), (Grain.MONTH, month)):
        for places, grouped in (
            ((province, regency), (province, regency)),
            ((province, everywhere), (province,)),
            ((everywhere, everywhere), ()),
        ):
            place = ", ".join((quote("agency_id"), *places, day))
            group = ", ".join((quote("agency_id"), *grouped, day))
            statements.append(
                (
                    f"INSERT INTO {quote(Rollup._meta.db_table)} ({rollup_columns}) "  # noqa: S608
                    f"SELECT %s, {place}, {kinds}, {sums} FROM {source} "
                    f"GROUP BY {group}, {kinds}",
                    [grain.value],
                )
            )
            for measure, days in (("first", "first_days"), ("completion", "completion_days")):
                statements.append(
                    (
                        f"INSERT INTO {quote(Duration._meta.db_table)} ({duration_columns}) "  # noqa: S608
                        f"SELECT %s, {place}, %s, {quote(days)}, COUNT(*) FROM {source} "
                        f"WHERE {quote(days)} IS NOT NULL GROUP BY {group}, {quote(days)}",
                        [grain.value, measure],
                    )
                )
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


# -- adding to the roll-ups ---------------------------------------------------------------


def _upsert_rollups(rows: dict[Key, list[int]]) -> None:
    """Adds each row's figures to the stored ones (a new key starts at zero): one
    ``INSERT … ON CONFLICT DO UPDATE``, which SQLite and PostgreSQL both speak."""
    columns = ["grain", *DIMENSIONS, *COUNTERS]
    _upsert(
        Rollup._meta.db_table,
        columns,
        key=["grain", *DIMENSIONS],
        added=list(COUNTERS),
        rows=[(*key, *values) for key, values in sorted(rows.items(), key=_order)],
    )


def _upsert_durations(rows: dict[Key, int]) -> None:
    _upsert(
        Duration._meta.db_table,
        ["grain", *DURATION_DIMENSIONS, "measure", "days", "count"],
        key=["grain", *DURATION_DIMENSIONS, "measure", "days"],
        added=["count"],
        rows=[(*key, count) for key, count in sorted(rows.items(), key=_order)],
    )


def _order(item: tuple[Key, Any]) -> Key:
    # The same order in every transaction: two workers never wait on each other in
    # a circle. (Keys hold no None: every position has one type.)
    return item[0]


def _upsert(
    table: str, columns: list[str], *, key: list[str], added: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Inserts ``rows``; with a ``key``, a row whose key is there already adds its
    ``added`` columns to the stored ones instead."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    conflict = ""
    if key:
        updates = ", ".join(
            f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in added
        )
        conflict = f" ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET {updates}"
    # Many rows a statement: one round trip each, not one a row (a rebuild writes
    # millions). The keys within one statement are distinct, as ON CONFLICT needs.
    size = max(1, _PARAMETERS_PER_STATEMENT // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = ", ".join([one] * len(chunk))
            # Table and column names are the models' own, quoted; values are parameters.
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES {values}{conflict}"  # noqa: S608
            cursor.execute(sql, [value for row in chunk for value in row])
