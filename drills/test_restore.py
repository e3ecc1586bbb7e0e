"""Drill: restore from pgBackRest's backup to a point in time, into a new cluster.
The primary archives its WAL to a repository and has a full backup taken while
reports arrive (batch A); then the point is taken, and batch B written after it.
Restored to that point — by time, and by a named restore point — every report
acknowledged before it is there with its events and its photo's bytes, and nothing
of B. The app is then started on the restored cluster: it reads and writes.

Why the time is safe: recovery to a time stops before the first commit whose
timestamp (taken from the primary's clock, in microseconds) is later than the
target. The target is read from the primary's own clock (clock_timestamp())
after the last report of A was acknowledged, hence after its commit; B is sent
only after that. A named restore point (pg_create_restore_point) is a record in
the WAL between the two: no clock involved, the better choice when the moment is
planned (before a migration, a bulk change)."""

import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drills.app import app_env, app_served
from drills.conftest import ClusterSet, Seed, figures_publish
from drills.pgbackrest import Repository, archived_wait
from drills.postgres import DATABASE, Cluster, cluster_at
from drills.reports import (
    Answer,
    ReportLoad,
    Stored,
    acknowledged_missing,
    kinds,
    report_send,
    reports_stored,
)
from drills.support import wait_for

BATCH_A_AFTER_BACKUP = 15  # reports of batch A sent after the full backup ended
BATCH_B = 10  # reports after it
RESTORE_POINT = "drill-after-batch-a"


@dataclass(frozen=True)
class History:
    """What was written, and where the point falls."""

    clusters: ClusterSet
    repository: Repository
    primary: Cluster
    batch_a: list[Answer]
    batch_b: list[Answer]
    target_time: str
    primary_stored: dict[str, Stored]
    seconds: dict[str, float]


@pytest.fixture(scope="module")
def history(
    pgbackrest_program: None,
    drill_root: Path,
    seed: Seed,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[History]:
    began = time.monotonic()
    logs = tmp_path_factory.mktemp("restore")
    with ClusterSet(drill_root, seed, logs / "logs") as clusters:
        primary = clusters.from_seed("primary")
        repository = Repository(clusters.root / "backrest", primary)
        repository.write()
        primary.configure({"archive_mode": "on", "archive_command": repository.archive_command()})
        repository.stanza_create()
        primary.start()
        repository.check()
        ready = time.monotonic()
        env = app_env(database_url=primary.database_url(), var_dir=logs / "var", keys=seed.keys)
        with app_served(env, log=logs / "app.log") as url:
            # Batch A: reports arriving before, during and after the full backup.
            with ReportLoad(url, seed.token, rate=10) as load:
                wait_for(lambda: load.acknowledged_since(0)[:3], timeout=30, what="batch A begun")
                backup_began = time.monotonic()
                repository.backup(kind="full")
                backup_ended = time.monotonic()
                # A time target must fall after the end of a backup (pgBackRest
                # restores the newest one that ended before it, and records the end
                # to the second): some of A come well after it, in the WAL only.
                wait_for(
                    lambda: len(load.acknowledged_since(backup_ended)) >= BATCH_A_AFTER_BACKUP,
                    timeout=60,
                    what=f"{BATCH_A_AFTER_BACKUP} reports of batch A after the backup",
                )
            batch_a = load.snapshot()
            target_time = str(primary.query("SELECT clock_timestamp()::text")[0][0])
            primary.query("SELECT pg_create_restore_point(%s)", [RESTORE_POINT])
            batch_b = [
                report_send(url, seed.token, number=10_000 + n, key=f"drill-b-{n}")
                for n in range(BATCH_B)
            ]
        archived_wait(primary)
        made = History(
            clusters=clusters,
            repository=repository,
            primary=primary,
            batch_a=batch_a,
            batch_b=batch_b,
            target_time=target_time,
            primary_stored=reports_stored(primary.conninfo()),
            seconds={
                "setup": round(ready - began, 1),
                "full_backup": round(backup_ended - backup_began, 1),
                "history": round(time.monotonic() - began, 1),
            },
        )
        # What the drill stands on: A and B all acknowledged, A's timestamps
        # before the point and B's after it.
        assert kinds(batch_a) == {"201": len(batch_a)}, kinds(batch_a)
        assert kinds(batch_b) == {"201": BATCH_B}, kinds(batch_b)
        before, after = primary.query(
            "SELECT bool_and(submitted_at < %(t)s::timestamptz) FILTER (WHERE number = ANY(%(a)s)),"
            " bool_and(submitted_at > %(t)s::timestamptz) FILTER (WHERE number = ANY(%(b)s))"
            " FROM (SELECT tracking_number AS number, submitted_at FROM reports_report) r",
            {"t": target_time, "a": _numbers(batch_a), "b": _numbers(batch_b)},
        )[0]
        assert before and after, "the point in time does not fall between A and B"
        yield made


@pytest.mark.parametrize(("target_type", "target"), [("time", None), ("name", RESTORE_POINT)])
def test_restore_to_a_point_has_everything_acknowledged_before_it_and_nothing_after(
    history: History, target_type: str, target: str | None, tmp_path: Path, seed: Seed
) -> None:
    began = time.monotonic()
    restored = history.clusters.adopt(
        cluster_at(history.clusters.root, f"restored-{target_type}", make=False)
    )
    history.repository.restore(
        restored.datadir, target_type=target_type, target=target or history.target_time
    )
    restore_took = time.monotonic() - began
    restored.start()
    wait_for(lambda: not restored.in_recovery(), timeout=60, what="the restored cluster promoted")
    recovered = time.monotonic()

    stored = reports_stored(restored.conninfo())
    problems = acknowledged_missing(history.batch_a, stored)
    numbers_a, numbers_b = set(_numbers(history.batch_a)), set(_numbers(history.batch_b))
    same_bytes = all(stored[n].files == history.primary_stored[n].files for n in numbers_a)

    # The app on the restored cluster: it reads what was restored, and takes writes.
    env = app_env(
        database_url=restored.database_url(DATABASE), var_dir=tmp_path / "var", keys=seed.keys
    )
    with app_served(env, log=tmp_path / "app.log") as url:
        readable = [
            _status(url + f"/api/v1/reports/{number}", seed.token) for number in sorted(numbers_a)
        ]
        written = report_send(url, seed.token, number=20_000, key="drill-after-restore")

    figures: dict[str, Any] = {
        "drill": "restore",
        "target": f"{target_type} {target or history.target_time}",
        "acknowledged_before": len(numbers_a),
        "written_after": len(numbers_b),
        "restored_reports": len(stored),
        "acknowledged_before_missing_or_damaged": len(problems),
        "written_after_present": len(numbers_b & set(stored)),
        "files_identical_to_primary": same_bytes,
        "app_reads_restored": dict(Counter(map(str, readable))),
        "app_writes_restored": written.kind,
        "seconds": {
            **history.seconds,
            "restore": round(restore_took, 1),
            "recovery_to_promoted": round(recovered - began - restore_took, 1),
            "drill": round(time.monotonic() - began, 1),
        },
    }
    figures_publish(tmp_path / f"restore-{target_type}.json", figures)

    assert not problems, problems
    assert set(stored) == numbers_a, (
        f"after the point: {sorted(set(stored) & numbers_b)}; "
        f"unexpected: {sorted(set(stored) - numbers_a - numbers_b)}"
    )
    assert same_bytes
    assert readable == [200] * len(numbers_a)
    assert written.acknowledged, written


def _numbers(answers: list[Answer]) -> list[str]:
    return [answer.tracking_number for answer in answers if answer.acknowledged]


def _status(url: str, token: str) -> int:
    """The status of a GET as the citizen of ``token``."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
