"""Workers' heartbeats: each running worker writes one row every ``BEAT_SECONDS``
(core.models.WorkerBeat) and removes it when it stops cleanly; a killed worker's
row stops moving and is taken for dead after ``settings.WORKER_STALE_SECONDS``.
/readyz and /metrics read them, so every web node tells the same."""

import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily, Metric

from aduan.core.models import WorkerBeat

logger = logging.getLogger("aduan.worker")

BEAT_SECONDS = 5.0
# A row this old is a worker long gone (killed, its host lost): removed.
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat_write(
    *, name: str, started_at: datetime, jobs: dict[str, datetime | None], now: datetime
) -> None:
    """Says this worker is alive and when each of its jobs last finished; a database
    that cannot be reached is logged, never raised (the worker goes on)."""
    try:
        WorkerBeat.objects.update_or_create(
            name=name,
            defaults={
                "started_at": started_at,
                "beat_at": now,
                "jobs": {job: at.isoformat() if at else None for job, at in jobs.items()},
            },
        )
    except DatabaseError:
        logger.warning("worker: heartbeat not written (database unavailable)", exc_info=True)


def beat_remove(*, name: str, now: datetime) -> None:
    """A worker stopping cleanly takes its row away, and those of workers long gone."""
    try:
        WorkerBeat.objects.filter(name=name).delete()
        WorkerBeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    except DatabaseError:
        logger.warning("worker: heartbeat not removed (database unavailable)", exc_info=True)


@dataclass(frozen=True, slots=True)
class Workers:
    """What the heartbeats say at ``now``."""

    alive: int
    # Seconds since the freshest heartbeat; None when no worker ever beat.
    last_beat_age: float | None
    # Per worker name, seconds since its heartbeat (dead ones included, until forgotten).
    beat_ages: dict[str, float]
    # Per job, seconds since any living worker last finished it.
    job_ages: dict[str, float]


def workers_read(*, now: datetime) -> Workers:
    stale = timedelta(seconds=settings.WORKER_STALE_SECONDS)
    beat_ages: dict[str, float] = {}
    job_last: dict[str, datetime] = {}
    alive = 0
    for beat in WorkerBeat.objects.filter(beat_at__gte=now - FORGET_AFTER):
        beat_ages[beat.name] = max((now - beat.beat_at).total_seconds(), 0.0)
        if now - beat.beat_at > stale:
            continue
        alive += 1
        for job, text in beat.jobs.items():
            # A job that never finished counts from the worker's start: one failing
            # from the first try shows as late, not as absent.
            at = datetime.fromisoformat(text) if text else beat.started_at
            if job not in job_last or at > job_last[job]:
                job_last[job] = at
    return Workers(
        alive=alive,
        last_beat_age=min(beat_ages.values()) if beat_ages else None,
        beat_ages=beat_ages,
        job_ages={job: max((now - at).total_seconds(), 0.0) for job, at in job_last.items()},
    )


def worker_metrics(*, now: datetime) -> Iterator[Metric]:
    """The workers' figures for /metrics (core/metrics.py)."""
    workers = workers_read(now=now)
    alive = GaugeMetricFamily(
        "aduan_workers_alive", "Workers whose heartbeat is recent (ADUAN_WORKER_STALE_SECONDS)."
    )
    alive.add_metric([], workers.alive)
    yield alive
    ages = GaugeMetricFamily(
        "aduan_worker_heartbeat_age_seconds",
        "Seconds since a worker's last heartbeat.",
        labels=["worker"],
    )
    for name, age in sorted(workers.beat_ages.items()):
        ages.add_metric([name], age)
    yield ages
    jobs = GaugeMetricFamily(
        "aduan_job_last_finished_age_seconds",
        "Seconds since a living worker last finished the job.",
        # Not "job": Prometheus' own label for the scrape job.
        labels=["task"],
    )
    for job, age in sorted(workers.job_ages.items()):
        jobs.add_metric([job], age)
    yield jobs
