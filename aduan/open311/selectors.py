"""Reads of the Open311 channel: services (the leaf categories), their definition,
and service requests (the reports the public may see, through the access policy)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aduan.reports import policy
from aduan.reports.models import OPEN_STATES, Report, ReportEvent, ReportType, State
from aduan.reports.policy import PUBLIC
from aduan.reports.search import category_groups, place_name
from aduan.reports.selectors import report_list_public

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
    """Service requests anyone may read: the public feed's reports."""
    return report_list_public()


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


def request_status(report: Report) -> str:
    return "closed" if report.state in CLOSED_STATES else "open"


@dataclass(frozen=True, slots=True)
class Note:
    datetime: datetime
    type: str
    summary: str
    description: str


def request_notes(reports: list[Report]) -> dict[int, list[Note]]:
    """Each report's timeline as the public reads it (one query for the page): the
    events' labels, and a text only where the access policy lets the public read it."""
    by_id = {report.pk: report for report in reports}
    events = ReportEvent.objects.filter(report_id__in=by_id, is_internal=False).order_by(
        "created_at", "id"
    )
    notes: dict[int, list[Note]] = defaultdict(list)
    for event in events:
        report = by_id[event.report_id]
        text = policy.event_text(PUBLIC, report, event) or policy.event_reason(
            PUBLIC, report, event
        )
        notes[report.pk].append(
            Note(event.created_at, event.action, str(event.get_action_display()), text)
        )
    return notes


def request_address(report: Report) -> str:
    """From the most specific place to the most general, as the specification asks."""
    parts = [report.address.strip(), place_name(report.region) if report.region else ""]
    return ", ".join(part for part in parts if part)


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
