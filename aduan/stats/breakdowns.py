"""The figures of a scope and period broken down: month by month, quarter by
quarter, by category, channel, report type and sub-region — each one grouped
query on the roll-ups (monthly rows for whole months, daily rows otherwise),
returned as a statistics ``Table`` that a page shows, draws and offers as a
download.

Which groups a table lists: every month (or quarter) of the period and every
sub-region, with zeros where nothing was received, so that a chart's axis is the
period's and a region without reports is seen to have none; categories, channels
and types only where something was received. Percentages are ``None`` where
there is nothing to divide (a cell with no figure, "–" on a page), and so is the
index of a group with too few reports.

Labels are in the active language when the table is made; codes (regions) stay
in a column of their own so downloads can be joined to other data."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from aduan.categories.models import Category
from aduan.lib.memo import reference_memo
from aduan.regions.models import Region
from aduan.reports.models import Channel, ReportType
from aduan.stats.index import index_of
from aduan.stats.metrics import ROMAN, Metrics, Period, Scope, subregion_level, summed
from aduan.stats.models import Rollup
from aduan.stats.tables import Cell, Column, Table

Counts = dict[str, int]


# -- the headline ---------------------------------------------------------------------


def summary(figures: Metrics) -> Table:
    """The headline figures of ``metrics(scope, period)`` as a table of three
    columns: ``figure`` (what it is), ``value`` (None: nothing to measure) and
    ``unit`` ("%", "hari kerja", …). The rows, in order: received, % followed up,
    % first follow-up on time, % completed on time, % closed, median and 90th
    percentile working days to the first follow-up and to completion, the
    average rating, % satisfied, the backlog and the overdue now, the index and
    its category. No query."""
    index = index_of(figures)
    percent, days, reports = "%", gettext("hari kerja"), gettext("laporan")
    rows: list[list[Cell]] = [
        [gettext("Laporan masuk"), figures.received, reports],
        [gettext("Ditindaklanjuti"), figures.followed_up_pct, percent],
        [gettext("Tindak lanjut pertama tepat waktu"), figures.first_on_time_pct, percent],
        [gettext("Selesai tepat waktu"), figures.completed_on_time_pct, percent],
        [gettext("Ditutup"), figures.closed_pct, percent],
        [gettext("Median ke tindak lanjut pertama"), figures.first.median, days],
        [gettext("Persentil ke-90 ke tindak lanjut pertama"), figures.first.p90, days],
        [gettext("Median sampai selesai"), figures.completion.median, days],
        [gettext("Persentil ke-90 sampai selesai"), figures.completion.p90, days],
        [gettext("Rata-rata nilai kepuasan"), figures.rating_average, gettext("dari 5")],
        [gettext("Pelapor puas"), figures.satisfied_pct, percent],
        [gettext("Belum selesai saat ini"), figures.backlog, reports],
        [gettext("Melewati batas waktu saat ini"), figures.overdue, reports],
        [gettext("Indeks responsivitas"), index.value, gettext("dari 100")],
        [gettext("Kategori"), index.category.label, ""],
    ]
    return Table(
        caption=_("Ringkasan"),
        columns=[
            Column("figure", _("Angka")),
            Column("value", _("Nilai"), numeric=True),
            Column("unit", _("Satuan")),
        ],
        rows=rows,
    )


# -- over time ---------------------------------------------------------------------

_TIME_COLUMNS = (
    Column("received", _("Laporan masuk"), numeric=True),
    Column("followed_up", _("Ditindaklanjuti"), numeric=True),
    Column("followed_up_pct", _("% ditindaklanjuti"), numeric=True),
    Column("first_on_time_pct", _("% tindak lanjut pertama tepat waktu"), numeric=True),
    Column("completed_on_time_pct", _("% selesai tepat waktu"), numeric=True),
    Column("closed_pct", _("% ditutup"), numeric=True),
    Column("index", _("Indeks"), numeric=True),
)


def by_month(scope: Scope, period: Period, *, counts: dict[date, Counts] | None = None) -> Table:
    """Month by month over the period (a year: 12 rows, each month listed even
    when nothing was received). Columns: ``month`` (its name: "Jan 2026"),
    ``received``, ``followed_up``, ``followed_up_pct``, ``first_on_time_pct``,
    ``completed_on_time_pct``, ``closed_pct``, ``index`` (None: too few reports).
    A custom span's first and last months count only its own days. One query,
    none when given the ``monthly_counts`` already read (for ``by_quarter`` too)."""
    if counts is None:
        counts = monthly_counts(scope, period)
    rows = [[month_label(month), *_time_cells(counts.get(month, {}))] for month in months(period)]
    return Table(
        caption=_("Laporan per bulan"),
        columns=[Column("month", _("Bulan")), *_TIME_COLUMNS],
        rows=rows,
        slug=period_slug(period),
    )


def by_quarter(scope: Scope, period: Period, *, counts: dict[date, Counts] | None = None) -> Table:
    """Quarter by quarter over the period ("TW I 2026"; a quarter only partly in
    the period counts only the part in it), with the columns of ``by_month``
    under ``quarter`` instead of ``month``. The index is steadier here than
    month by month: a quarter gathers three months' reports. One query, none
    when given the ``monthly_counts``."""
    if counts is None:
        counts = monthly_counts(scope, period)
    quarters: dict[tuple[int, int], Counts] = {}
    for month in months(period):
        summed = quarters.setdefault((month.year, (month.month + 2) // 3), {})
        for name, value in counts.get(month, {}).items():
            summed[name] = summed.get(name, 0) + value
    rows = [
        [quarter_label(year, quarter), *_time_cells(summed)]
        for (year, quarter), summed in quarters.items()
    ]
    return Table(
        caption=_("Laporan per triwulan"),
        columns=[Column("quarter", _("Triwulan")), *_TIME_COLUMNS],
        rows=rows,
        slug=period_slug(period),
    )


def monthly_counts(scope: Scope, period: Period) -> dict[date, Counts]:
    """Every counter (models.COUNTERS) summed for each month of the period that has
    a roll-up row, keyed by the month's first day. One query."""
    rows = _rows(scope, period)
    if period.whole_months:
        return dict(summed(rows, "day"))
    return dict(summed(rows.annotate(month=TruncMonth("day")), "month"))


def months(period: Period) -> list[date]:
    """The first day of each month the period touches, in order."""
    first = period.start.replace(day=1)
    found = []
    while first <= period.end:
        found.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return found


def month_label(month: date) -> str:
    """A month as a short label in the active language: "Agu 2026"."""
    return date_format(month, "M Y")


def quarter_label(year: int, quarter: int) -> str:
    return gettext("TW %(quarter)s %(year)s") % {"quarter": ROMAN[quarter - 1], "year": year}


def _time_cells(counts: Counts) -> list[Cell]:
    figures = Metrics(counts=counts)
    return [
        figures.received,
        counts.get("followed_up", 0),
        figures.followed_up_pct,
        figures.first_on_time_pct,
        figures.completed_on_time_pct,
        figures.closed_pct,
        index_of(figures).value,
    ]


# -- by what the reports were ---------------------------------------------------------

_SHARE_COLUMNS = (
    Column("received", _("Laporan masuk"), numeric=True),
    Column("share_pct", _("% dari semua laporan"), numeric=True),
    Column("followed_up_pct", _("% ditindaklanjuti"), numeric=True),
    Column("first_on_time_pct", _("% tindak lanjut pertama tepat waktu"), numeric=True),
)


def by_category(scope: Scope, period: Period, *, subcategories: bool = False) -> Table:
    """By category: the top-level categories (each with its subcategories'
    reports), or with ``subcategories`` each category as reports were filed.
    Columns: ``category``, ``received``, ``share_pct`` (of all received in the
    scope), ``followed_up_pct``, ``first_on_time_pct``. Most reports first,
    reports without a category last. One query (category names are kept in
    memory)."""
    names = _category_names()
    grouped: dict[int, Counts] = {}
    for category_id, counts in summed(_rows(scope, period), "category_id"):
        if not subcategories:
            category_id = names[category_id][0] if category_id in names else category_id
        _add(grouped.setdefault(category_id, {}), counts)
    labelled = [
        (_category_label(names, category_id), category_id == 0, counts)
        for category_id, counts in grouped.items()
    ]
    return _shares(_("Laporan per kategori"), Column("category", _("Kategori")), labelled, period)


def by_channel(scope: Scope, period: Period) -> Table:
    """By the channel reports came in through (web, app, SMS 1708, …), most
    reports first. Columns: ``channel`` and those of ``by_category``. One query."""
    column = Column("channel", _("Kanal"))
    return _by_choice(scope, period, column, Channel.choices, _("Laporan per kanal"))


def by_type(scope: Scope, period: Period) -> Table:
    """By report type (complaint, aspiration, information request), most
    reports first. Columns: ``type`` and those of ``by_category``. One query."""
    column = Column("type", _("Jenis laporan"))
    return _by_choice(scope, period, column, ReportType.choices, _("Laporan per jenis"))


def _by_choice(
    scope: Scope,
    period: Period,
    column: Column,
    choices: list[tuple[str, Any]],
    caption: str | Promise,
) -> Table:
    """By a field of fixed choices (named as the column's key), labelled."""
    labels = dict(choices)
    labelled = [
        (str(labels.get(value, value)), False, counts)
        for value, counts in summed(_rows(scope, period), column.key)
    ]
    return _shares(caption, column, labelled, period)


def _shares(
    caption: str | Promise,
    label_column: Column,
    labelled: list[tuple[str, bool, Counts]],
    period: Period,
) -> Table:
    """Rows of (label, whether it goes last, counts) as a table of shares: those
    with no report left out, most reports first, then by label."""
    total = sum(counts.get("received", 0) for _label, _last, counts in labelled)
    kept = [item for item in labelled if item[2].get("received", 0)]
    kept.sort(key=lambda item: (item[1], -item[2]["received"], item[0]))
    rows: list[list[Cell]] = []
    for label, _last, counts in kept:
        figures = Metrics(counts=counts)
        rows.append(
            [
                label,
                figures.received,
                100 * figures.received / total,
                figures.followed_up_pct,
                figures.first_on_time_pct,
            ]
        )
    return Table(
        caption=caption,
        columns=[label_column, *_SHARE_COLUMNS],
        rows=rows,
        slug=period_slug(period),
    )


@reference_memo()
def _category_names() -> dict[int, tuple[int, str, str]]:
    """Every category (inactive ones too: old reports keep theirs) by id: its
    top-level category's id, its name and English name."""
    rows = Category.objects.values_list("pk", "parent_id", "name", "name_en")
    return {pk: (parent_id or pk, name, name_en) for pk, parent_id, name, name_en in rows}


def _category_label(names: dict[int, tuple[int, str, str]], category_id: int) -> str:
    if category_id not in names:
        return gettext("Tanpa kategori") if category_id == 0 else str(category_id)
    _top, name, name_en = names[category_id]
    return name_en if (get_language() or "").startswith("en") else name


# -- by region -------------------------------------------------------------------------

_REGION_COLUMNS = (
    Column("code", _("Kode wilayah")),
    Column("region", _("Wilayah")),
    Column("received", _("Laporan masuk"), numeric=True),
    Column("followed_up_pct", _("% ditindaklanjuti"), numeric=True),
    Column("first_on_time_pct", _("% tindak lanjut pertama tepat waktu"), numeric=True),
    Column("completed_on_time_pct", _("% selesai tepat waktu"), numeric=True),
    Column("closed_pct", _("% ditutup"), numeric=True),
    Column("index", _("Indeks"), numeric=True),
    Column("category", _("Kategori indeks")),
)


def by_subregion(scope: Scope, period: Period) -> Table:
    """The scope's sub-regions: every province nationally (``scope.region`` "")
    or every regency and city of a province ("32"), in code order, each listed
    even with no report; then, if any, the reports with no finer region (code
    "": no region at all, or only the province). Columns: ``code``, ``region``
    (its name), ``received``, ``followed_up_pct``, ``first_on_time_pct``,
    ``completed_on_time_pct``, ``closed_pct``, ``index``, ``category`` (the
    index's category). A regency or city has no sub-regions in the roll-ups:
    ValueError. One query (region names are kept in memory)."""
    if len(scope.region) > 2:
        raise ValueError("the roll-ups hold no region finer than a regency or city")
    field = "regency" if scope.region else "province"
    names = region_names()
    wanted = [
        code
        for code in names
        if (len(code) == 5 and code[:2] == scope.region) or (len(code) == 2 and not scope.region)
    ]
    # Named one by one, with the codes of reports placed no finer ("" nationally,
    # the province's own code in a province): each is a short range of the key.
    codes = [*wanted, scope.region]
    below = (
        Q(agency_id=scope.agency_id) & subregion_level(scope.region) & Q(**{f"{field}__in": codes})
    )
    counts = dict(summed(_rows(scope, period, where=below), field))
    unplaced: Counts = {}
    for code, region_counts in counts.items():
        if code not in names or code == scope.region:
            _add(unplaced, region_counts)
    rows = [_region_row(code, names[code], counts.get(code, {})) for code in sorted(wanted)]
    if unplaced.get("received", 0):
        rows.append(_region_row("", _unplaced_label(scope), unplaced))
    return Table(
        caption=_("Laporan per kabupaten/kota") if scope.region else _("Laporan per provinsi"),
        columns=list(_REGION_COLUMNS),
        rows=rows,
        slug=period_slug(period),
    )


def _region_row(code: str, name: str, counts: Counts) -> list[Cell]:
    figures = Metrics(counts=counts)
    index = index_of(figures)
    return [
        code,
        name,
        figures.received,
        figures.followed_up_pct,
        figures.first_on_time_pct,
        figures.completed_on_time_pct,
        figures.closed_pct,
        index.value,
        index.category.label,
    ]


def _unplaced_label(scope: Scope) -> str:
    if scope.region:
        return gettext("Tanpa kabupaten/kota")
    return gettext("Tanpa wilayah")


@reference_memo()
def region_names() -> dict[str, str]:
    """The provinces' and regencies' names by code."""
    levels = (Region.Level.PROVINCE, Region.Level.REGENCY)
    return dict(Region.objects.filter(level__in=levels).values_list("code", "name"))


# -- shared ----------------------------------------------------------------------------


def period_slug(period: Period) -> str:
    """The period as a file name part: "2026", "2026-tw1", "2026-03", or
    "2026-01-05-2026-02-10"."""
    start, end = period.start, period.end
    if period.whole_months and start.year == end.year:
        if (start.month, end.month) == (1, 12):
            return str(start.year)
        if start.month == end.month:
            return f"{start.year}-{start.month:02}"
        if end.month - start.month == 2 and start.month % 3 == 1:
            return f"{start.year}-tw{(start.month + 2) // 3}"
    return f"{start.isoformat()}-{end.isoformat()}"


def _rows(scope: Scope, period: Period, *, where: Q | None = None) -> QuerySet[Rollup]:
    """The scope's roll-up rows in the period (``where`` instead of the scope's
    own filter: another level of region)."""
    return Rollup.objects.filter(
        where if where is not None else scope.rollup_filter(), period.rollup_filter()
    )


def _add(into: Counts, counts: Counts) -> None:
    for name, value in counts.items():
        into[name] = into.get(name, 0) + value
