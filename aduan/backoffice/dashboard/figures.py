"""The staff dashboards' figures (DESIGN.md §8): what /kantor/statistik shows each
role, as statistics tables — the page, its charts and its downloads all read them.

- An agency's staff (its admin, its units' liaisons): the agency's figures for the
  period beside the period before, their trend month by month (and quarter by
  quarter over a year), its overdue reports now, and its units compared.
- A supervisor: the agencies it supervises (a province: its regencies and cities)
  compared and ranked among themselves, with their backlog and overdue reports now.
- The national admin: the national figures and trend, and the provinces, the
  central bodies and the state companies on their boards.

Figures come from the roll-ups (grain "m" for whole months); the roll-ups have no
unit, so the units' comparison counts the reports each unit holds now, from the
reports of the one agency. The overdue list is the back office's own
(``report_list_overdue``): the same rule, the same access policy, the same rows."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Unit
from aduan.backoffice.selectors import CaseFilters, CasePage, case_page, report_list_overdue
from aduan.reports.models import OPEN_STATES, Report
from aduan.reports.policy import SYSTEM, Actor
from aduan.stats import breakdowns
from aduan.stats.breakdowns import period_slug
from aduan.stats.index import Index, index_of
from aduan.stats.metrics import Metrics, Period, Scope, metrics, period_text
from aduan.stats.rankings import Board, Row, ranking, ranking_of
from aduan.stats.tables import Cell, Column, Table

# The overdue reports a dashboard shows; the rest are on the overdue list.
OVERDUE_TOP = 10

Kind = Literal["agency", "supervisor", "national"]
Counts = dict[str, int]


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One role's dashboard for one period. ``tables`` are in the page's order,
    by the name their download is asked for (``?unduh=<name>``)."""

    kind: Kind
    subject: str  # whose figures: an agency's name, "Nasional"
    period: Period
    tables: dict[str, Table]
    figures: Metrics | None = None
    index: Index | None = None
    overdue: CasePage | None = None
    # Rows to point out, by table: a liaison's own unit.
    highlight: dict[str, frozenset[int]] = field(default_factory=dict)


def has_dashboard(actor: Actor) -> bool:
    """Every staff role has one: an agency's staff and a supervisor through their
    agency, the national admin for the whole country."""
    if actor.role in ("agency_admin", "liaison", "supervisor"):
        return actor.agency_id is not None
    return actor.role == "national_admin"


def dashboard_for(actor: Actor, period: Period, *, now: datetime | None = None) -> Dashboard:
    """The dashboard of the actor's role (``has_dashboard`` first)."""
    now = now or timezone.now()
    if actor.role == "national_admin":
        return national_dashboard(actor, period, now=now)
    if actor.role == "supervisor":
        return supervisor_dashboard(actor, period, now=now)
    if actor.role in ("agency_admin", "liaison"):
        return agency_dashboard(actor, period, now=now)
    raise ValueError(f"no dashboard for the role {actor.role}")


def agency_dashboard(actor: Actor, period: Period, *, now: datetime) -> Dashboard:
    """The agency's figures, trend, overdue reports and units."""
    assert actor.agency_id is not None
    agency = Agency.objects.get(pk=actor.agency_id)
    scope = Scope(agency_id=agency.pk)
    figures, before = metrics(scope, period, now=now), metrics(scope, period.previous(), now=now)
    slug = f"{agency.code}-{period_slug(period)}"
    units, mine = units_compared(agency, period, unit_id=actor.unit_id, now=now)
    tables = {
        "angka": figures_table(figures, before, period, slug=slug),
        **trend_tables(scope, period, slug=slug),
        "unit": units,
    }
    return Dashboard(
        kind="agency",
        subject=agency.name,
        period=period,
        tables=tables,
        figures=figures,
        index=index_of(figures),
        overdue=overdue_top(actor, now=now),
        highlight={"unit": mine},
    )


def supervisor_dashboard(actor: Actor, period: Period, *, now: datetime) -> Dashboard:
    """The supervised agencies compared, and their overdue reports."""
    assert actor.agency_id is not None
    agency = Agency.objects.get(pk=actor.agency_id)
    return Dashboard(
        kind="supervisor",
        subject=agency.name,
        period=period,
        tables={"instansi": scope_compared(actor, agency, period, now=now)},
        overdue=overdue_top(actor, now=now),
    )


def national_dashboard(actor: Actor, period: Period, *, now: datetime) -> Dashboard:
    """The national figures and trend, the overdue reports, and the boards."""
    scope = Scope()
    figures, before = metrics(scope, period, now=now), metrics(scope, period.previous(), now=now)
    slug = f"nasional-{period_slug(period)}"
    tables = {
        "angka": figures_table(figures, before, period, slug=slug),
        **trend_tables(scope, period, slug=slug),
    }
    for name, board, caption in _BOARDS:
        tables[name] = board_table(ranking(board, period), caption=caption, slug=slug)
    return Dashboard(
        kind="national",
        subject=gettext("Nasional"),
        period=period,
        tables=tables,
        figures=figures,
        index=index_of(figures),
        overdue=overdue_top(actor, now=now),
    )


_BOARDS = (
    ("provinsi", Board.PROVINCES, _("Pemerintah provinsi dibandingkan")),
    ("pusat", Board.CENTRAL, _("Kementerian dan lembaga dibandingkan")),
    ("bumn", Board.STATE_COMPANIES, _("BUMN dibandingkan")),
)


# -- periods --------------------------------------------------------------------------


def _is_year(period: Period) -> bool:
    return period == Period.year(period.start.year)


# -- an agency's (or the nation's) figures ---------------------------------------------

Figure = Callable[[Metrics, Index], Cell]

# The figures table's rows: its label, and the figure (None: not for a past period).
_FIGURES: tuple[tuple[str | Promise, Figure, bool], ...] = (
    (pgettext_lazy("jumlah", "Laporan diterima"), lambda m, i: m.received, True),
    (_("Ditindaklanjuti"), lambda m, i: m.counts.get("followed_up", 0), True),
    (_("Ditindaklanjuti (%)"), lambda m, i: m.followed_up_pct, True),
    (_("Tindak lanjut pertama tepat waktu (%)"), lambda m, i: m.first_on_time_pct, True),
    (_("Selesai tepat waktu (%)"), lambda m, i: m.completed_on_time_pct, True),
    (_("Ditutup (%)"), lambda m, i: m.closed_pct, True),
    (_("Median hari kerja sampai tindak lanjut pertama"), lambda m, i: m.first.median, True),
    (_("Persentil 90 hari kerja sampai tindak lanjut pertama"), lambda m, i: m.first.p90, True),
    (_("Median hari kerja sampai selesai"), lambda m, i: m.completion.median, True),
    (_("Persentil 90 hari kerja sampai selesai"), lambda m, i: m.completion.p90, True),
    (_("Dikembalikan, bukan wewenang (%)"), lambda m, i: m.bounce_pct, True),
    (_("Dibuka kembali (%)"), lambda m, i: m.reopen_pct, True),
    (_("Rata-rata penilaian pelapor (1–5)"), lambda m, i: m.rating_average, True),
    (_("Pelapor puas (%)"), lambda m, i: m.satisfied_pct, True),
    (_("Indeks responsivitas"), lambda m, i: i.value, True),
    (_("Kategori"), lambda m, i: i.category.label, True),
    # "Now" has no past period.
    (_("Tunggakan sekarang (belum selesai)"), lambda m, i: m.backlog, False),
    (_("Terlambat sekarang"), lambda m, i: m.overdue, False),
)


def figures_table(figures: Metrics, before: Metrics, period: Period, *, slug: str) -> Table:
    """Every figure of the period beside the period before."""
    index, index_before = index_of(figures), index_of(before)
    rows = [
        [str(label), figure(figures, index), figure(before, index_before) if past else None]
        for label, figure, past in _FIGURES
    ]
    return Table(
        caption=_("Angka utama"),
        columns=[
            Column("figure", _("Angka")),
            Column("current", period_text(period), numeric=True),
            Column("previous", period_text(period.previous()), numeric=True),
        ],
        rows=rows,
        slug=slug,
    )


def monthly(scope: Scope, period: Period) -> list[tuple[date, Counts]]:
    """The scope's counts for every month the period touches, zeros included (one
    query)."""
    counts = breakdowns.monthly_counts(scope, period)
    return [(month, counts.get(month, {})) for month in breakdowns.months(period)]


def _summed(counts: Sequence[Counts]) -> Counts:
    total: Counts = {}
    for one in counts:
        for name, value in one.items():
            total[name] = total.get(name, 0) + value
    return total


def trend_tables(scope: Scope, period: Period, *, slug: str) -> dict[str, Table]:
    """Month by month (and over a year quarter by quarter), each beside the same
    place in the period before: received, followed up, on time, index (two
    queries)."""
    now, then = monthly(scope, period), monthly(scope, period.previous())
    before = [counts for _month, counts in then]
    rows = [
        [breakdowns.month_label(month), *_trend_cells(counts, _at(before, position))]
        for position, (month, counts) in enumerate(now)
    ]
    tables = {
        "bulanan": Table(
            caption=_("Tren per bulan"),
            columns=_trend_columns(_("Bulan")),
            rows=rows,
            slug=slug,
        )
    }
    if _is_year(period):
        year = period.start.year
        quarters = [_summed([c for _m, c in now[q * 3 : q * 3 + 3]]) for q in range(4)]
        quarters_before = [_summed(before[q * 3 : q * 3 + 3]) for q in range(4)]
        tables["triwulan"] = Table(
            caption=_("Tren per triwulan"),
            columns=_trend_columns(_("Triwulan")),
            rows=[
                [
                    breakdowns.quarter_label(year, q + 1),
                    *_trend_cells(quarters[q], quarters_before[q]),
                ]
                for q in range(4)
            ],
            slug=slug,
        )
    return tables


def _at(counts: list[Counts], position: int) -> Counts | None:
    return counts[position] if position < len(counts) else None


def _trend_columns(label: str | Promise) -> list[Column]:
    return [
        Column("when", label),
        Column("received", _("Diterima"), numeric=True),
        Column("received_before", _("Diterima, periode sebelumnya"), numeric=True),
        Column("followed_up_pct", _("Ditindaklanjuti (%)"), numeric=True),
        Column("first_on_time_pct", _("Tindak lanjut pertama tepat waktu (%)"), numeric=True),
        Column(
            "first_on_time_pct_before",
            _("Tepat waktu, periode sebelumnya (%)"),
            numeric=True,
        ),
        Column("index", _("Indeks"), numeric=True),
        Column("index_before", _("Indeks, periode sebelumnya"), numeric=True),
    ]


def _trend_cells(counts: Counts, before: Counts | None) -> list[Cell]:
    figures = Metrics(counts=counts)
    past = Metrics(counts=before) if before is not None else None
    return [
        figures.received,
        past.received if past else None,
        figures.followed_up_pct,
        figures.first_on_time_pct,
        past.first_on_time_pct if past else None,
        index_of(figures).value,
        index_of(past).value if past else None,
    ]


# -- the overdue list -----------------------------------------------------------------


def overdue_top(actor: Actor, *, now: datetime) -> CasePage:
    """The first reports of the actor's overdue list — the back office's own, in
    its order (the longest overdue first) — with the list's total (four queries)."""
    reports = report_list_overdue(actor=actor, filters=CaseFilters(), now=now)
    return case_page(reports, actor=actor, page=1, per_page=OVERDUE_TOP, now=now)


def _overdue_by(
    actor: Actor, column: str, *, now: datetime, agency_id: int | None = None
) -> dict[int | None, int]:
    """How many reports of the actor's overdue list (of one agency's, if given)
    each agency or unit (``column``) holds: the list's rule, counted (one query)."""
    overdue = report_list_overdue(actor=actor, filters=CaseFilters(), now=now)
    if agency_id is not None:
        overdue = overdue.filter(agency_id=agency_id)
    return dict(overdue.order_by().values_list(column).annotate(Count("pk")))


# -- an agency's units ----------------------------------------------------------------


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as moments: from its first day's start to the next day after its
    last, in the statistics' time (WIB)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    return start, datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)


def units_compared(
    agency: Agency, period: Period, *, unit_id: int | None, now: datetime
) -> tuple[Table, frozenset[int]]:
    """Each unit of the agency: the reports it holds now that reached the agency in
    the period — received, followed up, completed on time — and its overdue
    reports now; with the position of ``unit_id``'s row. The roll-ups have no unit:
    these come from the agency's reports (three queries)."""
    start, end = _bounds(period)
    held = (
        Report.objects.filter(
            agency_id=agency.pk, dispositioned_at__gte=start, dispositioned_at__lt=end
        )
        .values_list("unit_id")
        .annotate(
            received=Count("pk"),
            followed_up=Count("pk", filter=Q(first_follow_up_at__isnull=False)),
            on_time=Count("pk", filter=Q(answered_at__lte=F("completion_due_at"))),
        )
        .order_by()
    )
    counts = {unit: (received, followed, on_time) for unit, received, followed, on_time in held}
    # The agency's overdue reports as a whole, whoever of it is looking: the whole
    # system's overdue list cut to the agency (a liaison's own list holds its unit's
    # only; an agency admin's, its sub-agencies' too).
    overdue = _overdue_by(SYSTEM, "unit_id", now=now, agency_id=agency.pk)
    units = Unit.objects.filter(agency_id=agency.pk).order_by("name")
    shown: list[tuple[int | None, str]] = [
        (pk, name)
        for pk, name, active in units.values_list("pk", "name", "is_active")
        if active or pk in counts or pk in overdue
    ]
    if None in counts or None in overdue:
        shown.append((None, gettext("Belum diteruskan ke unit kerja")))
    rows: list[list[Cell]] = []
    mine: set[int] = set()
    for position, (pk, name) in enumerate(shown):
        received, followed, on_time = counts.get(pk, (0, 0, 0))
        rows.append(
            [
                name,
                received,
                followed,
                100 * followed / received if received else None,
                on_time,
                overdue.get(pk, 0),
            ]
        )
        if pk is not None and pk == unit_id:
            mine.add(position)
    table = Table(
        caption=_("Unit kerja dibandingkan"),
        columns=[
            Column("unit", _("Unit kerja")),
            Column("received", _("Diterima"), numeric=True),
            Column("followed_up", _("Ditindaklanjuti"), numeric=True),
            Column("followed_up_pct", _("Ditindaklanjuti (%)"), numeric=True),
            Column("completed_on_time", _("Selesai tepat waktu"), numeric=True),
            Column("overdue", _("Terlambat sekarang"), numeric=True),
        ],
        rows=rows,
        slug=f"{agency.code}-{period_slug(period)}",
    )
    return table, frozenset(mine)


# -- agencies compared ----------------------------------------------------------------


def scope_compared(actor: Actor, agency: Agency, period: Period, *, now: datetime) -> Table:
    """The agencies ``agency`` supervises, ranked among themselves by the index,
    with their backlog and overdue reports now (five queries)."""
    supervised = list(
        Agency.objects.filter(supervisor_id=agency.pk, is_active=True).order_by("name")
    )
    ids = [one.pk for one in supervised]
    open_now = Report.objects.filter(agency_id__in=ids, state__in=OPEN_STATES)
    backlog = dict(open_now.values_list("agency_id").annotate(Count("pk")).order_by())
    overdue = _overdue_by(actor, "agency_id", now=now)
    return board_table(
        ranking_of(supervised, period),
        caption=_("Instansi yang diawasi dibandingkan"),
        slug=f"{agency.code}-{period_slug(period)}",
        now_counts=(backlog, overdue),
    )


def board_table(
    rows: Sequence[Row],
    *,
    caption: str | Promise,
    slug: str,
    now_counts: tuple[dict[int, int], dict[int | None, int]] | None = None,
) -> Table:
    """Ranked agencies as a table; with ``now_counts`` (backlog, overdue by agency)
    their open reports now too."""
    columns = [
        Column("rank", _("Peringkat"), numeric=True),
        Column("agency", _("Instansi")),
        Column("received", _("Diterima"), numeric=True),
        Column("followed_up_pct", _("Ditindaklanjuti (%)"), numeric=True),
        Column("first_on_time_pct", _("Tindak lanjut pertama tepat waktu (%)"), numeric=True),
        Column("index", _("Indeks"), numeric=True),
        Column("category", _("Kategori")),
        Column("movement", _("Perubahan peringkat"), numeric=True),
    ]
    if now_counts is not None:
        columns += [
            Column("backlog", _("Tunggakan sekarang"), numeric=True),
            Column("overdue", _("Terlambat sekarang"), numeric=True),
        ]
    cells: list[list[Cell]] = []
    for row in rows:
        line: list[Cell] = [
            row.rank,
            row.agency.name,
            row.figures.received,
            row.figures.followed_up_pct,
            row.figures.first_on_time_pct,
            row.index.value,
            row.index.category.label,
            row.movement,
        ]
        if now_counts is not None:
            backlog, overdue = now_counts
            line += [backlog.get(row.agency.pk, 0), overdue.get(row.agency.pk, 0)]
        cells.append(line)
    return Table(caption=caption, columns=columns, rows=cells, slug=slug)


# -- the back office's start page -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """A few figures of this year for the start page."""

    label: str
    figures: Metrics
    index: Index


def home_summary(actor: Actor, *, today: date | None = None) -> Summary | None:
    """This year's figures of the actor's agency (the nation's for the national
    admin); None for a supervisor, whose dashboard compares agencies."""
    period = Period.year((today or timezone.localdate()).year)
    if actor.role in ("agency_admin", "liaison") and actor.agency_id is not None:
        scope = Scope(agency_id=actor.agency_id)
    elif actor.role == "national_admin":
        scope = Scope()
    else:
        return None
    figures = metrics(scope, period)
    return Summary(label=period_text(period), figures=figures, index=index_of(figures))
