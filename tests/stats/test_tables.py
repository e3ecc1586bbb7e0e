"""The downloads every statistics table offers (aduan.stats.tables), and the one
CSV writer under them (aduan.lib.csvfile): a byte-order mark, labelled columns,
numbers kept numbers, dates ISO, and text that a spreadsheet would run as a
formula disarmed."""

import csv
import io
from datetime import date, datetime

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy, override
from openpyxl import load_workbook

from aduan.lib.csvfile import csv_cell, csv_lines, csv_response
from aduan.lib.errors import InvalidInput
from aduan.stats.tables import Column, Table, table_response

COLUMNS = [
    Column("agency", "Instansi"),
    Column("received", "Laporan masuk", numeric=True),
    Column("followed_up_pct", "Ditindaklanjuti (%)", numeric=True),
    Column("day", "Tanggal"),
]


def cirebon() -> Table:
    return Table(
        caption="Kinerja instansi",
        columns=COLUMNS,
        rows=[
            ["Pemerintah Kota Cirebon", 134, 100.0, date(2020, 12, 31)],
            ['=HYPERLINK("http://contoh.id")', -3, 66.666, None],
            ["@SUM(A1:A2)", 0, None, date(2020, 1, 2)],
        ],
        slug="Jawa Barat 2020",
    )


def body(response: HttpResponse | StreamingHttpResponse) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    return response.content


# -- CSV ---------------------------------------------------------------------------


def test_it_writes_a_csv_with_a_bom_labels_and_cells() -> None:
    response = table_response(cirebon(), "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="kinerja-instansi-jawa-barat-2020.csv"'
    )
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        ["Instansi", "Laporan masuk", "Ditindaklanjuti (%)", "Tanggal"],
        ["Pemerintah Kota Cirebon", "134", "100.0", "2020-12-31"],
        ['\'=HYPERLINK("http://contoh.id")', "-3", "66.7", ""],
        ["'@SUM(A1:A2)", "0", "", "2020-01-02"],
    ]


def test_a_translatable_label_is_written_as_its_text() -> None:
    table = Table(
        caption="Uji",
        columns=[Column("received", gettext_lazy("Laporan masuk"), numeric=True)],
        rows=[[5]],
    )
    with override("id"):
        raw = body(table_response(table, "csv")).decode("utf-8-sig")
    assert raw.splitlines() == ["Laporan masuk", "5"]


# -- XLSX --------------------------------------------------------------------------


def _sheet_rows(table: Table) -> tuple[str, list[tuple[object, ...]]]:
    response = table_response(table, "xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == f'attachment; filename="{table.filename}.xlsx"'
    book = load_workbook(io.BytesIO(body(response)))
    sheet = book.worksheets[0]
    return sheet.title, list(sheet.iter_rows(values_only=True))


def test_it_writes_an_xlsx_with_labels_numbers_and_dates() -> None:
    title, rows = _sheet_rows(cirebon())
    assert title == "Kinerja instansi"
    assert rows[0] == ("Instansi", "Laporan masuk", "Ditindaklanjuti (%)", "Tanggal")
    assert rows[1][:3] == ("Pemerintah Kota Cirebon", 134, 100.0)
    # A date stays a date cell (openpyxl reads it back as a naive datetime).
    day = rows[1][3]
    assert isinstance(day, datetime) and day.date() == date(2020, 12, 31)
    assert rows[2][1:] == (-3, 66.7, None)
    assert all(isinstance(row[1], int) for row in rows[1:])


def test_a_long_caption_is_cut_to_a_valid_sheet_name() -> None:
    table = Table(caption="Kinerja instansi di kabupaten dan kota Jawa Barat", columns=COLUMNS)
    title, rows = _sheet_rows(table)
    assert title == "Kinerja instansi di kabupaten d" and len(title) == 31
    assert rows == [("Instansi", "Laporan masuk", "Ditindaklanjuti (%)", "Tanggal")]


def test_a_text_cell_like_a_formula_stays_text_in_the_xlsx() -> None:
    response = table_response(cirebon(), "xlsx")
    sheet = load_workbook(io.BytesIO(body(response))).worksheets[0]
    cell = sheet.cell(row=3, column=1)
    assert cell.data_type == "s"


# -- the table itself ----------------------------------------------------------------


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        table_response(cirebon(), "pdf")
    assert refused.value.code == "format_invalid" and refused.value.field == "format"
    assert "csv atau xlsx" in str(refused.value.message)


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 2 cells under 4 columns"):
        Table(caption="Uji", columns=COLUMNS, rows=[["Kota Cirebon", 134]])
    with pytest.raises(ValueError, match="a row of 5 cells under 4 columns"):
        Table(caption="Uji", columns=COLUMNS, rows=[["Kota Cirebon", 1, 2, None, 3]])


@pytest.mark.parametrize(
    ("caption", "slug", "filename"),
    [
        ("Kinerja instansi", "Jawa Barat 2020", "kinerja-instansi-jawa-barat-2020"),
        ("Peringkat kabupaten/kota", "", "peringkat-kabupatenkota"),
        ("Kanal: SMS & X", "2021 T3", "kanal-sms-x-2021-t3"),
        ("", "", "statistik"),
        ("¿?", "", "statistik"),
    ],
)
def test_the_filename_is_a_slug_of_caption_and_slug(caption: str, slug: str, filename: str) -> None:
    assert Table(caption=caption, columns=COLUMNS, slug=slug).filename == filename


def test_a_column_reads_its_cells() -> None:
    assert cirebon().column("received") == [134, -3, 0]


# -- the CSV writer ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+62812", "'+62812"),
        ("-hapus", "'-hapus"),
        ("@akun", "'@akun"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Kota Cirebon", "Kota Cirebon"),
        ("a=b", "a=b"),
        (-3, -3),
        (2.5, 2.5),
        (0, 0),
        (None, ""),
        (date(2020, 1, 2), "2020-01-02"),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_disarmed(value: object, written: object) -> None:
    assert csv_cell(value) == written


def test_lines_are_written_one_at_a_time_with_the_bom_first() -> None:
    rows = ([f"Laporan {n}", n] for n in range(3))
    lines = csv_lines(["Nama", "Jumlah"], rows)
    assert next(lines) == "\ufeffNama,Jumlah\r\n"
    assert next(lines) == "Laporan 0,0\r\n"
    assert list(lines) == ["Laporan 1,1\r\n", "Laporan 2,2\r\n"]


def test_quotes_commas_and_line_breaks_survive_a_round_trip() -> None:
    text = 'Jl. "Siliwangi", Kejaksan\nKota Cirebon'
    raw = "".join(csv_lines(["Tempat"], [[text]]))
    assert list(csv.reader(io.StringIO(raw.removeprefix("\ufeff")))) == [["Tempat"], [text]]


def test_the_response_streams_utf8_as_an_attachment() -> None:
    response = csv_response(["Wilayah"], [["Daerah Istimewa Yogyakarta — Sleman"]], "wilayah.csv")
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="wilayah.csv"'
    raw = b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert raw.decode("utf-8") == "\ufeffWilayah\r\nDaerah Istimewa Yogyakarta — Sleman\r\n"
