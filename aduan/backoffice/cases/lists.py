"""The back office's lists: one page and one CSV export for each, built the same way
from a list's description — which selector fills it, whose list it is, which states
its filter offers. A list a staff member's role has no use for answers 404."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from aduan.backoffice import selectors as backoffice
from aduan.backoffice.auth import staff_required
from aduan.backoffice.cases.forms import CaseFilterForm
from aduan.lib.csvfile import csv_response
from aduan.reports.models import OPEN_STATES, Report, State
from aduan.reports.policy import Actor
from aduan.reports.tracking import tracking_number_display

Listing = Callable[..., QuerySet[Report]]

_EVERY_STAFF_ROLE = frozenset({"national_admin", "agency_admin", "liaison", "supervisor"})
# The states of OPEN_STATES in the lifecycle's order, for the state filter.
_OPEN = tuple(state for state in State.values if state in OPEN_STATES)


@dataclass(frozen=True, slots=True)
class CaseList:
    name: str  # its URL's name; the export's is name + "_csv"
    listing: Listing
    roles: frozenset[str]
    title: Promise
    intro: Promise
    filename: str
    states: tuple[str, ...] = ()  # what its state filter offers
    bounced: bool = False  # rows carry who bounced the report and why


LISTS = {
    case_list.name: case_list
    for case_list in (
        CaseList(
            "queue",
            backoffice.report_list_verification,
            frozenset({"national_admin"}),
            _("Antrean verifikasi"),
            _(
                "Laporan yang menunggu verifikasi, yang paling mendesak di atas: "
                "yang terlambat lebih dulu."
            ),
            "antrean-verifikasi",
        ),
        CaseList(
            "bounced",
            backoffice.report_list_bounced,
            frozenset({"national_admin"}),
            _("Laporan yang dikembalikan"),
            _("Laporan yang dinyatakan bukan wewenang oleh instansi dan menunggu disposisi ulang."),
            "laporan-dikembalikan",
            bounced=True,
        ),
        CaseList(
            "inbox",
            backoffice.report_list_inbox,
            frozenset({"agency_admin", "liaison"}),
            _("Kotak masuk"),
            _(
                "Laporan yang didisposisikan ke instansi atau unit Anda dan belum selesai, "
                "yang paling mendesak di atas."
            ),
            "kotak-masuk",
            states=backoffice.HANDLING_STATES,
        ),
        CaseList(
            "overdue",
            backoffice.report_list_overdue,
            _EVERY_STAFF_ROLE,
            _("Laporan terlambat"),
            _(
                "Laporan yang melewati batas waktu verifikasi atau tindak lanjut, "
                "yang paling lama terlambat di atas."
            ),
            "laporan-terlambat",
            states=_OPEN,
        ),
        CaseList(
            "escalated",
            backoffice.report_list_escalated,
            _EVERY_STAFF_ROLE,
            _("Laporan tereskalasi"),
            _(
                "Laporan yang sudah dua kali melewati waktu yang diberikan: instansi "
                "pengawas dan admin nasional ikut mengawasinya."
            ),
            "laporan-tereskalasi",
            states=_OPEN,
        ),
    )
}


def lists_for(role: str) -> list[CaseList]:
    """The lists a role works with, in the order the menu shows them."""
    return [case_list for case_list in LISTS.values() if role in case_list.roles]


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)  # type: ignore[arg-type]


def _open(request: HttpRequest, name: str) -> tuple[CaseList, Actor, CaseFilterForm]:
    case_list = LISTS[name]
    actor = _actor(request)
    if actor.role not in case_list.roles:
        raise Http404
    # The agency admin narrows its lists to one of its units.
    units = (
        backoffice.unit_options(agency_id=actor.agency_id) if actor.role == "agency_admin" else None
    )
    form = CaseFilterForm(request.GET or None, states=case_list.states, units=units)
    return case_list, actor, form


def _page(
    request: HttpRequest, case_list: CaseList, actor: Actor, form: CaseFilterForm
) -> HttpResponse:
    filters = form.filters() if form.is_valid() else backoffice.CaseFilters()
    page = backoffice.case_page(
        case_list.listing(actor=actor, filters=filters),
        actor=actor,
        page=request.GET.get("halaman"),
    )
    kept = {key: value for key, value in request.GET.items() if key != "halaman" and value}
    context = {
        "case_list": case_list,
        "lists": lists_for(actor.role),
        "form": form,
        "listing": page,
        "query": urlencode(kept),
    }
    status = 200 if form.is_valid() or not form.is_bound else 400
    return render(request, "backoffice/cases/list.html", context, status=status)


@require_safe
@staff_required
def case_list_page(request: HttpRequest, name: str) -> HttpResponse:
    """One of the lists, filtered, sorted and paginated."""
    case_list, actor, form = _open(request, name)
    return _page(request, case_list, actor, form)


# -- exports ---------------------------------------------------------------------------


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _csv_header(*, bounced: bool) -> list[str]:
    header = [
        gettext("Nomor"),
        gettext("Jenis"),
        gettext("Kategori"),
        gettext("Wilayah"),
        gettext("Kanal"),
        gettext("Status"),
        gettext("Diterima"),
        gettext("Batas waktu"),
        gettext("Sisa hari kerja"),
        gettext("Hari kerja terlambat"),
        gettext("Anonim"),
    ]
    if bounced:
        return [*header, gettext("Dikembalikan oleh"), gettext("Alasan pengembalian")]
    return [*header, gettext("Instansi"), gettext("Unit kerja")]


def _csv_row(row: backoffice.CaseRow, *, bounced: bool, yes: str, no: str) -> list[object]:
    """A report's line: what the list shows, and nothing of the reporter. A report
    the reader sees only in part gives its number, state and deadline."""
    report = row.report
    days_left = row.days_left
    full = not row.limited
    line: list[object] = [
        tracking_number_display(report.tracking_number),
        report.get_type_display() if full else "",
        report.category.label if full and report.category else "",
        report.region.name if full and report.region else "",
        report.get_channel_display() if full else "",
        State(report.state).label,
        _when(report.submitted_at) if full else "",
        _when(report.deadline_at),
        "" if days_left is None or days_left < 0 else str(days_left),
        str(row.days_late) if row.days_late else "",
        (yes if report.is_anonymous else no) if full else "",
    ]
    if bounced:
        line += [row.bounced_by, row.bounce_reason]
    else:
        line += [
            report.agency.name if report.agency else "",
            report.unit.name if full and report.unit else "",
        ]
    return line


@require_safe
@staff_required
def case_list_csv(request: HttpRequest, name: str) -> HttpResponse | StreamingHttpResponse:
    """Every report of the list as it is filtered and sorted, streamed as CSV. Filters
    that are not valid get the list page and its explanation instead."""
    case_list, actor, form = _open(request, name)
    if form.is_bound and not form.is_valid():
        return _page(request, case_list, actor, form)
    reports = case_list.listing(actor=actor, filters=form.filters())
    rows = backoffice.case_rows_all(reports, actor=actor)
    yes, no = gettext("Ya"), gettext("Tidak")
    lines = (_csv_row(row, bounced=case_list.bounced, yes=yes, no=no) for row in rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(
        _csv_header(bounced=case_list.bounced), lines, f"{case_list.filename}-{stamp}.csv"
    )
