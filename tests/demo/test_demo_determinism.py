"""One seed and one moment, one data set: the demo reports, their timelines, supports
and comments come out row for row the same (ids aside: PostgreSQL's sequences
move on), and another seed gives others."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction

from aduan.community.models import Comment, Support
from aduan.demo.reports import demo_reports_create
from aduan.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
COUNT = 320  # Kota Cirebon's story, its peers', and ordinary reports


def _seeded(seed: int) -> tuple[list[Any], ...]:
    with transaction.atomic():
        demo_reports_create(count=COUNT, seed=seed, now=NOW)
        rows = _rows()
        transaction.set_rollback(True)
    return rows


def _rows() -> tuple[list[Any], ...]:
    reports = list(
        Report.objects.order_by("tracking_number").values_list(
            "tracking_number", "type", "title", "body", "address", "category__code",
            "region_id", "state", "agency__code", "submitted_at", "closed_at",
            "duplicate_of__tracking_number", "support_count", "is_anonymous",
            "is_confidential", "channel", "latitude", "longitude",
        )
    )  # fmt: skip
    events = list(
        ReportEvent.objects.order_by("report__tracking_number", "created_at").values_list(
            "report__tracking_number", "action", "created_at", "from_state", "to_state",
            "reason", "body", "agency__code", "actor_role", "rating",
        )
    )  # fmt: skip
    supports = list(
        Support.objects.order_by("report__tracking_number", "user__username").values_list(
            "report__tracking_number", "user__username", "created_at"
        )
    )
    comments = list(
        Comment.objects.order_by("report__tracking_number", "created_at").values_list(
            "report__tracking_number", "author__username", "body", "created_at"
        )
    )
    return reports, events, supports, comments


def test_the_same_seed_and_moment_make_the_same_rows() -> None:
    first = _seeded(5)
    reports, events, supports, comments = first
    assert len(reports) == COUNT and events and supports and comments
    assert _seeded(5) == first
    assert _seeded(6)[0] != reports
