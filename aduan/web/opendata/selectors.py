"""The reports open data publishes: those the public feed shows (the access
policy's ``visible_q(PUBLIC)``: not confidential, verified and not archived),
submitted in one year in WIB. A year can hold hundreds of thousands of reports:
they are read a page at a time, as plain values, with two queries a page."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput
from aduan.lib.memo import reference_memo
from aduan.regions.models import Region
from aduan.reports.deadlines import NATIONAL_ZONE
from aduan.reports.models import Report
from aduan.reports.policy import PUBLIC, visible_q
from aduan.stats.metrics import FIRST_YEAR, period_parse
from aduan.stats.models import Contribution
from aduan.workdays.calendar import local_date

PAGE_SIZE = 2000

# The report's own fields a row reads (id only to page and to find its
# statistics; it is not published).
_REPORT_FIELDS = (
    "id",
    "tracking_number",
    "type",
    "category__code",
    "category__name",
    "region_id",
    "agency__code",
    "agency__name",
    "channel",
    "state",
    "submitted_at",
    "dispositioned_at",
    "first_follow_up_at",
    "answered_at",
    "closed_at",
    "rating",
    "support_count",
)


def open_data_year(raw: str, *, today: date | None = None) -> int:
    """The year a download asks for, within the years the statistics accept;
    InvalidInput (in words the visitor can act on) otherwise."""
    if not (len(raw) == 4 and raw.isascii() and raw.isdigit()):
        raise InvalidInput(
            _("Tahun harus ditulis dengan 4 angka, misalnya 2024."),
            code="period_invalid",
            field="year",
        )
    return period_parse(year=int(raw), today=today).start.year


def open_years(*, today: date | None = None) -> list[int]:
    """The years with downloads, newest first: from the year of the first report
    (not before the statistics' first year) to this year. One indexed lookup; a
    year without public reports gives an empty file."""
    first = Report.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    if first is None:
        return []
    last = (today or timezone.localdate()).year
    earliest = max(local_date(first, NATIONAL_ZONE).year, FIRST_YEAR)
    return list(range(last, earliest - 1, -1))


@reference_memo()
def _region_names() -> dict[str, str]:
    levels = (Region.Level.PROVINCE, Region.Level.REGENCY)
    return dict(Region.objects.filter(level__in=levels).values_list("code", "name"))


def _on_time(on_time: int, late: int) -> bool | None:
    if on_time:
        return True
    return False if late else None


def _durations(ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the statistics worked out for each report as a whole (agency 0)."""
    rows = Contribution.objects.filter(agency_id=0, report_id__in=ids).values(
        "report_id",
        "first_days",
        "completion_days",
        "first_on_time",
        "first_late",
        "completed_on_time",
        "completed_late",
    )
    return {
        row["report_id"]: {
            "first_days": row["first_days"],
            "completion_days": row["completion_days"],
            "first_on_time": _on_time(row["first_on_time"], row["first_late"]),
            "completed_on_time": _on_time(row["completed_on_time"], row["completed_late"]),
        }
        for row in rows
    }


_NOT_WORKED_OUT = {
    "first_days": None,
    "completion_days": None,
    "first_on_time": None,
    "completed_on_time": None,
}


def open_reports(*, year: int, page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """The published reports of ``year`` in the order they were submitted, each as
    the record the columns read (aduan.web.opendata.columns). Paged by keyset on
    (submitted_at, id), the order of the submission index."""
    start = datetime(year, 1, 1, tzinfo=NATIONAL_ZONE)
    end = datetime(year + 1, 1, 1, tzinfo=NATIONAL_ZONE)
    reports = Report.objects.filter(
        visible_q(PUBLIC), submitted_at__gte=start, submitted_at__lt=end
    ).order_by("submitted_at", "id")
    names = _region_names()
    after: tuple[datetime, int] | None = None
    while True:
        page = reports
        if after is not None:
            # The first condition bounds the index scan; the second breaks ties.
            page = page.filter(submitted_at__gte=after[0]).exclude(
                Q(submitted_at=after[0]) & Q(id__lte=after[1])
            )
        rows = list(page.values(*_REPORT_FIELDS)[:page_size])
        if not rows:
            return
        durations = _durations([row["id"] for row in rows])
        for row in rows:
            region = row["region_id"] or ""
            row["province_name"] = names.get(region[:2]) if region else None
            row["regency_name"] = names.get(region[:5]) if len(region) >= 5 else None
            row.update(durations.get(row["id"], _NOT_WORKED_OUT))
            yield row
        if len(rows) < page_size:
            return
        after = (rows[-1]["submitted_at"], rows[-1]["id"])
