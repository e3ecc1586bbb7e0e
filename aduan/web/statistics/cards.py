"""An agency's yearly report card: the page (its figures also as CSV or XLSX
with ``?format=``) and the same page as a PDF to download. Public: a card holds
figures only, never a report."""

import logging
from typing import Any

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from aduan.agencies.models import Agency
from aduan.lib.errors import InvalidInput
from aduan.lib.ratelimit import limited
from aduan.stats import cards
from aduan.stats.metrics import FIRST_YEAR
from aduan.stats.tables import Cell, Table, table_response

logger = logging.getLogger("aduan.stats")

# The stylesheet the PDF is drawn with, put inside the document: WeasyPrint then
# has nothing to fetch.
_STYLESHEET = "aduan/site.css"


@require_safe
def report_card(request: HttpRequest, code: str, year: int) -> HttpResponse | StreamingHttpResponse:
    agency = _agency_or_404(code)
    try:
        card = cards.report_card(agency=agency, year=year)
        download = request.GET.get("format", "")
        if download:
            return table_response(card.table, download)
    except InvalidInput as error:
        return _refused(request, agency, error)
    return render(request, "web/statistics/report_card.html", _context(card))


@require_safe
@limited("download", every_method=True)
def report_card_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agency = _agency_or_404(code)
    try:
        card = cards.report_card(agency=agency, year=year)
    except InvalidInput as error:
        return _refused(request, agency, error)
    context = {
        **_context(card),
        "stylesheet": _stylesheet(),
        "made": date_format(timezone.localdate(), "DATE_FORMAT"),
        "page_url": request.build_absolute_uri(
            reverse("web:report_card", kwargs={"code": agency.code, "year": year})
        ),
    }
    page = render_to_string("web/statistics/report_card_pdf.html", context, request=request)
    response = HttpResponse(
        _pdf(page, request.build_absolute_uri()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="rapor-{agency.code}-{year}.pdf"'
    return response


def _agency_or_404(code: str) -> Agency:
    agency = Agency.objects.select_related("region").filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def _refused(request: HttpRequest, agency: Agency, error: InvalidInput) -> HttpResponse:
    return render(
        request,
        "web/statistics/report_card_refused.html",
        {"agency": agency, "message": error.message},
        status=error.status,
    )


def _context(card: cards.Card) -> dict[str, Any]:
    year, standing = card.year, card.standing
    rank_text = previous_rank_text = ""
    if standing is not None:
        rank_text = (
            gettext("%(rank)s dari %(size)s")
            % {"rank": cards.number(standing.rank), "size": cards.number(standing.size)}
            if standing.rank is not None
            else gettext("Belum diperingkat")
        )
        previous_rank_text = (
            cards.number(standing.previous_rank) if standing.previous_rank is not None else "–"
        )
    return {
        "card": card,
        "agency": card.agency,
        "year": year,
        "previous_year": year - 1,
        "earlier_year": year - 1 if year - 1 >= FIRST_YEAR else None,
        "later_year": year + 1 if year + 1 <= timezone.localdate().year else None,
        "index_text": cards.decimal(card.index.value) if card.index.value is not None else "",
        "rank_text": rank_text,
        "previous_rank_text": previous_rank_text,
        "received_text": cards.number(card.figures.received),
        "table": card.table,
        "rows": _shown(card.table),
    }


def _shown(table: Table) -> list[tuple[Cell, list[str]]]:
    """The table's rows as the page writes them: the label, then each figure in the
    active language's numbers, a change with its sign, "–" for no figure."""
    keys = [column.key for column in table.columns]
    return [
        (row[0], [_text(cell, key) for cell, key in zip(row[1:], keys[1:], strict=True)])
        for row in table.rows
    ]


def _text(cell: Cell, key: str) -> str:
    if cell is None:
        return "–"
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return str(cell)
    text = cards.decimal(cell) if isinstance(cell, float) else cards.number(cell)
    if key == "change" and cell > 0:
        return f"+{text}"
    if cell < 0:
        return f"−{text.removeprefix('-')}"  # a real minus sign
    return text


def _stylesheet() -> str:
    path = finders.find(_STYLESHEET)
    if not isinstance(path, str):
        logger.warning("report card PDF: %s not found, drawn without it", _STYLESHEET)
        return ""
    with open(path, encoding="utf-8") as file:
        return file.read()


def _pdf(page: str, base_url: str) -> bytes:
    from weasyprint import HTML  # only PDFs need it, and it is slow to import

    return HTML(string=page, base_url=base_url, url_fetcher=_nothing_fetched).write_pdf()  # type: ignore[no-any-return]


def _nothing_fetched(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
    """The PDF is drawn from what is in the document alone: no address, ours or
    anyone's, is ever fetched."""
    raise ValueError(f"report card PDF: not fetching {url}")
