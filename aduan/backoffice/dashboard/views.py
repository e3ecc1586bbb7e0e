"""The staff dashboard (/kantor/statistik): the figures of the signed-in staff
member's agency or scope for a period, each table downloadable as CSV or XLSX
(``?unduh=<table>&format=csv|xlsx``). A period or a download that makes no sense
answers 400 with the reason."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from aduan.backoffice.auth import staff_required
from aduan.backoffice.dashboard.figures import (
    Dashboard,
    dashboard_for,
    has_dashboard,
)
from aduan.backoffice.dashboard.forms import PeriodForm
from aduan.lib.errors import InvalidInput
from aduan.reports.policy import Actor
from aduan.stats.charts import bar_chart, drawable, line_chart
from aduan.stats.metrics import period_standing, period_text
from aduan.stats.tables import Cell, Table, table_response

_TEMPLATE = "backoffice/dashboard/page.html"
# The figures and trends come first, then the overdue list, then the comparisons.
_LEADING = ("angka", "bulanan", "triwulan")
# Figures that are changes, written with their sign.
_SIGNED = frozenset({"movement"})


@dataclass(frozen=True, slots=True)
class ShownCell:
    text: str
    numeric: bool
    head: bool  # the row's header (<th scope="row">)


@dataclass(frozen=True, slots=True)
class ShownRow:
    cells: list[ShownCell]
    mine: bool  # the reader's own (a liaison's unit)


@dataclass(frozen=True, slots=True)
class ShownTable:
    """A table as the page writes it: each figure in the active language."""

    name: str  # what its download is asked by
    table: Table
    rows: list[ShownRow]
    charts: list[SafeString]


@require_safe
@staff_required
def stats_dashboard(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    actor = Actor.for_user(request.user)  # type: ignore[arg-type]
    if not has_dashboard(actor):
        raise Http404
    form = PeriodForm(_with_year(request.GET))
    try:
        dashboard = dashboard_for(actor, form.period())
        wanted = request.GET.get("unduh")
        if wanted:
            return table_response(_table(dashboard, wanted), request.GET.get("format") or "csv")
    except InvalidInput as error:
        context = {"form": form, "error": error.message, "period_query": ""}
        return render(request, _TEMPLATE, context, status=error.status)
    return render(request, _TEMPLATE, _context(request, form, dashboard))


def _with_year(query: QueryDict) -> QueryDict:
    """The period asked for, with the year filled in when none is (a year is the
    default period): the form shows the year its figures are of, never an empty
    "Tahun" field. A span of days (mulai/sampai) needs none."""
    if query.get("tahun", "").strip() or query.get("mulai") or query.get("sampai"):
        return query
    filled = query.copy()
    filled["tahun"] = str(timezone.localdate().year)
    return filled


def _table(dashboard: Dashboard, name: str) -> Table:
    table = dashboard.tables.get(name)
    if table is None:
        raise InvalidInput(
            _("Tabel yang diminta tidak ada di halaman ini."), code="table_unknown", field="unduh"
        )
    return table


def _context(request: HttpRequest, form: PeriodForm, dashboard: Dashboard) -> dict[str, Any]:
    kept = {
        key: value for key, value in request.GET.items() if key not in ("unduh", "format") and value
    }
    shown = [
        _shown(name, table, dashboard.highlight.get(name, frozenset()))
        for name, table in dashboard.tables.items()
    ]
    return {
        "form": form,
        "dashboard": dashboard,
        "period_label": period_text(dashboard.period),
        "as_of": period_standing(
            dashboard.period, waiting=dashboard.figures.waiting if dashboard.figures else None
        ),
        "previous_label": period_text(dashboard.period.previous()),
        "leading": [one for one in shown if one.name in _LEADING],
        "compared": [one for one in shown if one.name not in _LEADING],
        # Each download link adds its table and format to the period's parameters.
        "period_query": f"{urlencode(kept)}&" if kept else "",
    }


def _shown(name: str, table: Table, highlight: frozenset[int]) -> ShownTable:
    head = next((i for i, column in enumerate(table.columns) if not column.numeric), 0)
    rows = [
        ShownRow(
            cells=[
                ShownCell(
                    _text(cell, signed=column.key in _SIGNED),
                    # A word in a column of figures (an index's category) reads left.
                    numeric=column.numeric and not isinstance(cell, str),
                    head=position == head,
                )
                for position, (column, cell) in enumerate(zip(table.columns, row, strict=True))
            ],
            mine=number in highlight,
        )
        for number, row in enumerate(table.rows)
    ]
    return ShownTable(name=name, table=table, rows=rows, charts=_charts(name, table))


def _charts(name: str, table: Table) -> list[SafeString]:
    """The drawings of a table (each an image with its title and description; the
    table itself follows it on the page). Long boards (the central bodies) have
    none: a hundred bars help nobody. A drawing with nothing to draw (no index in
    the period) is left off: the table below says it, row by row."""
    if name == "bulanan":
        on_time = ["first_on_time_pct", "first_on_time_pct_before"]
        return [
            line_chart(table, ["received", "received_before"], "when"),
            *(
                [
                    line_chart(
                        table,
                        on_time,
                        "when",
                        title=gettext("Tindak lanjut pertama tepat waktu per bulan"),
                        maximum=100,
                        unit="%",
                    )
                ]
                if drawable(table, on_time)
                else []
            ),
        ]
    if not table.rows:
        return []
    if name == "triwulan" and drawable(table, ["index", "index_before"]):
        return [
            line_chart(
                table,
                ["index", "index_before"],
                "when",
                title=gettext("Indeks responsivitas per triwulan"),
                maximum=100,
            )
        ]
    if name == "unit":
        return [bar_chart(table, "received", "unit", title=gettext("Laporan diterima per unit"))]
    if name in ("instansi", "provinsi", "bumn") and drawable(table, ["index"]):
        title = gettext("Indeks responsivitas: %(what)s") % {"what": table.caption}
        return [bar_chart(table, "index", "agency", title=title, maximum=100)]
    return []


def _text(cell: Cell, *, signed: bool = False) -> str:
    """A figure as the active language writes it (1.234 and 96,4 in Indonesian);
    "–" for none."""
    if cell is None:
        return "–"
    if isinstance(cell, date):
        return date_format(cell, "j M Y")
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return str(cell)
    if isinstance(cell, float):
        # Rounded here: number_format cuts the decimals off (88,88… would be 88,8).
        text = number_format(round(abs(cell), 1), decimal_pos=1, force_grouping=True)
    else:
        text = number_format(abs(cell), force_grouping=True)
    if cell < 0:
        return f"−{text}"  # a real minus sign
    return f"+{text}" if signed and cell > 0 else text
