"""A statistics table: what a page shows (as its accessible data table, and
behind its chart) and what a download gives (CSV or XLSX), from one value, so
the page, the chart and the file always hold the same figures."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from aduan.lib.csvfile import csv_response
from aduan.lib.errors import InvalidInput

Cell = str | int | float | date | None


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str | Promise
    # Figures are right-aligned on pages and written as numbers in files.
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of cells under labelled columns; ``caption`` names it on the page and
    in the file name of its downloads."""

    caption: str | Promise
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]] = field(default_factory=list)
    # What the figures are of, for the file name: "jawa-barat-2020".
    slug: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row of {len(row)} cells under {len(self.columns)} columns")

    def column(self, key: str) -> list[Cell]:
        position = next(i for i, column in enumerate(self.columns) if column.key == key)
        return [row[position] for row in self.rows]

    @property
    def filename(self) -> str:
        return slugify(f"{self.caption} {self.slug}".strip()) or "statistik"


FORMATS = ("csv", "xlsx")


def table_response(table: Table, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The table as a download: ``csv`` (as every CSV of aduan) or ``xlsx``."""
    if fmt == "csv":
        rows = ([_plain(cell) for cell in row] for row in table.rows)
        return csv_response(_header(table), rows, f"{table.filename}.csv")
    if fmt == "xlsx":
        return _download(
            _xlsx(table),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{table.filename}.xlsx",
        )
    raise InvalidInput(
        _("Format unduhan harus csv atau xlsx."), code="format_invalid", field="format"
    )


def _header(table: Table) -> list[str]:
    return [str(column.label) for column in table.columns]


def _plain(cell: Cell) -> Any:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        return round(cell, 1)
    return cell


def _xlsx(table: Table) -> bytes:
    from openpyxl import Workbook  # only downloads need it
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(table.caption)[:31] or "Statistik")

    def cell(value: Cell) -> Any:
        if not isinstance(value, str):
            return value if isinstance(value, date) else _plain(value)
        # Text stays text: openpyxl would store "=…" as a formula the spreadsheet runs.
        text = WriteOnlyCell(sheet, value)
        text.data_type = "s"
        return text

    sheet.append(_header(table))
    for row in table.rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
