"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): plain views that
read the parameters, call a selector or service and answer in the format the path
names. Every failure is the specification's error list — never a 500 on bad input."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.exceptions import Ratelimited

from aduan.lib.datetimes import datetime_parse
from aduan.lib.errors import AduanError, InvalidInput, NotFound
from aduan.lib.ratelimit import limited
from aduan.open311 import selectors, services
from aduan.open311.render import FORMATS, errors, respond
from aduan.reports.models import State
from aduan.reports.tracking import is_valid, tracking_number_parse

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28 00:00"
WINDOW = timedelta(days=90)  # the specification's default and largest date range
PAGE_SIZE = 100
PAGE_SIZE_MAX = 200
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")

View = Callable[..., HttpResponse]


def open311(*methods: str) -> Callable[[View], View]:
    """Checks the format and the method, and turns errors into the error list."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return errors("xml", 404, str(_("Format tidak didukung: gunakan .xml atau .json.")))
            if request.method not in methods:
                return errors(fmt, 405, str(_("Metode HTTP tidak didukung di sini.")))
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except AduanError as error:
                return errors(fmt, error.status, str(error.message))
            except Ratelimited:
                response = errors(fmt, 429, str(_("Terlalu banyak laporan. Coba lagi nanti.")))
                response["Retry-After"] = "60"
                return response
            except RequestDataTooBig:
                return errors(fmt, 413, str(_("Data yang dikirim terlalu besar.")))
            except (BadRequest, MultiPartParserError, SuspiciousOperation):
                # A body Django cannot read (a form without its boundary or not in
                # UTF-8, too many fields): the sender's fault, in the error list.
                return errors(fmt, 400, str(_("Permintaan tidak valid.")))

        return wrapped

    return decorate


def _iso(value: datetime | None, zone: tzinfo) -> str | None:
    return None if value is None else value.astimezone(zone).isoformat(timespec="seconds")


def _param(request: HttpRequest, name: str) -> str:
    # "Optional" in the specification: an empty parameter is an absent one.
    return request.GET.get(name, "").strip()


# -- discovery and services ----------------------------------------------------------


@open311("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    key_service = str(_("Kunci API untuk mengirim laporan diberikan oleh admin nasional."))
    if settings.DEMO_MODE:
        key_service = str(_("Mode demo: gunakan kunci API %(key)s.") % {"key": services.DEMO_KEY})
    document = {
        "changeset": CHANGESET,
        "contact": str(_("Hubungi admin nasional melalui %(url)s.") % {"url": settings.SITE_URL}),
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{settings.SITE_URL}/open311/v2",
                "changeset": CHANGESET,
                "type": "test" if settings.DEMO_MODE else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


@open311("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    items = []
    for service in selectors.service_list():
        group = service.group_label()
        names = dict.fromkeys(
            name
            for name in (service.name, service.name_en, service.group, service.group_en)
            if name
        )
        items.append(
            {
                "service_code": service.code,
                "service_name": service.label(),
                "description": str(
                    _("Laporan tentang %(name)s.") % {"name": service.label()}
                    if not group
                    else _("Laporan tentang %(name)s (%(group)s).")
                    % {"name": service.label(), "group": group}
                ),
                "metadata": bool(selectors.ATTRIBUTES),
                "type": "realtime",
                "keywords": ", ".join(names),
                "group": group,
            }
        )
    return respond(fmt, "services", items)


@open311("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    service = selectors.service_get(code=code)
    if service is None:
        raise NotFound(_("service_code tidak dikenal."))
    attributes = [
        {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": None,
            "order": order,
            "description": str(attribute.description),
            "values": [{"key": key, "name": str(name)} for key, name in attribute.values],
        }
        for order, attribute in enumerate(selectors.ATTRIBUTES, start=1)
    ]
    return respond(
        fmt, "service_definition", {"service_code": service.code, "attributes": attributes}
    )


# -- service requests ----------------------------------------------------------------


def _request_item(
    request: selectors.RequestRow,
    notes: list[selectors.Note] | None,
    *,
    english: bool,
    zone: tzinfo,
) -> dict[str, Any]:
    """One service request; ``notes`` with extensions only. The language and time
    zone are the answer's, looked up once for the page."""
    closed = selectors.request_status(request) == "closed"
    category = request.category
    if closed:
        updated = request.closed_at or request.updated_at
        expected = None
    else:
        updated = request.updated_at
        expected = request.completion_due_at or request.deadline_at
    item: dict[str, Any] = {
        "service_request_id": request.tracking_number,
        "status": "closed" if closed else "open",
        "status_notes": request.status_note or None,
        "service_name": (category.name_en if english else category.name) if category else None,
        "service_code": category.code if category else None,
        "description": request.body,
        "agency_responsible": request.agency_name,
        "service_notice": None,
        "requested_datetime": _iso(request.submitted_at, zone),
        "updated_datetime": _iso(updated, zone),
        "expected_datetime": _iso(expected, zone),
        "address": selectors.request_address(request) or None,
        "address_id": None,
        "zipcode": None,
        "lat": request.latitude,
        "long": request.longitude,
        # No file is linked: anonymous reports' files are never public, and a public
        # file link would be a second way to reach them to keep in step.
        "media_url": None,
    }
    if notes is not None:
        item["notes"] = [
            {
                "datetime": _iso(note.datetime, zone),
                "description": note.description or None,
                "type": note.type,
                "summary": note.summary,
            }
            for note in notes
        ]
    return item


def _request_items(requests: list[selectors.RequestRow], *, extended: bool) -> list[dict[str, Any]]:
    notes = selectors.request_notes(requests) if extended else {}
    english = (get_language() or "").startswith("en")
    zone = timezone.get_current_timezone()
    return [
        _request_item(
            request, notes.get(request.pk, []) if extended else None, english=english, zone=zone
        )
        for request in requests
    ]


def _datetime(raw: str, *, name: str) -> datetime | None:
    return datetime_parse(raw, field=name) if raw else None


def _window(request: HttpRequest) -> tuple[datetime, datetime]:
    start = _datetime(_param(request, "start_date"), name="start_date")
    end = _datetime(_param(request, "end_date"), name="end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if start > end:
        raise InvalidInput(_("start_date harus sebelum end_date."))
    if end - start > WINDOW:
        raise InvalidInput(_("Rentang start_date sampai end_date paling lama 90 hari."))
    return start, end


def _number(request: HttpRequest, name: str, *, default: int, maximum: int) -> int:
    raw = _param(request, name)
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise InvalidInput(
            _("%(name)s harus bilangan bulat 1 sampai %(max)s.") % {"name": name, "max": maximum}
        )
    return int(raw)


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _requests_get(request: HttpRequest, fmt: str) -> HttpResponse:
    extended = _param(request, "extensions").lower() == "true"
    page = _number(request, "page", default=1, maximum=1_000_000)
    page_size = _number(request, "page_size", default=PAGE_SIZE, maximum=PAGE_SIZE_MAX)
    reports = selectors.requests_public()
    ids = _list(_param(request, "service_request_id"))
    if ids:
        # The specification: service_request_id overrides all other arguments.
        if len(ids) > PAGE_SIZE_MAX:
            raise InvalidInput(
                _("Paling banyak %(max)s service_request_id sekaligus.") % {"max": PAGE_SIZE_MAX}
            )
        numbers = [tracking_number_parse(raw) for raw in ids]
        found = selectors.requests_rows(reports.filter(tracking_number__in=numbers))
        return respond(fmt, "service_requests", _request_items(found, extended=extended))
    codes = _list(_param(request, "service_code"))
    unknown = [code for code in codes if selectors.service_get(code=code) is None]
    if unknown:
        raise NotFound(
            _("service_code tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)[:200]}
        )
    statuses = _list(_param(request, "status").lower())
    if any(status not in ("open", "closed") for status in statuses):
        raise InvalidInput(_("status harus open atau closed."))
    start, end = _window(request)
    reports = selectors.requests_filter(
        reports, service_codes=codes, start=start, end=end, statuses=statuses
    )
    found = selectors.requests_page(reports, offset=(page - 1) * page_size, size=page_size)
    return respond(fmt, "service_requests", _request_items(found, extended=extended))


@limited("report")
def _requests_post(request: HttpRequest, fmt: str) -> HttpResponse:
    services.open311_client_check(request.POST.get("api_key", "").strip())
    attributes: dict[str, list[str]] = {}
    for key in request.POST:
        match = _ATTRIBUTE.match(key)
        if match:
            attributes.setdefault(match.group(1), []).extend(request.POST.getlist(key))
    fields = {
        name: request.POST.get(name, "")
        for name in (
            "lat",
            "long",
            "address_string",
            "address_id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "description",
            "media_url",
        )
    }
    report = services.open311_request_create(
        request=services.ServiceRequest(
            service_code=request.POST.get("service_code", ""), attributes=attributes, **fields
        )
    )
    notice = _(
        "Laporan diterima. Laporan diverifikasi dahulu, lalu diteruskan ke instansi yang "
        "berwenang; laporan yang tidak rahasia tampil untuk publik setelah diverifikasi."
    )
    answer = [
        {
            "service_request_id": report.tracking_number,
            "service_notice": str(notice),
            "account_id": None,
        }
    ]
    return respond(fmt, "service_requests", answer)


@csrf_exempt
@open311("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _requests_post(request, fmt)
    return _requests_get(request, fmt)


@open311("GET")
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    number = service_request_id.strip()
    found = (
        selectors.requests_rows(selectors.requests_public().filter(tracking_number=number))
        if is_valid(number)
        else []
    )
    if not found:
        return _request_status_only(request, number, fmt=fmt)
    extended = _param(request, "extensions").lower() == "true"
    return respond(fmt, "service_requests", _request_items(found, extended=extended))


@limited("lookup", every_method=True)
def _request_status_only(request: HttpRequest, number: str, *, fmt: str) -> HttpResponse:
    """A request that is not public (not yet verified, confidential, archived): its
    status and dates, so that the client that filed it can follow it — no
    description, place or media, and for a confidential one neither its service nor
    its agency. Counted against the lookup rate limit, unknown numbers too."""
    followed = selectors.request_follow(number)
    if followed is None:
        raise NotFound(_("service_request_id tidak ditemukan."))
    report, shown = followed.report, followed.access.agency
    zone = timezone.get_current_timezone()
    english = (get_language() or "").startswith("en")
    closed = report.state in selectors.CLOSED_STATES
    category = report.category if shown else None
    item: dict[str, Any] = {
        "service_request_id": report.tracking_number,
        "status": "closed" if closed else "open",
        "status_notes": str(State(report.state).label),
        "service_name": (category.name_en if english else category.name) if category else None,
        "service_code": category.code if category else None,
        "description": None,
        "agency_responsible": report.agency.name if report.agency and shown else None,
        "service_notice": None,
        "requested_datetime": _iso(report.submitted_at, zone),
        "updated_datetime": _iso((report.closed_at if closed else None) or report.updated_at, zone),
        "expected_datetime": None if closed else _iso(report.deadline_at, zone),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
    return respond(fmt, "service_requests", [item])


@open311("GET")
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    report = selectors.request_for_token(token)
    if report is None:
        raise NotFound(_("Token tidak ditemukan."))
    return respond(
        fmt, "service_requests", [{"service_request_id": report.tracking_number, "token": token}]
    )


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(fmt, 404, str(_("Alamat Open311 ini tidak ada.")))
