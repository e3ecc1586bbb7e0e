"""Open data (DESIGN.md §8): the published reports of a year as CSV or JSON, with
no personal data, and the data dictionary that describes both, as a page and as
JSON. Which reports and which columns: aduan.web.opendata.selectors and .columns."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from aduan.lib.csvfile import csv_response
from aduan.lib.errors import InvalidInput
from aduan.lib.ratelimit import limited
from aduan.web.opendata import columns
from aduan.web.opendata.selectors import open_data_year, open_reports, open_years

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.id"
# A year's file is read afresh at most this often by a cache in front of the site.
DOWNLOAD_MAX_AGE = 3600


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    years = [
        {
            "year": year,
            "csv": reverse("web:open_data_csv", kwargs={"year": str(year)}),
            "json": reverse("web:open_data_json", kwargs={"year": str(year)}),
        }
        for year in open_years()
    ]
    context = {
        "years": years,
        "columns": columns.COLUMNS,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "error": error,
    }
    return render(request, "web/opendata/open_data.html", context, status=status)


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    """What is offered, under which licence, the downloads and the dictionary."""
    return _page(request)


def _download(request: HttpRequest, year: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    try:
        chosen = open_data_year(year)
    except InvalidInput as error:
        return _page(request, error=str(error.message), status=400)
    records = open_reports(year=chosen)
    filename = f"laporan-{chosen}.{fmt}"
    if fmt == "csv":
        rows = ([columns.csv_value(value) for value in columns.values(r)] for r in records)
        response = csv_response(columns.KEYS, rows, filename)
    else:
        response = StreamingHttpResponse(
            _json_array(records), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=DOWNLOAD_MAX_AGE)
    return response


def _json_array(records: Iterable[columns.Record]) -> Iterator[str]:
    """A JSON array of one object per report, written one object at a time."""
    separator = "\n"
    yield "["
    for record in records:
        row = {
            key: columns.json_value(value)
            for key, value in zip(columns.KEYS, columns.values(record), strict=True)
        }
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


@require_safe
@limited("download", every_method=True)
def open_data_csv(request: HttpRequest, year: str) -> HttpResponse | StreamingHttpResponse:
    return _download(request, year, "csv")


@require_safe
@limited("download", every_method=True)
def open_data_json(request: HttpRequest, year: str) -> HttpResponse | StreamingHttpResponse:
    return _download(request, year, "json")


@require_safe
def open_data_dictionary(request: HttpRequest) -> JsonResponse:
    """The data dictionary, machine-readable."""
    body: dict[str, Any] = {
        "title": _("Data terbuka laporan aduan"),
        "licence": {"name": LICENCE, "url": LICENCE_URL},
        "reports": _(
            "Satu baris per laporan yang tampil di halaman publik (tidak rahasia, sudah "
            "diverifikasi, tidak diarsipkan), menurut tahun laporan dikirim (WIB)."
        ),
        "time_zone": "Asia/Jakarta",
        "formats": ["csv", "json"],
        "columns": columns.dictionary_entries(),
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 2})
