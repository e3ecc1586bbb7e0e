"""Drill: the primary dies, the standby is promoted, and the app serves again without
a change of configuration (its DATABASE_URL names both servers; libpq keeps the
one that takes writes). With synchronous replication no acknowledged report may be
lost; with asynchronous replication the drill says what was.

Measured (printed, and kept as JSON beside the test's logs): seconds from the
primary's stop to the standby's promotion and to the first report acknowledged
after it, the requests that failed meanwhile and how, the longest request (a hang
would show), acknowledged reports lost, and what a client's retry with the same
Idempotency-Key gets."""

import statistics
import time
from pathlib import Path
from typing import Any

import pytest

from drills.app import app_env, app_served
from drills.conftest import ClusterSet, Seed, figures_publish
from drills.postgres import replication_wait, synchronous_set
from drills.reports import (
    Answer,
    ReportLoad,
    acknowledged_missing,
    kinds,
    report_send,
    reports_stored,
)
from drills.support import wait_for

RATE = 10  # reports a second: steady, and fine enough to see the gap to a tenth of a second
WARM = 20  # acknowledged reports before the primary is stopped
AFTER = 20  # acknowledged reports after the failover before the load stops
STANDBY = "standby"


@pytest.mark.parametrize("replication", ["synchronous", "asynchronous"])
def test_failover_promotes_the_standby_and_keeps_every_acknowledged_report(
    replication: str, clusters: ClusterSet, seed: Seed, tmp_path: Path
) -> None:
    began = time.monotonic()
    primary = clusters.from_seed("primary")
    primary.start()
    standby = clusters.standby(primary, STANDBY)
    standby.start()
    synchronous = replication == "synchronous"
    synchronous_set(primary, STANDBY if synchronous else "")
    replication_wait(primary, STANDBY, sync=synchronous)
    database_url = (
        f"postgres://postgres@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/aduan"
        "?target_session_attrs=read-write&connect_timeout=2"
    )
    env = app_env(database_url=database_url, var_dir=tmp_path / "var", keys=seed.keys)
    ready = time.monotonic()

    with (
        app_served(env, log=tmp_path / "app.log") as url,
        ReportLoad(url, seed.token, rate=RATE) as load,
    ):
        wait_for(
            lambda: len(load.acknowledged_since(0)) >= WARM,
            timeout=60,
            what=f"{WARM} reports acknowledged before the failover",
        )
        stopped = time.monotonic()
        primary.stop(mode="immediate")
        stop_took = time.monotonic() - stopped
        standby.promote()
        promoted = time.monotonic()
        first = wait_for(
            lambda: load.acknowledged_since(stopped)[:1],
            timeout=60,
            what="a report acknowledged after the failover",
        )[0]
        wait_for(
            lambda: len(load.acknowledged_since(first.sent)) >= AFTER,
            timeout=60,
            what=f"{AFTER} reports acknowledged after the failover",
        )
        load.stop()
        answers = load.snapshot()
        failed = [answer for answer in answers if not answer.acknowledged]
        # A client that got no good answer sends the same request again, same key.
        retries = [
            report_send(url, seed.token, number=answer.number, key=answer.key) for answer in failed
        ]

    stored = reports_stored(standby.conninfo())
    # Keys whose request never finished: the same key gets 409 until the claim's
    # lease (core/idempotency.py, CLAIM_LEASE) has passed.
    stuck = standby.query("SELECT count(*) FROM core_idempotencykey WHERE response_status IS NULL")
    acknowledged = [a for a in [*answers, *retries] if a.acknowledged]
    problems = acknowledged_missing(acknowledged, stored)
    lost = [problem for problem in problems if problem.endswith(": missing")]
    numbers = {answer.tracking_number for answer in acknowledged}
    figures: dict[str, Any] = {
        "drill": "failover",
        "replication": replication,
        "request_rate_per_second": RATE,
        "primary_stop_seconds": round(stop_took, 3),
        "seconds_to_promoted": round(promoted - stopped, 3),
        "seconds_to_first_201": round(first.received - stopped, 3),
        "median_201_seconds_before_stop": _median(
            [a.received - a.sent for a in answers if a.acknowledged and a.received < stopped][5:]
        ),
        "requests": len(answers),
        "acknowledged": sum(a.acknowledged for a in answers),
        "failed": len(failed),
        "failed_kinds": kinds(failed),
        "failed_window_seconds": _window(failed),
        "longest_request_seconds_around_failover": round(
            max(a.received - a.sent for a in answers if a.received >= stopped - 1), 3
        ),
        "acknowledged_lost": len(lost),
        "acknowledged_damaged": len(problems) - len(lost),
        "unacknowledged_but_stored": len(set(stored) - numbers),
        "retries_same_key": kinds(retries),
        "idempotency_keys_left_in_progress": stuck[0][0],
        "timeline": _timeline(answers, stopped, first.received),
        "setup_seconds": round(ready - began, 1),
        "drill_seconds": round(time.monotonic() - began, 1),
    }
    figures_publish(tmp_path / f"failover-{replication}.json", figures)

    assert len(retries) == len(failed)
    # The clients are told to retry (503, Retry-After), never shown a server error.
    assert {answer.status for answer in failed} <= {503}, kinds(failed)
    # Whatever survived is whole: no report without its event or its file.
    assert not [p for p in problems if p not in lost], problems
    if synchronous:
        assert not lost, f"acknowledged reports lost with synchronous replication: {lost}"


def _window(failed: list[Answer]) -> float:
    """Seconds from the first failed request's sending to the last one's answer."""
    if not failed:
        return 0.0
    return round(max(a.received for a in failed) - min(a.sent for a in failed), 3)


def _timeline(answers: list[Answer], stopped: float, recovered: float) -> list[str]:
    """The requests around the failover: sent and answered (seconds after the
    primary's stop) and what came back."""
    return [
        f"{a.sent - stopped:+.3f} → {a.received - stopped:+.3f} {a.kind}"
        for a in answers
        if a.received >= stopped - 0.5 and a.sent <= recovered + 0.5
    ]


def _median(seconds: list[float]) -> float:
    """The median, the first requests (the app warming up) left out by the caller."""
    return round(statistics.median(seconds), 3) if seconds else 0.0
