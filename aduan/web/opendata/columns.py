"""The open-data columns: one definition that the CSV, the JSON and the data
dictionary (page and kamus.json) all read, so that what a file holds and what the
dictionary says it holds cannot drift apart.

Only what says nothing about a person is here. Left out on purpose (see
docs/open-data.md): the reporter and everything about them, the anonymous flag,
the title and the body (citizens' free text often carries names, phone numbers and
addresses), the address, the coordinates and any region below the regency or city
(a point or a village can lead to a reporter's home), attachments, staff and
internal notes."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.reports.deadlines import NATIONAL_ZONE
from aduan.reports.models import Channel, ReportType, State
from aduan.reports.policy import PUBLIC_STATES
from aduan.workdays.calendar import local_date

# One report as the selector reads it (aduan.web.opendata.selectors.open_reports).
Record = Mapping[str, Any]
Value = str | int | bool | date | None


class Kind(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"

    @property
    def label(self) -> Promise:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.STRING: _("teks"),
    Kind.INTEGER: _("bilangan bulat"),
    Kind.BOOLEAN: _("benar/salah (true atau false)"),
    Kind.DATE: _("tanggal (TTTT-BB-HH)"),
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    kind: Kind
    description: Promise
    read: Callable[[Record], Value]
    # The codes the column may hold, each with its meaning.
    choices: tuple[tuple[str, str | Promise], ...] = ()
    # The values allowed, in words, where they are not a list of codes.
    allowed: Promise | str = ""
    # When the cell is empty (CSV) or null (JSON); "" when it never is.
    empty: Promise | str = ""


def _field(name: str) -> Callable[[Record], Value]:
    def read(record: Record) -> Value:
        value: Value = record[name]
        return value

    return read


def _day(name: str) -> Callable[[Record], Value]:
    """A moment as its calendar date in WIB: the day, never the time."""

    def read(record: Record) -> Value:
        moment: datetime | None = record[name]
        return local_date(moment, NATIONAL_ZONE) if moment is not None else None

    return read


def _regency(record: Record) -> str | None:
    code: str = record["region_id"] or ""
    return code[:5] if len(code) >= 5 else None


def _province(record: Record) -> str | None:
    code: str = record["region_id"] or ""
    return code[:2] or None


_NO_AGENCY = _("kosong bila laporan belum di instansi mana pun")
_NOT_YET = _("kosong bila belum terjadi")
_NOT_WORKED_OUT = _(
    "kosong bila belum terjadi, atau bila statistik laporan ini belum dihitung ulang "
    "(biasanya hanya beberapa detik)"
)

COLUMNS: tuple[Column, ...] = (
    Column(
        "tracking_number",
        Kind.STRING,
        _("Nomor laporan, sama dengan yang tampil di halaman publik laporan."),
        _field("tracking_number"),
        allowed=_("10 angka"),
    ),
    Column(
        "type",
        Kind.STRING,
        _("Jenis laporan."),
        _field("type"),
        choices=tuple(ReportType.choices),
    ),
    Column(
        "category_code",
        Kind.STRING,
        _("Kode kategori laporan (kode induk.anak)."),
        _field("category__code"),
        allowed=_("kode kategori, misalnya infrastruktur.jalan"),
        empty=_("kosong bila laporan tanpa kategori"),
    ),
    Column(
        "category_name",
        Kind.STRING,
        _("Nama kategori laporan."),
        _field("category__name"),
        empty=_("kosong bila laporan tanpa kategori"),
    ),
    Column(
        "province_code",
        Kind.STRING,
        _("Kode Kemendagri provinsi lokasi kejadian."),
        _province,
        allowed=_("2 angka, misalnya 32"),
        empty=_("kosong bila lokasi tidak diisi"),
    ),
    Column(
        "province_name",
        Kind.STRING,
        _("Nama provinsi lokasi kejadian."),
        _field("province_name"),
        empty=_("kosong bila lokasi tidak diisi"),
    ),
    Column(
        "regency_code",
        Kind.STRING,
        _(
            "Kode Kemendagri kabupaten/kota lokasi kejadian. Lokasi yang lebih rinci "
            "(kecamatan, desa, alamat, titik koordinat) tidak diterbitkan."
        ),
        _regency,
        allowed=_("kode provinsi, titik, 2 angka, misalnya 32.74"),
        empty=_("kosong bila lokasi tidak diisi atau hanya sampai provinsi"),
    ),
    Column(
        "regency_name",
        Kind.STRING,
        _("Nama kabupaten/kota lokasi kejadian."),
        _field("regency_name"),
        empty=_("kosong bila lokasi tidak diisi atau hanya sampai provinsi"),
    ),
    Column(
        "agency_code",
        Kind.STRING,
        _("Kode instansi yang sekarang memegang laporan."),
        _field("agency__code"),
        allowed=_("kode instansi, misalnya pemda-32-74"),
        empty=_NO_AGENCY,
    ),
    Column(
        "agency_name",
        Kind.STRING,
        _("Nama instansi yang sekarang memegang laporan."),
        _field("agency__name"),
        empty=_NO_AGENCY,
    ),
    Column(
        "channel",
        Kind.STRING,
        _("Kanal tempat laporan masuk."),
        _field("channel"),
        choices=tuple(Channel.choices),
    ),
    Column(
        "state",
        Kind.STRING,
        _("Status laporan saat data diunduh."),
        _field("state"),
        choices=tuple((state.value, state.label) for state in State if state in PUBLIC_STATES),
    ),
    Column(
        "submitted_date",
        Kind.DATE,
        _("Tanggal laporan dikirim (WIB)."),
        _day("submitted_at"),
    ),
    Column(
        "dispositioned_date",
        Kind.DATE,
        _(
            "Tanggal laporan diverifikasi dan didisposisikan ke instansi (WIB); bila "
            "dikembalikan karena bukan wewenang lalu didisposisikan lagi, tanggal yang terakhir."
        ),
        _day("dispositioned_at"),
        empty=_NOT_YET,
    ),
    Column(
        "first_follow_up_date",
        Kind.DATE,
        _("Tanggal tindak lanjut pertama instansi (WIB)."),
        _day("first_follow_up_at"),
        empty=_NOT_YET,
    ),
    Column(
        "completed_date",
        Kind.DATE,
        _("Tanggal tindak lanjut akhir (penyelesaian) instansi (WIB)."),
        _day("answered_at"),
        empty=_NOT_YET,
    ),
    Column(
        "closed_date",
        Kind.DATE,
        _("Tanggal laporan ditutup (WIB)."),
        _day("closed_at"),
        empty=_NOT_YET,
    ),
    Column(
        "first_follow_up_days",
        Kind.INTEGER,
        _(
            "Hari kerja dari disposisi pertama sampai tindak lanjut pertama, menurut "
            "kalender instansi yang menindaklanjuti (seperti di statistik)."
        ),
        _field("first_days"),
        allowed=_("0 atau lebih"),
        empty=_NOT_WORKED_OUT,
    ),
    Column(
        "first_follow_up_on_time",
        Kind.BOOLEAN,
        _("Tindak lanjut pertama dalam batas hari kerja kebijakan (5 hari kerja, bawaan)."),
        _field("first_on_time"),
        empty=_NOT_WORKED_OUT,
    ),
    Column(
        "completion_days",
        Kind.INTEGER,
        _("Hari kerja dari disposisi pertama sampai tindak lanjut akhir."),
        _field("completion_days"),
        allowed=_("0 atau lebih"),
        empty=_NOT_WORKED_OUT,
    ),
    Column(
        "completion_on_time",
        Kind.BOOLEAN,
        _("Tindak lanjut akhir dalam batas penyelesaian jenis laporannya."),
        _field("completed_on_time"),
        empty=_NOT_WORKED_OUT,
    ),
    Column(
        "rating",
        Kind.INTEGER,
        _("Nilai pelapor atas penanganan saat menutup laporan; 4 atau 5 berarti puas."),
        _field("rating"),
        allowed=_("1 sampai 5"),
        empty=_("kosong bila pelapor belum memberi nilai"),
    ),
    Column(
        "support_count",
        Kind.INTEGER,
        _("Jumlah warga yang mendukung (Dukung) laporan ini."),
        _field("support_count"),
        allowed=_("0 atau lebih"),
    ),
)

KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)


def values(record: Record) -> list[Value]:
    """The report's cells, in the order of COLUMNS."""
    return [column.read(record) for column in COLUMNS]


def csv_value(value: Value) -> str | int:
    """A cell as the CSV writes it: dates ISO, true/false, empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return value


def json_value(value: Value) -> str | int | bool | None:
    return value.isoformat() if isinstance(value, date) else value


def dictionary_entries() -> list[dict[str, Any]]:
    """The data dictionary, one entry per column, in the active language."""
    return [
        {
            "key": column.key,
            "type": str(column.kind),
            "type_label": str(column.kind.label),
            "description": str(column.description),
            "allowed_values": [
                {"value": code, "label": str(label)} for code, label in column.choices
            ],
            "allowed": str(column.allowed),
            "empty": str(column.empty),
        }
        for column in COLUMNS
    ]
