"""Reads of the Open311 channel: services (the leaf categories), their definition,
and service requests (the reports the public may see, through the access policy)."""

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.core import signing
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.lib.errors import InvalidInput, NotFound
from aduan.lib.memo import reference_memo
from aduan.regions.models import Region
from aduan.reports import policy
from aduan.reports.models import (
    OPEN_STATES,
    Action,
    Report,
    ReportEvent,
    ReportType,
    State,
)
from aduan.reports.policy import PUBLIC
from aduan.reports.search import category_groups, place_name
from aduan.reports.selectors import Followed, report_follow, report_list_public

_TOKEN_SALT = "aduan.open311.token"  # noqa: S105 (a salt, not a secret)
CLOSED_STATES = frozenset({State.CLOSED, State.ARCHIVED})


# -- services ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    name: str
    name_en: str
    group: str
    group_en: str

    def label(self) -> str:
        return self.name_en if _english() else self.name

    def group_label(self) -> str:
        return self.group_en if _english() else self.group


def _english() -> bool:
    return (get_language() or "").startswith("en")


def service_list() -> list[Service]:
    """One service per leaf category; a group without children is its own leaf."""
    services: list[Service] = []
    for group in category_groups():
        if not group.children:
            services.append(Service(group.code, group.name, group.name_en, "", ""))
        for child, child_en in zip(group.children, group.children_en, strict=True):
            services.append(
                Service(child.value, child.label, child_en.label, group.name, group.name_en)
            )
    return services


def service_get(*, code: str) -> Service | None:
    return next((service for service in service_list() if service.code == code), None)


@dataclass(frozen=True, slots=True)
class Attribute:
    code: str
    datatype: str
    description: str | Promise
    values: tuple[tuple[str, str | Promise], ...] = ()
    required: bool = False

    def value_keys(self) -> frozenset[str]:
        return frozenset(key for key, _name in self.values)


_YES_NO = (("true", _("Ya")), ("false", _("Tidak")))

# The same for every service: what the web form asks besides the text and place.
ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        "report_type",
        "singlevaluelist",
        _("Jenis laporan (bawaan: pengaduan)."),
        tuple((value, label) for value, label in ReportType.choices),
    ),
    Attribute(
        "anonymous",
        "singlevaluelist",
        _("Anonim: identitas pelapor disembunyikan dari instansi dan publik."),
        _YES_NO,
    ),
    Attribute(
        "confidential",
        "singlevaluelist",
        _("Rahasia: seluruh laporan disembunyikan dari publik."),
        _YES_NO,
    ),
    Attribute(
        "region",
        "string",
        _(
            "Kode wilayah Kemendagri tempat kejadian, misalnya 32.74.01 (kecamatan). Boleh "
            "dikosongkan bila lat dan long dikirim: wilayahnya desa/kelurahan terdekat."
        ),
    ),
)


# -- service requests ----------------------------------------------------------------


def requests_public() -> QuerySet[Report]:
    """Service requests anyone may read: the public feed's reports, newest first,
    without its joins (a page reads its ids first, then its rows: ``requests_page``)."""
    return report_list_public().select_related(None)


def requests_filter(
    reports: QuerySet[Report],
    *,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[Report]:
    if service_codes:
        reports = reports.filter(category__code__in=service_codes)
    if start is not None:
        reports = reports.filter(submitted_at__gte=start)
    if end is not None:
        reports = reports.filter(submitted_at__lte=end)
    if statuses and set(statuses) != {"open", "closed"}:
        states = OPEN_STATES if set(statuses) == {"open"} else CLOSED_STATES
        reports = reports.filter(state__in=states)
    return reports


class CategoryName(NamedTuple):
    code: str
    name: str
    name_en: str


class RequestRow(NamedTuple):
    """A report as Open311 shows it: one row of a page's query, read as a tuple (a
    page of model instances costs more than the rest of the answer), with its
    category and agency named from reference data."""

    pk: int
    tracking_number: str
    state: str
    is_confidential: bool
    agency_id: int | None
    category_id: int | None
    body: str
    region_code: str | None
    region_name: str | None
    address: str
    latitude: float | None
    longitude: float | None
    submitted_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    completion_due_at: datetime | None
    deadline_at: datetime | None
    # The latest timeline text the public reads (see _STATUS_NOTE), or None.
    status_note: str | None
    category: CategoryName | None
    agency_name: str | None


_COLUMNS = (
    "pk",
    "tracking_number",
    "state",
    "is_confidential",
    "agency_id",
    "category_id",
    "body",
    "region_id",
    "region__name",
    "address",
    "latitude",
    "longitude",
    "submitted_at",
    "updated_at",
    "closed_at",
    "completion_due_at",
    "deadline_at",
    "status_note",
)
_AGENCY, _CATEGORY = _COLUMNS.index("agency_id"), _COLUMNS.index("category_id")

# The text of the report's latest event the public may read, in the query: the
# access policy lets the public read an agency's follow-up or answer
# (PUBLIC_TEXT_ACTIONS) and no other text or reason of the timeline — never an
# internal note or what the reporter wrote. (request_notes asks the policy event by
# event; the tests hold the two to the same answer.) Built once: annotate() copies it.
_STATUS_NOTE = Subquery(
    ReportEvent.objects.filter(
        report=OuterRef("pk"),
        is_internal=False,
        action__in=sorted(policy.PUBLIC_TEXT_ACTIONS),
    )
    .exclude(body="")
    .order_by("-created_at", "-id")
    .values("body")[:1]
)


def _categories_read(ids: Collection[int] | None = None) -> dict[int, CategoryName]:
    rows = Category.objects.values_list("pk", "code", "name", "name_en")
    rows = rows if ids is None else rows.filter(pk__in=ids)
    return {pk: CategoryName(code, name, name_en) for pk, code, name, name_en in rows}


def _agencies_read(ids: Collection[int] | None = None) -> dict[int, str]:
    rows = Agency.objects.values_list("pk", "name")
    return dict(rows if ids is None else rows.filter(pk__in=ids))


# Categories and agencies are named from reference data rather than joined to every
# page's rows (190 and some 650 rows; the joins were a third of the page's planning
# and execution in PostgreSQL). Inactive categories too: old reports keep theirs.
_category_names = reference_memo()(_categories_read)
_agency_names = reference_memo()(_agencies_read)


def _named[T](
    names: dict[int, T], ids: set[int | None], read: Callable[..., dict[int, T]]
) -> dict[int, T]:
    """``names`` with any of ``ids`` made since they were read."""
    missing = {pk for pk in ids if pk is not None and pk not in names}
    return {**names, **read(missing)} if missing else names


def requests_rows(reports: QuerySet[Report]) -> list[RequestRow]:
    """The reports (public ones: from ``requests_public``) as service requests, in
    the queryset's order: one query, joined to their region only."""
    rows = list(reports.annotate(status_note=_STATUS_NOTE).values_list(*_COLUMNS))
    agencies = _named(_agency_names(), {row[_AGENCY] for row in rows}, _agencies_read)
    categories = _named(_category_names(), {row[_CATEGORY] for row in rows}, _categories_read)
    return [
        RequestRow._make(
            (
                *row,
                categories[row[_CATEGORY]] if row[_CATEGORY] is not None else None,
                agencies[row[_AGENCY]] if row[_AGENCY] is not None else None,
            )
        )
        for row in rows
    ]


def requests_page(reports: QuerySet[Report], *, offset: int, size: int) -> list[RequestRow]:
    """One page in one query whatever its size and depth: the page's ids are read in
    a subquery from the ordered reports alone (on PostgreSQL an index-only scan of
    report_public_feed), and only those rows are joined. Joining every row before the
    offset made a deep page cost 200 ms in PostgreSQL."""
    ids = reports.values("pk")[offset : offset + size]
    return requests_rows(Report.objects.filter(pk__in=ids).order_by(*reports.query.order_by))


def request_status(request: RequestRow) -> str:
    return "closed" if request.state in CLOSED_STATES else "open"


@dataclass(frozen=True, slots=True)
class Note:
    datetime: datetime
    type: str
    summary: str
    description: str


def request_notes(requests: list[RequestRow]) -> dict[int, list[Note]]:
    """Each request's timeline as the public reads it (one query for the page): the
    events' labels, and a text only where the access policy lets the public read it."""
    # The report as far as the policy reads it to decide what the public may see,
    # loaded as a query with only() these fields would load it (from_db takes them in
    # the model's order).
    read = ("id", "state", "is_confidential", "agency_id")
    names = [field.attname for field in Report._meta.concrete_fields if field.attname in read]
    by_id: dict[int, Report] = {}
    for request in requests:
        known = {
            "id": request.pk,
            "state": request.state,
            "is_confidential": request.is_confidential,
            "agency_id": request.agency_id,
        }
        by_id[request.pk] = Report.from_db(None, names, [known[name] for name in names])
    labels = {value: str(label) for value, label in Action.choices}
    events = (
        ReportEvent.objects.filter(report_id__in=by_id, is_internal=False)
        .only("report_id", "action", "body", "reason", "created_at")
        .order_by("created_at", "id")
    )
    notes: dict[int, list[Note]] = defaultdict(list)
    for event in events:
        report = by_id[event.report_id]
        text = policy.event_text(PUBLIC, report, event) or policy.event_reason(
            PUBLIC, report, event
        )
        notes[report.pk].append(Note(event.created_at, event.action, labels[event.action], text))
    return notes


def request_address(request: RequestRow) -> str:
    """From the most specific place to the most general, as the specification asks."""
    code, name = request.region_code, request.region_name
    place = _place_name(code, name) if code is not None and name is not None else ""
    parts = [request.address.strip(), place]
    return ", ".join(part for part in parts if part)


@reference_memo(maxsize=8192)
def _place_name(code: str, name: str) -> str:
    # Kept like the regencies' names it reads: a page's hundred regions are otherwise
    # a fifth of its time (a Region made for each only to be named).
    return place_name(Region(code=code, name=name))


def request_follow(number: str) -> Followed | None:
    """Any existing report by its service_request_id, as the public follows it (a
    status only, unless it is public); None for an unknown or mistyped one."""
    try:
        return report_follow(actor=PUBLIC, tracking_number=number)
    except (InvalidInput, NotFound):
        return None


def request_token(report: Report) -> str:
    return signing.dumps(report.tracking_number, salt=_TOKEN_SALT)


def request_for_token(token: str) -> Report | None:
    """The public report a token stands for; None for a bad token or a report the
    public may not see (not yet verified, confidential, archived)."""
    try:
        number = signing.loads(token, salt=_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(number, str):
        return None
    return requests_public().filter(tracking_number=number).first()
