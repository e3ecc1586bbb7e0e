"""CSV downloads, written the one way every download of aduan is: UTF-8 with a
byte-order mark (spreadsheet programs need it to read Indonesian names right), a
cell that a spreadsheet would run as a formula disarmed, and the lines streamed
one by one, so a download of a million rows never sits in memory."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """What csv.writer writes to: it hands each written line back instead of
    keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_cell(value: object) -> object:
    """A text cell that starts like a formula gets a leading apostrophe; numbers
    (a negative figure too) stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_response(
    header: Iterable[object], rows: Iterable[Iterable[object]], filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
