"""The outbox's figures for /metrics (core/metrics.py): how many messages wait to
leave by each channel, and how long the oldest has waited. A gateway that stopped
taking messages shows as a growing age long before anyone calls to complain."""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily, Metric

from aduan.outbox.models import Message


def outbox_metrics(*, now: datetime) -> Iterator[Metric]:
    pending = GaugeMetricFamily(
        "aduan_outbox_pending", "Messages waiting to leave (or be retried).", labels=["channel"]
    )
    oldest = GaugeMetricFamily(
        "aduan_outbox_oldest_pending_age_seconds",
        "Seconds the oldest message waiting to leave has waited.",
        labels=["channel"],
    )
    rows = (
        Message.objects.filter(status=Message.Status.PENDING)
        .values("channel")
        .annotate(count=Count("id"), since=Min("created_at"))
    )
    found = {row["channel"]: row for row in rows}
    for channel in Message.Channel.values:
        row = found.get(channel)
        pending.add_metric([channel], row["count"] if row else 0)
        age = (now - row["since"]).total_seconds() if row else 0.0
        oldest.add_metric([channel], max(age, 0.0))
    yield pending
    yield oldest
