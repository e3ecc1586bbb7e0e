"""What every Hypothesis fuzz test shares: generation is derandomized, so CI sees
the same cases on every run (and a failure found once is found again), with no
example database and no deadline (a request through the full stack may be slow on
a busy machine without being wrong). Each test sets its own ``max_examples`` to
fit the suite's time."""

from hypothesis import HealthCheck, settings

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
