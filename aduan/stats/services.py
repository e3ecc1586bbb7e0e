"""Keeping the roll-ups (DESIGN.md §8): a change to a report queues it
(``stats_queue``, in the change's own transaction); the worker works out the
queued reports' contributions again and adds the difference to the roll-ups
(``stats_update_due``) — a constant amount of work per change, whatever the size
of the tables. ``stats_rebuild`` works every report out from its timeline and
writes the roll-ups afresh; both use ``report_facts``, so they agree."""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from aduan.reports.models import Report, ReportEvent
from aduan.stats.facts import Book, EventRow, Fact, ReportRow, report_facts
from aduan.stats.models import COUNTERS, DIMENSIONS, Contribution, Duration, Grain, Pending, Rollup

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
    """Queues the report for the worker, in the caller's transaction."""
    if action in _SILENT:
        return
    Pending.objects.create(report_id=report_id, queued_at=now or timezone.now())


def stats_update_due(
    *, now: datetime | None = None, limit: int = 500, stop: Callable[[], bool] = lambda: False
) -> int:
    """The worker's job: brings the roll-ups up to date with the queued reports;
    how many reports it worked out."""
    del now, stop  # one batch is quick; the worker asks again if there was work
    with transaction.atomic():
        claimed = list(
            Pending.objects.order_by("pk")
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
        new = dict(_facts_of(report_ids))
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
            (report_id, fact) for report_id, facts in new.items() for fact in facts
        )
        Pending.objects.filter(pk__in=[pk for pk, _report in claimed]).delete()
    return len(report_ids)


def stats_rebuild(*, progress: bool = False, batch: int = 2000) -> int:
    """Works every report out from its timeline and writes the roll-ups and the
    contributions afresh; returns how many reports. What is queued meanwhile stays
    queued, for the worker to bring in after."""
    with transaction.atomic():
        last_queued = Pending.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        total = Report.objects.count()
        rollups: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
        durations: dict[Key, int] = defaultdict(int)
        Contribution.objects.all().delete()
        book = Book()
        done = 0
        with tqdm(total=total, unit=" reports", desc="Statistics", disable=not progress) as bar:
            every = Report.objects.order_by("pk").values_list("pk", flat=True)
            for ids in _batches(every.iterator(chunk_size=batch), batch):
                rows = []
                for report_id, facts in _facts_of(ids, book):
                    for fact in facts:
                        _add(rollups, durations, fact, +1)
                        rows.append((report_id, fact))
                _insert_contributions(rows)
                done += len(ids)
                bar.update(len(ids))
        Rollup.objects.all().delete()
        Duration.objects.all().delete()
        _upsert_rollups(rollups)
        _upsert_durations(durations)
        Pending.objects.filter(pk__lte=last_queued).delete()
    logger.info("stats: rebuilt from %s reports", done)
    return done


# -- working out ------------------------------------------------------------------------


def _facts_of(
    report_ids: Sequence[int], book: Book | None = None
) -> Iterator[tuple[int, list[Fact]]]:
    """Each report's contributions, from its row and its timeline (two queries)."""
    book = book or Book()
    reports = {
        row[0]: ReportRow(*row)
        for row in Report.objects.filter(pk__in=report_ids).values_list(*_REPORT_FIELDS)
    }
    timelines: dict[int, list[EventRow]] = defaultdict(list)
    events = (
        ReportEvent.objects.filter(report_id__in=list(reports))
        .order_by("report_id", "created_at", "pk")
        .values_list(*_EVENT_FIELDS)
    )
    for report_id, *fields in events:
        timelines[report_id].append(EventRow(*fields))
    for report_id, report in reports.items():
        yield report_id, report_facts(report, timelines[report_id], book)


def _add(rollups: dict[Key, list[int]], durations: dict[Key, int], fact: Fact, sign: int) -> None:
    values = fact.values()
    for grain, day in ((Grain.DAY, fact.day), (Grain.MONTH, fact.day.replace(day=1))):
        key = (grain.value, *fact.key()[:3], day, *fact.key()[4:])
        sums = rollups[key]
        for index, value in enumerate(values):
            sums[index] += sign * value
        for measure, days in (("first", fact.first_days), ("completion", fact.completion_days)):
            if days is not None:
                durations[(*key, measure, days)] += sign


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


def _insert_contributions(rows: Iterable[tuple[int, Fact]]) -> None:
    """Plain rows in one prepared statement (the ORM's bulk_create spent most of a
    rebuild's time preparing each field of millions of rows)."""
    _upsert(
        Contribution._meta.db_table,
        _CONTRIBUTION_COLUMNS,
        key=[],
        added=[],
        rows=[
            (report_id, *fact.key(), fact.first_days, fact.completion_days, *fact.values())
            for report_id, fact in rows
        ],
    )


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for report_id in ids:
        batch.append(report_id)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


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
        ["grain", *DIMENSIONS, "measure", "days", "count"],
        key=["grain", *DIMENSIONS, "measure", "days"],
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
