"""The national admin's case work: the verification queue, the bounced queue, and a
report's case page with the actions on it. Each view checks what was sent, calls
the reports services and selectors, and renders; the rules live in those packages.
A page a staff member may not use answers 404, never 403: it does not exist for
them."""

import csv
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from aduan.backoffice import selectors as backoffice
from aduan.backoffice.auth import staff_required
from aduan.backoffice.cases.forms import (
    ArchiveForm,
    CaseFilterForm,
    DisposeForm,
    InterveneForm,
    MergeForm,
    NoteForm,
    RequestInfoForm,
)
from aduan.lib.errors import AduanError, InvalidInput, NotFound
from aduan.reports import selectors as reports
from aduan.reports import services
from aduan.reports.errors import StaleReport
from aduan.reports.models import Action, ArchiveReason, Attachment, Report, State
from aduan.reports.policy import Actor, View, event_reason, event_text, identity_access
from aduan.reports.tracking import tracking_number_display
from aduan.routing.selectors import routing_suggest

# The roles the case page serves so far; agency roles come with their inboxes.
CASE_ROLES = frozenset({"national_admin"})


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)  # type: ignore[arg-type]


def _national_admin(request: HttpRequest) -> Actor:
    actor = _actor(request)
    if actor.role != "national_admin":
        raise Http404
    return actor


# -- the queues ----------------------------------------------------------------------


Listing = Callable[..., QuerySet[Report]]


def _list_page(request: HttpRequest, *, template: str, listing: Listing) -> HttpResponse:
    actor = _national_admin(request)
    form = CaseFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else backoffice.CaseFilters()
    page = backoffice.case_page(
        listing(actor=actor, filters=filters), page=request.GET.get("halaman")
    )
    kept = {key: value for key, value in request.GET.items() if key != "halaman" and value}
    context = {"form": form, "listing": page, "query": urlencode(kept)}
    return render(
        request, template, context, status=200 if form.is_valid() or not form.is_bound else 400
    )


@require_safe
@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Reports waiting for verification, the most urgent first."""
    return _list_page(
        request,
        template="backoffice/cases/queue.html",
        listing=backoffice.report_list_verification,
    )


@require_safe
@staff_required
def bounced(request: HttpRequest) -> HttpResponse:
    """Reports an agency sent back as not its authority, with its reason."""
    return _list_page(
        request,
        template="backoffice/cases/bounced.html",
        listing=backoffice.report_list_bounced,
    )


# -- the queues as CSV -----------------------------------------------------------------


class _Line:
    """What csv.writer writes to: it hands each written line back instead of
    keeping it, so the rows stream out one by one."""

    def write(self, line: str) -> str:
        return line


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


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
    return [*header, gettext("Instansi")]


def _csv_row(row: backoffice.CaseRow, *, bounced: bool, yes: str, no: str) -> list[str]:
    """A report's line: what the list shows, and nothing of the reporter."""
    report = row.report
    days_left = row.days_left
    line = [
        tracking_number_display(report.tracking_number),
        report.get_type_display(),
        report.category.label if report.category else "",
        report.region.name if report.region else "",
        report.get_channel_display(),
        report.get_state_display(),
        _when(report.submitted_at),
        _when(report.deadline_at),
        "" if days_left is None or days_left < 0 else str(days_left),
        str(row.days_late) if row.days_late else "",
        yes if report.is_anonymous else no,
    ]
    if bounced:
        line += [row.bounced_by, row.bounce_reason]
    else:
        line.append(report.agency.name if report.agency else "")
    return [_cell(value) for value in line]


def _csv_lines(rows: Iterator[backoffice.CaseRow], *, bounced: bool) -> Iterator[str]:
    writer = csv.writer(_Line())
    # The byte-order mark tells spreadsheet programs the file is UTF-8.
    yield "\ufeff" + writer.writerow(_csv_header(bounced=bounced))
    yes, no = gettext("Ya"), gettext("Tidak")
    for row in rows:
        yield writer.writerow(_csv_row(row, bounced=bounced, yes=yes, no=no))


def _list_csv(
    request: HttpRequest, *, template: str, listing: Listing, name: str
) -> HttpResponse | StreamingHttpResponse:
    """Every report of the list as it is filtered and sorted, streamed as CSV. Filters
    that are not valid get the list page and its explanation instead."""
    actor = _national_admin(request)
    form = CaseFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _list_page(request, template=template, listing=listing)
    reports = listing(actor=actor, filters=form.filters())
    bounced = listing is backoffice.report_list_bounced
    lines = _csv_lines(backoffice.case_rows_all(reports), bounced=bounced)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


@require_safe
@staff_required
def queue_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The verification queue, filtered and sorted as on the page, as CSV."""
    return _list_csv(
        request,
        template="backoffice/cases/queue.html",
        listing=backoffice.report_list_verification,
        name="antrean-verifikasi",
    )


@require_safe
@staff_required
def bounced_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The bounced queue, filtered and sorted as on the page, as CSV."""
    return _list_csv(
        request,
        template="backoffice/cases/bounced.html",
        listing=backoffice.report_list_bounced,
        name="laporan-dikembalikan",
    )


# -- a report's case page ------------------------------------------------------------

_FORMS: dict[str, type[Form]] = {
    Action.DISPOSE: DisposeForm,
    Action.REQUEST_INFO: RequestInfoForm,
    Action.ARCHIVE: ArchiveForm,
    "merge": MergeForm,
    Action.INTERVENE: InterveneForm,
    Action.NOTE: NoteForm,
}
# The lifecycle action each form performs (a merge archives as a duplicate).
_PERFORMS = {name: ("archive" if name == "merge" else name) for name in _FORMS}

_DONE: dict[str, Any] = {
    Action.DISPOSE: _("Laporan sudah diverifikasi dan didisposisikan."),
    Action.REQUEST_INFO: _("Permintaan kelengkapan sudah dikirim ke pelapor."),
    Action.ARCHIVE: _("Laporan sudah diarsipkan."),
    "merge": _("Laporan sudah digabungkan ke laporan asli sebagai duplikat."),
    Action.INTERVENE: _("Laporan sudah ditutup."),
    Action.NOTE: _("Catatan internal sudah disimpan."),
}

# Where a service's error about one of its arguments is shown on the forms.
_FIELDS = {
    "agency": "agency",
    "unit": "unit",
    "reason": "reason",
    "note": "note",
    "duplicate_of": "original",
    "text": "text",
}


def _put_error(form: Form, error: AduanError) -> None:
    field = _FIELDS.get(error.field or "")
    form.add_error(field if field in form.fields else None, str(error.message))


def _chosen_agency(request: HttpRequest, suggested: int | None) -> int | None:
    """The agency whose units the dispose form offers: the one posted, the one
    picked with "Tampilkan unit kerja" (a GET, so it works without JavaScript),
    else the suggestion's."""
    raw = request.POST.get("agency") or request.GET.get("instansi") or ""
    return int(raw) if raw.isdecimal() and len(raw) < 10 else suggested


def _form(
    action: str, request: HttpRequest, report: Report, suggested: int | None, *, bound: bool
) -> Form:
    """An action's form; several share the page, so each field's id names its form."""
    data = request.POST if bound else None
    kwargs: dict[str, Any] = {"auto_id": f"id_{action}_%s"}
    if action != Action.NOTE:
        kwargs["initial"] = {"version": report.version}
    if action == Action.DISPOSE:
        agency = _chosen_agency(request, suggested)
        kwargs["agencies"] = backoffice.agency_options()
        kwargs["units"] = backoffice.unit_options(agency_id=agency)
        kwargs["initial"]["agency"] = agency
    return _FORMS[action](data, **kwargs)


def _at_version(report: Report, version: int) -> None:
    """The form was filled in on an older version of the report: someone acted
    since. (The services' conditional update catches the same race between this
    check and the write.)"""
    if version != report.version:
        raise StaleReport(
            _("Laporan ini baru saja diubah orang lain; statusnya kini: %(state)s.")
            % {"state": State(report.state).label}
        )


def _perform(actor: Actor, report: Report, action: str, data: dict[str, Any]) -> None:
    if action != Action.NOTE:
        _at_version(report, data["version"])
    if action == Action.DISPOSE:
        services.report_dispose(
            actor=actor, report=report, agency_id=data["agency"], unit_id=data["unit"]
        )
    elif action == Action.REQUEST_INFO:
        services.report_request_info(actor=actor, report=report, reason=data["reason"])
    elif action == Action.ARCHIVE:
        services.report_archive(
            actor=actor, report=report, reason=data["reason"], note=data["note"]
        )
    elif action == "merge":
        services.report_archive(
            actor=actor,
            report=report,
            reason=ArchiveReason.DUPLICATE,
            duplicate_of=data["original"],
            note=data["note"],
        )
    elif action == Action.INTERVENE:
        services.report_intervene(actor=actor, report=report, reason=data["reason"])
    else:
        services.report_note(actor=actor, report=report, text=data["text"])


def _case_get(actor: Actor, number: str) -> Report:
    """The report, if the actor may work on it here; otherwise it does not exist."""
    if actor.role not in CASE_ROLES:
        raise Http404
    try:
        report, view = reports.report_get(actor=actor, tracking_number=number)
    except (InvalidInput, NotFound):
        raise Http404 from None
    if view != View.FULL:
        raise Http404
    return report


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def case(request: HttpRequest, number: str) -> HttpResponse:
    """The report in full, with the actions its state allows. A POST performs one
    action and comes back here; "reveal" opens an anonymous reporter's identity,
    which the timeline records each time, and shows it in this answer only."""
    actor = _actor(request)
    report = _case_get(actor, number)
    if request.method != "POST" and number != report.tracking_number:
        return redirect("backoffice:case", number=report.tracking_number)
    suggestion = routing_suggest(
        category_id=report.category_id, region_code=report.region_id, report_type=report.type
    )
    suggested = suggestion.agency.pk if suggestion is not None else None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound: dict[str, Form] = {}
    card, status, error = None, 200, ""
    if action == "reveal":
        try:
            reporter = services.report_reporter_reveal(actor=actor, report=report)
        except AduanError as failure:
            status, error = failure.status, str(failure.message)
        else:
            card = backoffice.reporter_card(reporter=reporter, access="contacts")
    elif action in _FORMS:
        form = _form(action, request, report, suggested, bound=True)
        status = 400
        if form.is_valid():
            try:
                _perform(actor, report, action, form.cleaned_data)
            except AduanError as failure:
                _put_error(form, failure)
                status = failure.status
            else:
                messages.success(request, str(_DONE[action]))
                return redirect("backoffice:case", number=report.tracking_number)
        bound[action] = form
        error = " ".join(str(e) for e in form.non_field_errors())
        # Someone may have changed it meanwhile: show the report as it is now.
        report = _case_get(actor, report.tracking_number)
    elif action:
        status, error = 400, str(_("Tindakan tidak dikenal."))
    context = _case_context(request, actor, report, suggestion, bound, card)
    context["action_error"] = error
    return render(request, "backoffice/cases/case.html", context, status=status)


def _case_context(
    request: HttpRequest,
    actor: Actor,
    report: Report,
    suggestion: Any,
    bound: dict[str, Form],
    card: backoffice.ReporterCard | None,
) -> dict[str, Any]:
    attachments = reports.report_attachments(actor=actor, report=report)
    by_event: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        by_event.setdefault(attachment.event_id, []).append(attachment)
    events = reports.report_timeline(actor=actor, report=report).select_related(
        "actor_agency", "actor"
    )
    timeline = [
        (
            event,
            event_text(actor, report, event),
            event_reason(actor, report, event),
            by_event.get(event.pk, []),
        )
        for event in events
    ]
    access = identity_access(actor, report)
    allowed = backoffice.report_staff_actions(actor=actor, report=report)
    suggested = suggestion.agency.pk if suggestion is not None else None
    forms = {
        name: bound.get(name) or _form(name, request, report, suggested, bound=False)
        for name in _FORMS
        if _PERFORMS[name] in allowed
    }
    days_left = reports.report_working_days_left(report=report)
    return {
        "report": report,
        "number": tracking_number_display(report.tracking_number),
        "days_left": days_left,
        "days_late": -days_left if days_left is not None and days_left < 0 else 0,
        "timeline": timeline,
        "report_files": by_event.get(None, []),
        "identity_access": access,
        "reporter": card or backoffice.reporter_card(reporter=report.reporter, access=access),
        "revealed": card is not None,
        "suggestion": suggestion,
        "duplicates": reports.report_list_possible_duplicates(actor=actor, report=report),
        "forms": forms,
        "agency_options": backoffice.agency_options() if Action.DISPOSE in forms else [],
        "chosen_agency": _chosen_agency(request, suggested),
    }
