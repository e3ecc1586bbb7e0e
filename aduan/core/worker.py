"""The worker (``python -m aduan worker``): runs the background jobs — delivering
the outbox and the agencies' webhooks, the deadline sweeps, housekeeping — over and
over until it is stopped. Several workers on one or several machines share one
database safely: every job claims its rows (``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite runs one write transaction at a time) under a lease, so a worker
killed mid-job loses nothing — its claims lapse and another worker finishes.
SIGTERM (or Ctrl-C) lets the job at hand finish, then the worker exits; a second
one exits at once."""

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import FrameType

from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.module_loading import import_string

from aduan.core.beats import BEAT_SECONDS, beat_remove, beat_write, worker_name
from aduan.core.jobs import WorkerJob, jobs_installed

logger = logging.getLogger("aduan.worker")


@dataclass(frozen=True, slots=True)
class Job:
    """``run(now, stop)`` does what is due and says how much it did; a job that did
    something runs again at once, one that found nothing waits ``every`` seconds."""

    name: str
    run: Callable[[datetime, Callable[[], bool]], int]
    every: float


def _runner(job: WorkerJob) -> Job:
    def run(now: datetime, stop: Callable[[], bool]) -> int:
        function = import_string(job.run)
        done: int = function(now=now, stop=stop) if job.stops else function(now=now)
        return done

    return Job(job.name, run, every=job.every)


def jobs_all() -> tuple[Job, ...]:
    """Every installed package's jobs (``core/jobs.py``), ready to run."""
    return tuple(_runner(job) for job in jobs_installed())


# The jobs of this deployment (the tests run them one by one).
JOBS: tuple[Job, ...] = jobs_all()


class Worker:
    def __init__(self, jobs: tuple[Job, ...] | None = None, *, interval: float = 1.0) -> None:
        self.jobs = jobs_all() if jobs is None else jobs
        self.interval = interval
        self._stopping = threading.Event()
        self.name = worker_name()
        self.started_at = timezone.now()
        # When each job last finished here (None: not yet), told in the heartbeat.
        self.finished: dict[str, datetime | None] = dict.fromkeys(job.name for job in self.jobs)

    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        if self._stopping.is_set():
            logger.warning("worker: asked again to stop; exiting now")
            raise SystemExit(1)
        logger.info("worker: stopping once the job at hand is done")
        self._stopping.set()

    def run(self, *, once: bool = False) -> int:
        """Runs the jobs until stopped (``once``: until none has anything to do);
        how much was done in all."""
        self._beat()
        beating = threading.Event()
        beats = (
            None
            if once
            else threading.Thread(
                target=self._beats, args=(beating,), name="heartbeat", daemon=True
            )
        )
        if beats is not None:
            beats.start()
        try:
            total = self._loop(once=once)
        finally:
            beating.set()
            if beats is not None:
                beats.join(timeout=30)
            beat_remove(name=self.name, now=timezone.now())
        return total

    def _loop(self, *, once: bool) -> int:
        due_at = dict.fromkeys((job.name for job in self.jobs), 0.0)
        total = 0
        while not self.stopping():
            did = 0
            for job in self.jobs:
                if self.stopping() or time.monotonic() < due_at[job.name]:
                    continue
                done = self._run(job)
                did += done
                due_at[job.name] = time.monotonic() + (0 if done else job.every)
            total += did
            if once and did == 0:
                break
            if did == 0:
                wake = min(due_at.values()) - time.monotonic()
                self._stopping.wait(min(max(wake, 0.05), self.interval))
        return total

    def _beat(self) -> None:
        beat_write(
            name=self.name,
            started_at=self.started_at,
            jobs=dict(self.finished),
            now=timezone.now(),
        )

    def _beats(self, stop: threading.Event) -> None:
        """The heartbeat, from a thread of its own: a long job (training a model takes
        minutes) does not make its worker look dead; the jobs' ages tell it instead."""
        try:
            while not stop.wait(BEAT_SECONDS):
                close_old_connections()
                self._beat()
        finally:
            connections.close_all()  # this thread's own

    def _run(self, job: Job) -> int:
        # A connection the database closed meanwhile is replaced, as a request would.
        close_old_connections()
        try:
            done = job.run(timezone.now(), self.stopping)
            self.finished[job.name] = timezone.now()
            return done
        except Exception:
            # A failing job is logged and tried again later; the worker goes on.
            logger.exception("worker: job %s failed", job.name)
            return 0
        finally:
            close_old_connections()


def worker_run(*, interval: float = 1.0, once: bool = False) -> int:
    """Runs a worker in this process, stopping on SIGTERM or SIGINT."""
    worker = Worker(interval=interval)
    if not once:
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
    logger.info("worker: started")
    done = worker.run(once=once)
    logger.info("worker: stopped")
    return done
