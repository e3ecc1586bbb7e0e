"""The worker's jobs, declared by the packages that own them: an ``AppConfig`` lists
``jobs = (WorkerJob(...), …)`` (a channel, in its spec's ``jobs``), each naming its
function by dotted path. The worker (worker.py) runs every installed one and imports
none of them: here is all it knows."""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True, slots=True)
class WorkerJob:
    """Background work for the worker: ``run`` is the dotted path of
    ``f(*, now) -> int`` (``f(*, now, stop) -> int`` when ``stops``: it hands back
    early when ``stop()`` turns true) saying how much it did; a job that did
    something runs again at once, one that found nothing waits ``every`` seconds."""

    name: str
    run: str
    every: float
    stops: bool = False


def jobs_installed() -> list[WorkerJob]:
    """Every installed package's jobs, then every channel's, in ``INSTALLED_APPS``
    order."""
    found: list[WorkerJob] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "jobs", ()))
        spec = getattr(config, "channel", None)
        found.extend(getattr(spec, "jobs", ()))
    return found
