"""The worker's jobs are declared by the packages that own them (core/jobs.py): each
names a function that exists and takes what the worker passes."""

import inspect

import pytest
from django.utils.module_loading import import_string

from aduan.core.jobs import WorkerJob, jobs_installed
from aduan.core.worker import JOBS


def test_every_package_declares_its_jobs_once() -> None:
    names = [job.name for job in jobs_installed()]
    assert len(names) == len(set(names))
    assert {
        "outbox",
        "webhooks",
        "deadlines",
        "statistics",
        "idempotency keys",
        "access log",
        "triage training",
        "triage automatic disposition",
        "chat files",
        "conversations",
        "x photos",
    } <= set(names)
    assert [job.name for job in JOBS] == names


@pytest.mark.parametrize("job", jobs_installed(), ids=lambda job: job.name)
def test_every_job_takes_what_the_worker_passes(job: WorkerJob) -> None:
    parameters = inspect.signature(import_string(job.run)).parameters
    assert parameters["now"].kind == inspect.Parameter.KEYWORD_ONLY
    assert ("stop" in parameters) == job.stops
    required = [
        name
        for name, parameter in parameters.items()
        if parameter.default is inspect.Parameter.empty and name != "now"
    ]
    assert not required
