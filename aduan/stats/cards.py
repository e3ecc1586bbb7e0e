"""The yearly report card of one agency (DESIGN.md §8): its figures for the year
beside the year before, its index and category, its place on its board, and the
plain sentences in the source's style ("Pada 2020 tercatat 134 laporan masuk;
134 telah ditindaklanjuti (100%)."). The page, the PDF and the downloads all
read the one ``Card``, so they always say the same.

A card shows figures only, never a report: confidential reports count in them
like any other and appear nowhere."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.regions.models import Region
from aduan.stats.index import Index, index_of
from aduan.stats.metrics import Metrics, Period, Scope, metrics, period_parse
from aduan.stats.rankings import Board, Row, ranking
from aduan.stats.tables import Cell, Column, Table

_BOARDS: dict[str, Board] = {
    Agency.Kind.REGENCY: Board.LOCAL,
    Agency.Kind.CITY: Board.LOCAL,
    Agency.Kind.PROVINCE: Board.PROVINCES,
    Agency.Kind.MINISTRY: Board.CENTRAL,
    Agency.Kind.INSTITUTION: Board.CENTRAL,
    Agency.Kind.STATE_COMPANY: Board.STATE_COMPANIES,
}
_LOCAL_GOVERNMENTS = (Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY)


@dataclass(frozen=True, slots=True)
class Standing:
    """The agency's place on its board for the year."""

    board: Board
    rank: int | None  # None: not ranked (insufficient data, or not on the board)
    previous_rank: int | None
    size: int  # the agencies on the board
    ranked: int  # of them, those given a rank
    name: str  # who is on it, with how many: "27 kabupaten/kota di Jawa Barat"


@dataclass(frozen=True, slots=True)
class Card:
    agency: Agency
    year: int
    figures: Metrics
    previous: Metrics  # the year before
    index: Index
    previous_index: Index
    standing: Standing | None  # None: the agency has no board (the national admin)
    sentences: tuple[str, ...]
    table: Table

    @property
    def subject(self) -> str:
        return subject_of(self.agency)

    @property
    def rank(self) -> int | None:
        return self.standing.rank if self.standing else None

    @property
    def board_size(self) -> int:
        return self.standing.size if self.standing else 0


def report_card(*, agency: Agency, year: int) -> Card:
    """The agency's card for ``year``, in the active language; a year no
    statistics page offers is refused (InvalidInput)."""
    period = period_parse(year=year)
    figures = metrics(Scope(agency_id=agency.pk), period)
    previous = metrics(Scope(agency_id=agency.pk), period.previous())
    index, previous_index = index_of(figures), index_of(previous)
    standing = _standing(agency, period)
    return Card(
        agency=agency,
        year=year,
        figures=figures,
        previous=previous,
        index=index,
        previous_index=previous_index,
        standing=standing,
        sentences=_sentences(agency, year, figures, index, standing),
        table=_table(agency, year, figures, previous, index, previous_index),
    )


def subject_of(agency: Agency) -> str:
    """How a sentence names the agency: a local government by its place ("Kota
    Cirebon", "Provinsi Jawa Barat"), any other body by its name."""
    if agency.kind in _LOCAL_GOVERNMENTS:
        return agency.name.removeprefix("Pemerintah ")
    return agency.name


def whole_percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in whole percent, half rounded up — but never 100
    unless all of it, never 0 unless none of it: 133 of 134 is not "100%"."""
    percent = (200 * part + whole) // (2 * whole)
    if percent == 100 and part < whole:
        return 99
    if percent == 0 and part > 0:
        return 1
    return percent


def number(value: int) -> str:
    """A count as the active language writes it: 1.234 in Indonesian."""
    return number_format(value, force_grouping=True)


def decimal(value: float) -> str:
    """One decimal, as the active language writes it: 96,4 in Indonesian (rounded:
    number_format alone would cut 88.89 to 88,8)."""
    return number_format(round(value, 1), decimal_pos=1, force_grouping=True)


# -- the board --------------------------------------------------------------------


def _standing(agency: Agency, period: Period) -> Standing | None:
    board = _BOARDS.get(agency.kind)
    if board is None:
        return None
    province = ""
    if board == Board.LOCAL:
        if agency.region_id is None:
            return None
        province = agency.region_id[:2]
    rows = ranking(board, period, province=province)
    mine: Row | None = next((row for row in rows if row.agency.pk == agency.pk), None)
    ranked = sum(1 for row in rows if row.rank is not None)
    return Standing(
        board=board,
        rank=mine.rank if mine else None,
        previous_rank=mine.previous_rank if mine else None,
        size=len(rows),
        ranked=ranked,
        name=_board_name(board, len(rows), province),
    )


def _board_name(board: Board, size: int, province: str) -> str:
    count = number(size)
    if board == Board.LOCAL:
        place = Region.objects.filter(code=province).values_list("name", flat=True).first()
        return ngettext(
            "%(count)s kabupaten/kota di %(province)s",
            "%(count)s kabupaten/kota di %(province)s",
            size,
        ) % {"count": count, "province": place or province}
    if board == Board.PROVINCES:
        return ngettext("%(count)s provinsi", "%(count)s provinsi", size) % {"count": count}
    if board == Board.CENTRAL:
        return ngettext("%(count)s kementerian/lembaga", "%(count)s kementerian/lembaga", size) % {
            "count": count
        }
    return ngettext("%(count)s BUMN", "%(count)s BUMN", size) % {"count": count}


# -- the sentences ------------------------------------------------------------------


def _sentences(
    agency: Agency, year: int, figures: Metrics, index: Index, standing: Standing | None
) -> tuple[str, ...]:
    received = figures.received
    if not received:
        return (gettext("Pada %(year)s belum ada laporan masuk.") % {"year": year},)
    followed_up = figures.counts.get("followed_up", 0)
    # Translators: the plural follows the number of reports received.
    first = ngettext(
        "Pada %(year)s tercatat %(received)s laporan masuk; "
        "%(followed_up)s telah ditindaklanjuti (%(percent)s%%).",
        "Pada %(year)s tercatat %(received)s laporan masuk; "
        "%(followed_up)s telah ditindaklanjuti (%(percent)s%%).",
        received,
    ) % {
        "year": year,
        "received": number(received),
        "followed_up": number(followed_up),
        "percent": number(whole_percent(followed_up, received)),
    }
    return (first, *_standing_sentences(agency, year, figures, index, standing))


def _standing_sentences(
    agency: Agency, year: int, figures: Metrics, index: Index, standing: Standing | None
) -> tuple[str, ...]:
    subject = subject_of(agency)
    if index.value is None:
        least = settings.STATS_MIN_REPORTS
        if figures.received < least:
            return (
                ngettext(
                    "Data %(year)s belum cukup untuk menilai %(subject)s: indeks dan "
                    "peringkat memerlukan sedikitnya %(least)s laporan masuk.",
                    "Data %(year)s belum cukup untuk menilai %(subject)s: indeks dan "
                    "peringkat memerlukan sedikitnya %(least)s laporan masuk.",
                    least,
                )
                % {"year": year, "subject": subject, "least": number(least)},
            )
        return (
            gettext("Data %(year)s belum cukup untuk menilai %(subject)s.")
            % {"year": year, "subject": subject},
        )
    values = {
        "subject": subject,
        "category": index.category.label,
        "index": decimal(index.value),
    }
    if standing is None or standing.rank is None:
        return (gettext("%(subject)s tergolong %(category)s dengan indeks %(index)s.") % values,)
    ranked = (
        gettext(
            "%(subject)s tergolong %(category)s dengan indeks %(index)s dan menempati "
            "peringkat %(rank)s dari %(board)s."
        )
        % {**values, "rank": number(standing.rank), "board": standing.name},
    )
    unranked = standing.size - standing.ranked
    if not unranked:
        return ranked
    # The rank is among all of the board; say plainly that some of them had no rank.
    return (
        *ranked,
        ngettext(
            "%(count)s di antaranya belum diperingkat karena datanya belum cukup.",
            "%(count)s di antaranya belum diperingkat karena datanya belum cukup.",
            unranked,
        )
        % {"count": number(unranked)},
    )


# -- the figures --------------------------------------------------------------------


def _table(
    agency: Agency,
    year: int,
    figures: Metrics,
    previous: Metrics,
    index: Index,
    previous_index: Index,
) -> Table:
    """Every figure of the year beside the year before, and the change: in points
    for a percentage, in days for working days."""

    def row(label: str, now: int | float | None, before: int | float | None) -> list[Cell]:
        if isinstance(now, float):
            now = round(now, 1)
        if isinstance(before, float):
            before = round(before, 1)
        change: int | float | None = None
        if now is not None and before is not None:
            change = now - before
            if isinstance(change, float):
                change = round(change, 1)
        return [label, now, before, change]

    def both(read: str) -> tuple[int | float | None, int | float | None]:
        return getattr(figures, read), getattr(previous, read)

    rows = [
        row(gettext("Laporan masuk"), figures.received, previous.received),
        row(
            gettext("Ditindaklanjuti"),
            figures.counts.get("followed_up", 0),
            previous.counts.get("followed_up", 0),
        ),
        row(gettext("Ditindaklanjuti (%)"), *both("followed_up_pct")),
        row(gettext("Tindak lanjut pertama tepat waktu (%)"), *both("first_on_time_pct")),
        row(gettext("Selesai tepat waktu (%)"), *both("completed_on_time_pct")),
        row(gettext("Ditutup (%)"), *both("closed_pct")),
        row(gettext("Dikembalikan, bukan wewenang (%)"), *both("bounce_pct")),
        row(gettext("Dibuka kembali (%)"), *both("reopen_pct")),
        row(
            gettext("Median hari kerja sampai tindak lanjut pertama"),
            figures.first.median,
            previous.first.median,
        ),
        row(
            gettext("Persentil ke-90 hari kerja sampai tindak lanjut pertama"),
            figures.first.p90,
            previous.first.p90,
        ),
        row(
            gettext("Median hari kerja sampai selesai"),
            figures.completion.median,
            previous.completion.median,
        ),
        row(
            gettext("Persentil ke-90 hari kerja sampai selesai"),
            figures.completion.p90,
            previous.completion.p90,
        ),
        row(gettext("Rata-rata nilai (1–5)"), *both("rating_average")),
        row(gettext("Pelapor puas (%)"), *both("satisfied_pct")),
        row(gettext("Indeks responsivitas (0–100)"), index.value, previous_index.value),
    ]
    return Table(
        caption=_("Angka rapor"),
        columns=[
            Column("figure", _("Angka")),
            Column("year", str(year), numeric=True),
            Column("previous", str(year - 1), numeric=True),
            Column("change", _("Perubahan"), numeric=True),
        ],
        rows=rows,
        slug=f"{agency.code}-{year}",
    )
