"""How long a worker holds what it claimed (a message to send, a photo to fetch): if
it dies mid-job, the claim lapses after this long and another worker takes the job
over. Here, below every package that claims work, so that none of them imports the
worker (which imports them all)."""

from datetime import timedelta

from django.conf import settings


def lease() -> timedelta:
    """``ADUAN_WORKER_LEASE_SECONDS`` as a duration."""
    return timedelta(seconds=settings.WORKER_LEASE_SECONDS)
