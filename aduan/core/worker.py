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

from django.db import close_old_connections
from django.utils import timezone

from aduan.core.channels import ChannelJob, channel_call, channel_specs

logger = logging.getLogger("aduan.worker")


@dataclass(frozen=True, slots=True)
class Job:
    """``run(now, stop)`` does what is due and says how much it did; a job that did
    something runs again at once, one that found nothing waits ``every`` seconds."""

    name: str
    run: Callable[[datetime, Callable[[], bool]], int]
    every: float


def _outbox(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.outbox.services import messages_deliver_due

    return messages_deliver_due(now=now, stop=stop)


def _webhooks(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.integrations.webhooks import webhooks_deliver_due

    return webhooks_deliver_due(now=now)


def _deadlines(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.reports.sweeps import deadlines_sweep

    return deadlines_sweep(now=now)


def _chat_files(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.intake.files import files_fetch_due

    return files_fetch_due(now=now, stop=stop)


def _conversations(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.intake.conversation import conversations_sweep

    return conversations_sweep(now=now, stop=stop)


def _stats(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.stats.services import stats_update_due

    return stats_update_due(now=now, stop=stop)


def _idempotency_keys(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.core.idempotency import idempotency_keys_purge

    return idempotency_keys_purge(now=now)


def _access_log(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.reports.access import report_access_purge

    return report_access_purge(now=now)


def _triage_train(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.triage.services import triage_due, triage_train

    # Retrained when the active model is ADUAN_TRIAGE_TRAIN_HOURS old and history
    # came since; too little history stores nothing and is looked at again later.
    if not triage_due(now=now):
        return 0
    return sum(result.model is not None for result in triage_train(now=now))


def _triage_auto_dispose(now: datetime, stop: Callable[[], bool]) -> int:
    from aduan.triage.services import triage_auto_dispose

    return triage_auto_dispose(now=now)


JOBS: tuple[Job, ...] = (
    Job("outbox", _outbox, every=1),
    Job("webhooks", _webhooks, every=5),
    Job("deadlines", _deadlines, every=60),
    Job("chat files", _chat_files, every=5),
    Job("conversations", _conversations, every=60),
    Job("statistics", _stats, every=2),
    Job("idempotency keys", _idempotency_keys, every=3600),
    Job("access log", _access_log, every=3600),
    Job("triage training", _triage_train, every=600),
    # Off unless ADUAN_TRIAGE_AUTO_DISPOSE: then reports waiting for verification.
    Job("triage automatic disposition", _triage_auto_dispose, every=30),
)


def _channel_job(job: ChannelJob) -> Job:
    def run(now: datetime, stop: Callable[[], bool]) -> int:
        done: int = channel_call(job.run, now=now, stop=stop)
        return done

    return Job(job.name, run, every=job.every)


def jobs_all() -> tuple[Job, ...]:
    """The worker's own jobs and those of every installed channel."""
    return JOBS + tuple(_channel_job(job) for spec in channel_specs() for job in spec.jobs)


class Worker:
    def __init__(self, jobs: tuple[Job, ...] | None = None, *, interval: float = 1.0) -> None:
        self.jobs = jobs_all() if jobs is None else jobs
        self.interval = interval
        self._stopping = threading.Event()

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

    def _run(self, job: Job) -> int:
        # A connection the database closed meanwhile is replaced, as a request would.
        close_old_connections()
        try:
            return job.run(timezone.now(), self.stopping)
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
