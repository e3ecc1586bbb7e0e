"""The reports' figures for /metrics (core/metrics.py): what came in during the last
hour by channel (a channel that falls silent shows at once), the verification
backlog, and how many open reports are past their deadline. Each is read through
an index (submitted_at; state and deadline_at), whatever the table's size."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily, Metric

from aduan.reports.models import OPEN_STATES, Channel, DeadlineKind, Report, State

RECENT = timedelta(hours=1)


def report_metrics(*, now: datetime) -> Iterator[Metric]:
    received = GaugeMetricFamily(
        "aduan_reports_received_last_hour",
        "Reports received in the last hour.",
        labels=["channel"],
    )
    counts = dict(
        Report.objects.filter(submitted_at__gt=now - RECENT)
        .values_list("channel")
        .annotate(count=Count("id"))
    )
    for channel in Channel.values:
        received.add_metric([channel], counts.get(channel, 0))
    yield received

    waiting = Report.objects.filter(state=State.SUBMITTED).aggregate(
        count=Count("id"), since=Min("submitted_at")
    )
    backlog = GaugeMetricFamily("aduan_verification_backlog", "Reports waiting to be verified.")
    backlog.add_metric([], waiting["count"])
    yield backlog
    oldest = GaugeMetricFamily(
        "aduan_verification_oldest_age_seconds",
        "Seconds the oldest report waiting to be verified has waited.",
    )
    since = waiting["since"]
    oldest.add_metric([], max((now - since).total_seconds(), 0.0) if since else 0.0)
    yield oldest

    overdue = GaugeMetricFamily(
        "aduan_reports_overdue",
        "Open reports past their deadline, by what the deadline is for.",
        labels=["deadline"],
    )
    late = dict(
        Report.objects.filter(state__in=OPEN_STATES, deadline_at__lt=now)
        .values_list("deadline_kind")
        .annotate(count=Count("id"))
    )
    for kind in DeadlineKind.values:
        overdue.add_metric([kind], late.get(kind, 0))
    yield overdue
