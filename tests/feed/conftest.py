import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from aduan.categories.models import Category
from aduan.reports.models import Channel, Report, State
from tests.reports.conftest import Cast, cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

BulkReports = Callable[..., list[Report]]
_numbers = itertools.count(1)


@pytest.fixture
def bulk_reports(cast: Cast) -> BulkReports:
    """Public reports written by bulk insert, as the demo data set writes them: one a
    minute back from ``start``, the first the newest."""

    def make(count: int, *, start: datetime | None = None, **fields: Any) -> list[Report]:
        start = start or timezone.now()
        defaults: dict[str, Any] = {
            "type": "complaint",
            "title": "Laporan warga",
            "body": "Isi laporan.",
            "category": Category.objects.get(code="infrastruktur.jalan"),
            "region_id": "32.74.01",
            "agency": cast.kota,
            "channel": Channel.WEB,
            "reporter": cast.reporter,
            "state": State.DISPOSITIONED,
        }
        defaults.update(fields)
        reports = [
            Report(
                tracking_number=f"9{next(_numbers):09d}",
                submitted_at=start - timedelta(minutes=index),
                **defaults,
            )
            for index in range(count)
        ]
        return Report.objects.bulk_create(reports)

    return make
