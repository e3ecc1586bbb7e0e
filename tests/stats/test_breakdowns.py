"""Breakdowns: the figures of a scope and period month by month, quarter by
quarter, by category, channel, type and sub-region — sums, labels, ordering,
empty periods, and the monthly or daily roll-ups as the period asks."""

from datetime import date
from typing import Any

import pytest
from django.utils import translation

from aduan.categories.models import Category
from aduan.regions.models import Region
from aduan.stats import breakdowns
from aduan.stats.metrics import Metrics, Period, Scope, Spread
from aduan.stats.tables import Table
from tests.stats.rows import handled

pytestmark = pytest.mark.django_db


def rollup(day: date, received: int, *, agency: str = "", **fields: Any) -> None:
    """Figures as the roll-ups hold them (the report as a whole unless ``agency``),
    every report followed up, ``first_on_time`` of them on time (all by default)."""
    handled(agency, day, received, fields.pop("first_on_time", None), **fields)


def rows_by(table: Table, key: str) -> dict[Any, dict[str, Any]]:
    keys = [column.key for column in table.columns]
    return {row[keys.index(key)]: dict(zip(keys, row, strict=True)) for row in table.rows}


def category(code: str) -> int:
    return Category.objects.get(code=code).pk


@pytest.fixture(autouse=True)
def _indonesian() -> Any:
    with translation.override("id"):
        yield


def test_it_lists_every_month_of_a_year_with_its_sums() -> None:
    rollup(date(2026, 1, 1), 12, first_on_time=6)
    rollup(date(2026, 1, 1), 8, channel="sms", first_on_time=8)
    rollup(date(2026, 3, 1), 4)
    rollup(date(2025, 12, 1), 50)  # the year before: not in 2026
    table = breakdowns.by_month(Scope(), Period.year(2026))
    assert table.column("month") == [
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "Mei 2026",
        "Jun 2026",
        "Jul 2026",
        "Agu 2026",
        "Sep 2026",
        "Okt 2026",
        "Nov 2026",
        "Des 2026",
    ]
    assert table.column("received") == [20, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    january, february, march = (
        rows_by(table, "month")[m] for m in ("Jan 2026", "Feb 2026", "Mar 2026")
    )
    assert january["followed_up"] == 20 and january["followed_up_pct"] == 100
    assert january["first_on_time_pct"] == pytest.approx(70.0)
    # 20 reports: an index; 4 reports: too few; none: nothing to divide.
    assert january["index"] is not None and march["index"] is None
    assert february["followed_up_pct"] is None and february["index"] is None


def test_a_custom_span_reads_the_daily_rows_and_only_its_own_days() -> None:
    rollup(date(2026, 1, 1), 99)  # the monthly row is not what a span reads
    rollup(date(2026, 1, 30), 3, grain="d")
    rollup(date(2026, 1, 31), 2, grain="d")
    rollup(date(2026, 2, 10), 7, grain="d")
    rollup(date(2026, 2, 11), 100, grain="d")  # after the span
    table = breakdowns.by_month(Scope(), Period(date(2026, 1, 31), date(2026, 2, 10)))
    assert table.column("month") == ["Jan 2026", "Feb 2026"]
    assert table.column("received") == [2, 7]
    assert table.slug == "2026-01-31-2026-02-10"


def test_quarters_gather_their_months() -> None:
    rollup(date(2026, 1, 1), 5)
    rollup(date(2026, 3, 1), 6, first_on_time=0)
    rollup(date(2026, 11, 1), 2)
    table = breakdowns.by_quarter(Scope(), Period.year(2026))
    assert table.column("quarter") == ["TW I 2026", "TW II 2026", "TW III 2026", "TW IV 2026"]
    assert table.column("received") == [11, 0, 0, 2]
    first = rows_by(table, "quarter")["TW I 2026"]
    assert first["first_on_time_pct"] == pytest.approx(100 * 5 / 11)
    # 11 reports in the quarter: enough for an index, where neither month alone is.
    assert first["index"] is not None
    assert breakdowns.by_month(Scope(), Period.year(2026)).column("index")[:3] == [None, None, None]
    one = breakdowns.by_quarter(Scope(), Period.month(2026, 3))
    assert one.column("quarter") == ["TW I 2026"] and one.column("received") == [6]


def test_categories_gather_their_subcategories_most_reports_first() -> None:
    roads, bridges = category("infrastruktur.jalan"), category("infrastruktur.jembatan")
    health = Category.objects.filter(parent=None).exclude(code="infrastruktur").first()
    assert health is not None
    health_leaf = health.children.first()
    assert health_leaf is not None
    rollup(date(2026, 1, 1), 3, category_id=roads)
    rollup(date(2026, 2, 1), 2, category_id=bridges)
    rollup(date(2026, 1, 1), 4, category_id=health_leaf.pk)
    rollup(date(2026, 1, 1), 9)  # no category
    table = breakdowns.by_category(Scope(), Period.year(2026))
    assert table.column("category") == [
        "Infrastruktur dan Fasilitas Umum",
        health.name,
        "Tanpa kategori",  # last, though it has the most
    ]
    assert table.column("received") == [5, 4, 9]
    shares = table.column("share_pct")
    assert shares == pytest.approx([100 * 5 / 18, 100 * 4 / 18, 100 * 9 / 18])
    detailed = breakdowns.by_category(Scope(), Period.year(2026), subcategories=True)
    assert detailed.column("category") == [
        health_leaf.name,
        "Jalan rusak / berlubang",
        "Jembatan rusak atau putus",
        "Tanpa kategori",
    ]
    with translation.override("en"):
        english = breakdowns.by_category(Scope(), Period.year(2026))
    assert english.column("category")[0] == "Infrastructure and Public Facilities"


def test_channels_and_types_are_named_and_empty_ones_left_out() -> None:
    rollup(date(2026, 1, 1), 2, channel="web")
    rollup(date(2026, 1, 1), 5, channel="sms", type="aspiration")
    rollup(date(2026, 2, 1), 1, channel="email", type="information_request")
    rollup(date(2026, 2, 1), 0, channel="app")  # a row with nothing received
    channels = breakdowns.by_channel(Scope(), Period.year(2026))
    assert channels.column("channel") == ["SMS 1708", "Situs web", "Surel"]
    assert channels.column("received") == [5, 2, 1]
    types = breakdowns.by_type(Scope(), Period.year(2026))
    assert types.column("type") == ["Aspirasi", "Pengaduan", "Permintaan Informasi"]
    assert types.column("received") == [5, 2, 1]
    assert sum(types.column("share_pct")) == pytest.approx(100)  # type: ignore[arg-type]


def test_an_empty_period_gives_zeros_over_time_and_no_groups() -> None:
    rollup(date(2024, 5, 1), 10)
    period = Period.year(2026)
    months = breakdowns.by_month(Scope(), period)
    assert len(months.rows) == 12 and set(months.column("received")) == {0}
    assert set(months.column("followed_up_pct")) == {None}
    for table in (
        breakdowns.by_category(Scope(), period),
        breakdowns.by_channel(Scope(), period),
        breakdowns.by_type(Scope(), period),
    ):
        assert table.rows == [] and table.columns
    provinces = breakdowns.by_subregion(Scope(), period)
    assert set(provinces.column("received")) == {0}
    assert set(provinces.column("category")) == {"Data belum cukup"}


def test_provinces_are_all_listed_with_the_unplaced_last() -> None:
    rollup(date(2026, 1, 1), 12)  # Kota Cirebon, Jawa Barat
    rollup(date(2026, 1, 1), 3, province="33", regency="33.01")
    rollup(date(2026, 1, 1), 2, province="", regency="")  # no region
    table = breakdowns.by_subregion(Scope(), Period.year(2026))
    codes = table.column("code")
    provinces = list(Region.objects.filter(level="province").values_list("code", flat=True))
    assert codes == [*sorted(provinces), ""]
    rows = rows_by(table, "code")
    assert rows["32"]["region"] == "Jawa Barat" and rows["32"]["received"] == 12
    assert rows["32"]["index"] is not None and rows["32"]["category"] != "Data belum cukup"
    assert rows["33"]["received"] == 3 and rows["33"]["category"] == "Data belum cukup"
    assert rows[""]["region"] == "Tanpa wilayah" and rows[""]["received"] == 2
    assert sum(table.column("received")) == 17  # type: ignore[arg-type]


def test_a_province_lists_its_regencies_and_cities() -> None:
    rollup(date(2026, 1, 1), 12)
    rollup(date(2026, 1, 1), 4, regency="32.09")
    rollup(date(2026, 1, 1), 1, regency="32")  # the province, no regency
    rollup(date(2026, 1, 1), 50, province="33", regency="33.01")  # elsewhere
    table = breakdowns.by_subregion(Scope(region="32"), Period.year(2026))
    codes = table.column("code")
    regencies = Region.objects.filter(parent_id="32").values_list("code", flat=True)
    assert codes == [*sorted(regencies), ""]
    rows = rows_by(table, "code")
    assert rows["32.74"]["region"] == "Kota Cirebon" and rows["32.74"]["received"] == 12
    assert rows["32.09"]["received"] == 4
    assert rows[""]["region"] == "Tanpa kabupaten/kota" and rows[""]["received"] == 1
    with pytest.raises(ValueError, match="finer than a regency"):
        breakdowns.by_subregion(Scope(region="32.74"), Period.year(2026))


def test_the_scope_narrows_to_an_agency_and_a_region() -> None:
    rollup(date(2026, 1, 1), 10)
    rollup(date(2026, 1, 1), 7, agency_id=42)
    rollup(date(2026, 1, 1), 5, agency_id=42, province="33", regency="33.01")
    year = Period.year(2026)
    assert breakdowns.by_month(Scope(), year).column("received")[0] == 10
    assert breakdowns.by_month(Scope(agency_id=42), year).column("received")[0] == 12
    assert breakdowns.by_type(Scope(agency_id=42, region="33"), year).column("received") == [5]
    assert breakdowns.by_channel(Scope(region="32.74"), year).column("received") == [10]
    assert breakdowns.by_channel(Scope(region="32.09"), year).rows == []


def test_the_summary_holds_every_headline_figure() -> None:
    figures = Metrics(
        counts={
            "received": 20,
            "followed_up": 20,
            "first_on_time": 15,
            "completed_on_time": 10,
            "closed_confirmed": 5,
            "rating_count": 4,
            "rating_sum": 18,
            "satisfied": 3,
        },
        first=Spread(count=20, median=2, p90=5),
        completion=Spread(count=10, median=8, p90=13),
        backlog=6,
        overdue=2,
    )
    table = breakdowns.summary(figures)
    values = dict(zip(table.column("figure"), table.column("value"), strict=True))
    assert values["Laporan masuk"] == 20
    assert values["Tindak lanjut pertama tepat waktu"] == 75
    assert values["Selesai tepat waktu"] == 50
    assert values["Ditutup"] == 25
    assert values["Median ke tindak lanjut pertama"] == 2
    assert values["Persentil ke-90 sampai selesai"] == 13
    assert values["Rata-rata nilai kepuasan"] == 4.5
    assert values["Pelapor puas"] == 75
    assert (values["Belum selesai saat ini"], values["Melewati batas waktu saat ini"]) == (6, 2)
    assert values["Indeks responsivitas"] is not None
    assert values["Kategori"] in {"Sangat Responsif", "Responsif", "Cukup Responsif"}


def test_the_period_names_its_files() -> None:
    assert breakdowns.period_slug(Period.year(2026)) == "2026"
    assert breakdowns.period_slug(Period.quarter(2026, 2)) == "2026-tw2"
    assert breakdowns.period_slug(Period.month(2026, 3)) == "2026-03"
    span = Period(date(2026, 1, 1), date(2026, 2, 28))
    assert breakdowns.period_slug(span) == "2026-01-01-2026-02-28"


def test_sums_are_kept_for_a_while_then_summed_afresh(
    settings: Any, django_assert_num_queries: Any
) -> None:
    year = Period.year(2026)
    rollup(date(2026, 1, 1), 5)
    assert breakdowns.by_channel(Scope(), year).column("received") == [5]
    rollup(date(2026, 1, 1), 2, channel="sms")
    with django_assert_num_queries(0):  # the same question: the kept answer
        assert breakdowns.by_channel(Scope(), year).column("received") == [5]
    settings.STATS_CACHE_SECONDS = 0
    assert sorted(int(str(n)) for n in breakdowns.by_channel(Scope(), year).column("received")) == [
        2,
        5,
    ]
