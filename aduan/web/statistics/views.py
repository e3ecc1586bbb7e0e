"""The public statistics pages: read the figures from aduan.stats, render them.

Everyone may read them, signed in or not: they hold figures only — counts,
shares, working days and the index — never a report, so a confidential report
counts in them and appears nowhere. Each page reads the roll-ups with a small,
fixed number of grouped queries whatever the period (aduan.stats.breakdowns).

Every table a page shows is a statistics ``Table``, downloadable from the same
address with ``?unduh=<name>&format=csv|xlsx`` (the period kept), so the page,
its charts and the files always hold the same figures."""

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from aduan.agencies.models import Agency
from aduan.lib.errors import InvalidInput
from aduan.stats import breakdowns, charts
from aduan.stats.cards import decimal, number
from aduan.stats.index import Category, Index, index_of
from aduan.stats.metrics import (
    FIRST_YEAR,
    ROMAN,
    Metrics,
    Period,
    Scope,
    metrics,
    period_kind,
    period_parse,
    period_standing,
    period_text,
)
from aduan.stats.rankings import Board, Row, ranking
from aduan.stats.tables import FORMATS, Cell, Column, Table, table_response

Response = HttpResponse | StreamingHttpResponse

# The period's fields in a page's address: ?tahun=2026&triwulan=2, ?tahun=2026&bulan=3,
# ?mulai=2026-01-05&sampai=2026-02-10.
PERIOD_FIELDS = ("tahun", "triwulan", "bulan", "mulai", "sampai")


@require_safe
def methodology(request: HttpRequest) -> HttpResponse:
    """How the figures, the index and the rankings are made, with the weights and
    thresholds in force (they are configuration: the page shows the live values)."""
    weights = settings.STATS_INDEX_WEIGHTS
    thresholds = settings.STATS_INDEX_CATEGORIES
    categories = [(Category(name).label, value) for name, value in thresholds.items()]
    return render(
        request,
        "web/statistics/methodology.html",
        {
            "weights": weights,
            "weight_total": sum(weights.values()),
            "categories": categories,
            "lowest": Category.KURANG_RESPONSIF.label,
            "lowest_below": min(thresholds.values()),
            "min_reports": settings.STATS_MIN_REPORTS,
            "insufficient": Category.INSUFFICIENT.label,
        },
    )


# -- the period ------------------------------------------------------------------------


def period_from(query: QueryDict, *, today: date | None = None) -> Period:
    """The period the address asks for (``PERIOD_FIELDS``; empty fields are left
    out, as a form sends them): this year by default. InvalidInput, in words the
    visitor can act on, for anything else."""
    return period_parse(
        year=_whole(query, "tahun", _("Tahun harus ditulis dengan angka, misalnya 2026.")),
        quarter=_whole(query, "triwulan", _("Triwulan harus 1 sampai 4.")),
        month=_whole(query, "bulan", _("Bulan harus 1 sampai 12.")),
        start=_day(query, "mulai"),
        end=_day(query, "sampai"),
        today=today,
    )


def _whole(query: QueryDict, name: str, message: str | Promise) -> int | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise InvalidInput(message, code="period_invalid", field=name)
    return int(raw)


def _day(query: QueryDict, name: str) -> date | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("Tanggal harus ditulis TTTT-BB-HH, misalnya 2026-01-31."),
            code="period_invalid",
            field=name,
        ) from None


def period_query(period: Period) -> list[tuple[str, str]]:
    """The period as the fields of an address (PERIOD_FIELDS)."""
    start, kind = period.start, period_kind(period)
    if kind == "year":
        return [("tahun", str(start.year))]
    if kind == "quarter":
        return [("tahun", str(start.year)), ("triwulan", str((start.month + 2) // 3))]
    if kind == "month":
        return [("tahun", str(start.year)), ("bulan", str(start.month))]
    return [("mulai", start.isoformat()), ("sampai", period.end.isoformat())]


def _period_form(query: QueryDict) -> dict[str, Any]:
    """The period form, filled in as asked (also when refused, to be corrected)."""
    this_year = timezone.localdate().year
    asked = {name: query.get(name, "").strip() for name in PERIOD_FIELDS}
    return {
        "values": asked,
        "year": asked["tahun"] or str(this_year),
        "years": [str(year) for year in range(this_year, FIRST_YEAR - 1, -1)],
        "quarters": [(str(q), label) for q, label in enumerate(ROMAN, 1)],
        "months": [(str(month), date_format(date(2000, month, 1), "F")) for month in range(1, 13)],
    }


# -- tables as pages show them ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShownCell:
    text: str
    numeric: bool = False
    header: bool = False  # the row's name: <th scope="row">
    url: str = ""


@dataclass(frozen=True, slots=True)
class Shown:
    """A statistics table on a page: its charts, its cells written out, its downloads."""

    name: str  # the ?unduh= name
    table: Table
    heads: list[Column]
    rows: list[list[ShownCell]]
    downloads: list[tuple[str, str]]
    charts: list[tuple[str, SafeString]] = dataclasses.field(default_factory=list)  # title, SVG
    note: str = ""


def _shown(
    request: HttpRequest,
    name: str,
    table: Table,
    *,
    charts_of: Sequence[tuple[str, SafeString]] = (),
    links: dict[int, str] | None = None,
    hidden: Sequence[str] = (),
    header: str = "",
    note: str = "",
) -> Shown:
    """The table written out for the page: figures in the active language's
    numbers ("–" for none), the column ``header`` (else the first) as each row's
    name, linked to ``links[row]`` when given; ``hidden`` columns are left off
    the page but kept in the downloads."""
    shown = [i for i, column in enumerate(table.columns) if column.key not in hidden]
    header = header or table.columns[shown[0]].key
    rows = []
    for position, row in enumerate(table.rows):
        cells = []
        for i in shown:
            column = table.columns[i]
            is_header = column.key == header
            url = (links or {}).get(position, "") if is_header else ""
            cells.append(ShownCell(_text(row[i]), column.numeric, is_header, url))
        rows.append(cells)
    return Shown(
        name=name,
        table=table,
        heads=[table.columns[i] for i in shown],
        rows=rows,
        downloads=[(fmt.upper(), _download_url(request, name, fmt)) for fmt in FORMATS],
        charts=list(charts_of),
        note=note,
    )


def _text(cell: Cell) -> str:
    if cell is None:
        return "–"
    if isinstance(cell, str):
        return str(cell)
    if isinstance(cell, int):
        return number(cell)
    if isinstance(cell, float):
        return decimal(cell)
    return date_format(cell, "j M Y")


def _download_url(request: HttpRequest, name: str, fmt: str) -> str:
    """The page's own address (its period and board kept) asking for a download."""
    kept = [(key, request.GET.get(key, "")) for key in (*PERIOD_FIELDS, "papan", "provinsi")]
    kept = [(key, value) for key, value in kept if value]
    return "?" + urlencode([*kept, ("unduh", name), ("format", fmt)])


def _download(
    request: HttpRequest, builders: dict[str, Callable[[], Table]], slug: str
) -> Response:
    """The table ``?unduh=`` names, as ``?format=`` (csv by default) asks."""
    name = request.GET.get("unduh", "")
    if name not in builders:
        raise InvalidInput(
            gettext("Tabel “%(name)s” tidak ada di halaman ini. Pilih salah satu: %(names)s.")
            % {"name": name[:40], "names": ", ".join(builders)},
            code="table_unknown",
            field="unduh",
        )
    fmt = request.GET.get("format", "") or "csv"
    if fmt not in FORMATS:
        raise InvalidInput(
            _("Format unduhan harus csv atau xlsx."), code="format_invalid", field="format"
        )
    return table_response(dataclasses.replace(builders[name](), slug=slug), fmt)


# -- the figures pages: national, a region, an agency -------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """Whose figures a page shows."""

    title: str
    scope: Scope
    slug: str  # for file names: "nasional", "32-74", "pemda-32-74"
    crumbs: list[tuple[str, str]]  # the places it is in: (name, url)
    agency: Agency | None = None
    region: str = ""

    @property
    def document_title(self) -> str:
        """The window's title: "Statistik Jawa Barat" (the nation's page is titled
        so already, and says it once)."""
        if not self.region and self.agency is None:
            return self.title
        return gettext("Statistik %(place)s") % {"place": self.title}


@require_safe
def national(request: HttpRequest) -> Response:
    place = Place(title=gettext("Statistik nasional"), scope=Scope(), slug="nasional", crumbs=[])
    return _figures_page(request, place)


@require_safe
def region(request: HttpRequest, code: str) -> Response:
    """A province ("32") or a regency or city ("32.74") with everything in it."""
    names = breakdowns.region_names()
    if code not in names:
        raise Http404
    crumbs = [(gettext("Nasional"), reverse("web:statistics"))]
    if len(code) > 2:
        crumbs.append((names[code[:2]], reverse("web:statistics_region", args=[code[:2]])))
    place = Place(
        title=names[code],
        scope=Scope(region=code),
        slug=code.replace(".", "-"),
        crumbs=crumbs,
        region=code,
    )
    return _figures_page(request, place)


@require_safe
def agency(request: HttpRequest, code: str) -> Response:
    """One agency, on the reports it held (aduan.stats.facts)."""
    found = Agency.objects.select_related("region").filter(code=code).first()
    if found is None:
        raise Http404
    crumbs = [(gettext("Nasional"), reverse("web:statistics"))]
    if found.region is not None:
        province = found.region.code[:2]
        names = breakdowns.region_names()
        crumbs.append((names[province], reverse("web:statistics_region", args=[province])))
    place = Place(
        title=found.name,
        scope=Scope(agency_id=found.pk),
        slug=found.code,
        crumbs=crumbs,
        agency=found,
    )
    return _figures_page(request, place)


def _figures_page(request: HttpRequest, place: Place) -> Response:
    context: dict[str, Any] = {
        "place": place,
        "form": _period_form(request.GET),
        "methodology": reverse("web:stats_methodology"),
    }
    try:
        period = period_from(request.GET)
        scope = place.scope

        # Each read once, and only when a table asks for it.
        @functools.cache
        def figures() -> Metrics:
            return metrics(scope, period)

        @functools.cache
        def months() -> dict[date, breakdowns.Counts]:
            return breakdowns.monthly_counts(scope, period)

        builders: dict[str, Callable[[], Table]] = {
            "ringkasan": lambda: breakdowns.summary(figures()),
            "bulan": lambda: breakdowns.by_month(scope, period, counts=months()),
            "triwulan": lambda: breakdowns.by_quarter(scope, period, counts=months()),
            "kategori": lambda: breakdowns.by_category(scope, period),
            "kanal": lambda: breakdowns.by_channel(scope, period),
            "jenis": lambda: breakdowns.by_type(scope, period),
        }
        if len(scope.region) <= 2 and not scope.agency_id:
            builders["wilayah"] = lambda: breakdowns.by_subregion(scope, period)
        slug = f"{place.slug}-{breakdowns.period_slug(period)}"
        if "unduh" in request.GET:
            return _download(request, builders, slug)
    except InvalidInput as error:
        return _refused(request, "web/statistics/figures.html", context, error)
    tables = {name: build() for name, build in builders.items()}
    headline = figures()
    index = index_of(headline)
    context.update(
        period=period,
        period_text=period_text(period),
        as_of=period_standing(period, waiting=headline.waiting),
        headline=_headline(headline, index),
        index=index,
        index_text=decimal(index.value) if index.value is not None else "",
        summary=_shown(request, "ringkasan", tables["ringkasan"]),
        sections=_sections(request, tables),
        subregions=_subregions(request, tables["wilayah"]) if "wilayah" in tables else None,
        report_card=_report_card_link(place.agency, period),
        local_government=_local_government(place.region),
        board=_board_link(place, period),
    )
    return render(request, "web/statistics/figures.html", context)


def _refused(
    request: HttpRequest, template: str, context: dict[str, Any], error: InvalidInput
) -> HttpResponse:
    """The page with the reason its address was refused, and its form to correct it."""
    return render(request, template, {**context, "error": error.message}, status=error.status)


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: str
    note: str = ""


def _headline(figures: Metrics, index: Index) -> list[Figure]:
    """The figures at the top of the page, as written there."""

    def pct(value: float | None) -> str:
        return f"{decimal(value)}%" if value is not None else "–"

    def days(value: int | None) -> str:
        if value is None:
            return "–"
        return ngettext("%(days)s hari kerja", "%(days)s hari kerja", value) % {
            "days": number(value)
        }

    average = figures.rating_average
    return [
        Figure(gettext("Laporan masuk"), number(figures.received)),
        Figure(gettext("Ditindaklanjuti"), pct(figures.followed_up_pct)),
        Figure(gettext("Tindak lanjut pertama tepat waktu"), pct(figures.first_on_time_pct)),
        Figure(gettext("Selesai tepat waktu"), pct(figures.completed_on_time_pct)),
        Figure(gettext("Ditutup"), pct(figures.closed_pct)),
        Figure(
            gettext("Sampai tindak lanjut pertama"),
            days(figures.first.median),
            gettext("median; 90%% dalam %(days)s") % {"days": days(figures.first.p90)}
            if figures.first.p90 is not None
            else "",
        ),
        Figure(
            gettext("Sampai selesai"),
            days(figures.completion.median),
            gettext("median; 90%% dalam %(days)s") % {"days": days(figures.completion.p90)}
            if figures.completion.p90 is not None
            else "",
        ),
        Figure(
            gettext("Kepuasan pelapor"),
            f"{decimal(average)} / 5" if average is not None else "–",
            gettext("%(pct)s puas") % {"pct": pct(figures.satisfied_pct)}
            if figures.satisfied_pct is not None
            else "",
        ),
        Figure(gettext("Belum selesai saat ini"), number(figures.backlog)),
        Figure(gettext("Melewati batas waktu saat ini"), number(figures.overdue)),
    ]


def _sections(request: HttpRequest, tables: dict[str, Table]) -> list[Shown]:
    """The charts, each section's followed by its table. Over time: the volume and
    the on-time rates month by month, the index quarter by quarter (a quarter
    gathers enough reports for an index where a month often does not)."""
    month, quarter = tables["bulan"], tables["triwulan"]
    volume = gettext("Laporan masuk per bulan")
    on_time = gettext("Ketepatan waktu per bulan")
    on_time_keys = ["first_on_time_pct", "completed_on_time_pct"]
    index = gettext("Indeks responsivitas per triwulan")
    too_few = ngettext(
        "Triwulan dengan kurang dari %(count)s laporan tidak diberi indeks.",
        "Triwulan dengan kurang dari %(count)s laporan tidak diberi indeks.",
        settings.STATS_MIN_REPORTS,
    ) % {"count": settings.STATS_MIN_REPORTS}
    sections = [
        _shown(
            request,
            "bulan",
            month,
            charts_of=[
                (volume, charts.bar_chart(month, "received", "month", vertical=True, title=volume)),
                *(
                    [
                        (
                            on_time,
                            charts.line_chart(
                                month, on_time_keys, "month", maximum=100, unit="%", title=on_time
                            ),
                        )
                    ]
                    if charts.drawable(month, on_time_keys)
                    else []
                ),
            ],
        ),
        _shown(
            request,
            "triwulan",
            quarter,
            charts_of=[
                (index, charts.line_chart(quarter, ["index"], "quarter", maximum=100, title=index))
            ]
            if charts.drawable(quarter, ["index"])
            else [],
            note=too_few,
        ),
    ]
    for name, key in (("kategori", "category"), ("kanal", "channel"), ("jenis", "type")):
        table = tables[name]
        # The section's heading names the chart already; an empty table has none.
        drawn = [("", charts.bar_chart(table, "received", key))] if table.rows else []
        sections.append(_shown(request, name, table, charts_of=drawn))
    return sections


def _subregions(request: HttpRequest, table: Table) -> Shown:
    codes = table.column("code")
    links = {
        position: reverse("web:statistics_region", args=[code])
        for position, code in enumerate(codes)
        if isinstance(code, str) and code
    }
    return _shown(request, "wilayah", table, links=links, header="region", hidden=("code",))


def _report_card_link(agency: Agency | None, period: Period) -> tuple[str, str] | None:
    """The agency's report card for the period's year (this year at the latest)."""
    if agency is None:
        return None
    year = min(period.start.year, timezone.localdate().year)
    return (
        gettext("Rapor %(year)s") % {"year": year},
        reverse("web:report_card", kwargs={"code": agency.code, "year": year}),
    )


def _local_government(region: str) -> list[Agency]:
    """The government of the region, for a link to its own figures."""
    if not region:
        return []
    kinds = (Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY)
    return list(Agency.objects.filter(region_id=region, kind__in=kinds, is_active=True))


def _board_link(place: Place, period: Period) -> str:
    """The rankings this place's figures belong with, for the same period."""
    query = period_query(period)
    if place.region:
        query = [("papan", Board.LOCAL.value), ("provinsi", place.region[:2]), *query]
    return f"{reverse('web:statistics_rankings')}?{urlencode(query)}"


# -- the rankings -------------------------------------------------------------------------

_BOARD_LABELS: dict[Board, str | Promise] = {
    Board.PROVINCES: _("Pemerintah provinsi"),
    Board.LOCAL: _("Kabupaten dan kota (per provinsi)"),
    Board.CENTRAL: _("Kementerian dan lembaga pusat"),
    Board.STATE_COMPANIES: _("BUMN"),
}

_RANKING_COLUMNS = (
    Column("rank", _("Peringkat"), numeric=True),
    Column("code", _("Kode instansi")),
    Column("agency", _("Instansi")),
    Column("index", _("Indeks"), numeric=True),
    Column("category", _("Kategori")),
    Column("received", _("Laporan masuk"), numeric=True),
    Column("followed_up_pct", _("% ditindaklanjuti"), numeric=True),
    Column("previous_rank", _("Peringkat sebelumnya"), numeric=True),
    Column("movement", _("Perubahan")),
)


@require_safe
def rankings(request: HttpRequest) -> Response:
    """A board (``?papan=``: provinces by default, ``local`` with ``?provinsi=``,
    ``central``, ``state_companies``) ranked by the index for the period."""
    names = breakdowns.region_names()
    board_raw = request.GET.get("papan", "") or Board.PROVINCES.value
    province = request.GET.get("provinsi", "").strip()
    context: dict[str, Any] = {
        "form": _period_form(request.GET),
        "boards": [(board.value, label) for board, label in _BOARD_LABELS.items()],
        "board": board_raw,
        "province": province,
        "provinces": [(code, name) for code, name in names.items() if len(code) == 2],
        "methodology": reverse("web:stats_methodology"),
    }
    try:
        board = _board(board_raw, province, names)
        period = period_from(request.GET)
        slug = "-".join(
            part
            for part in ("peringkat", board.value, province, breakdowns.period_slug(period))
            if part
        )
        builders: dict[str, Callable[[], Table]] = {
            "peringkat": lambda: _ranking_table(board, period, province)[0]
        }
        if "unduh" in request.GET:
            return _download(request, builders, slug)
    except InvalidInput as error:
        return _refused(request, "web/statistics/rankings.html", context, error)
    table, links = _ranking_table(board, period, province)
    title = str(_BOARD_LABELS[board])
    if board == Board.LOCAL:
        title = gettext("Kabupaten dan kota di %(province)s") % {"province": names[province]}
    context.update(
        period=period,
        period_text=period_text(period),
        title=title,
        previous_text=period_text(period.previous()),
        as_of=period_standing(period),
        ranking=_shown(request, "peringkat", table, links=links, header="agency", hidden=("code",)),
    )
    return render(request, "web/statistics/rankings.html", context)


def _board(raw: str, province: str, names: dict[str, str]) -> Board:
    try:
        board = Board(raw)
    except ValueError:
        raise InvalidInput(
            _("Papan peringkat tidak dikenal. Pilih salah satu dari daftar."),
            code="board_invalid",
            field="papan",
        ) from None
    if board == Board.LOCAL:
        if not province:
            raise InvalidInput(
                _("Pilih provinsi untuk peringkat kabupaten dan kota."),
                code="region_required",
                field="provinsi",
            )
        if len(province) != 2 or province not in names:
            raise InvalidInput(
                _("Provinsi tidak dikenal. Pilih salah satu dari daftar."),
                code="region_invalid",
                field="provinsi",
            )
    return board


def _ranking_table(board: Board, period: Period, province: str) -> tuple[Table, dict[int, str]]:
    rows = ranking(board, period, province=province)
    cells = [_ranking_row(row) for row in rows]
    # Each row leads to the agency's own figures for the same period.
    same_period = urlencode(period_query(period))
    links = {
        position: f"{reverse('web:statistics_agency', args=[row.agency.code])}?{same_period}"
        for position, row in enumerate(rows)
    }
    table = Table(caption=_("Peringkat"), columns=list(_RANKING_COLUMNS), rows=cells)
    return table, links


def _ranking_row(row: Row) -> list[Cell]:
    return [
        row.rank,
        row.agency.code,
        row.agency.name,
        row.index.value,
        row.index.category.label,
        row.figures.received,
        row.figures.followed_up_pct,
        row.previous_rank,
        movement_text(row),
    ]


def movement_text(row: Row) -> str:
    """The row's movement since the period before: "naik 2", "turun 1", "tetap",
    "baru" (ranked now, not then), "–" (not ranked now)."""
    if row.rank is None:
        return "–"
    if row.previous_rank is None:
        return gettext("baru")
    places = row.previous_rank - row.rank
    if places > 0:
        return gettext("naik %(places)s") % {"places": places}
    if places < 0:
        return gettext("turun %(places)s") % {"places": -places}
    return gettext("tetap")
