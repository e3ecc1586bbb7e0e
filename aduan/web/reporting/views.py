"""The citizen's reporting pages: submit a report, follow it by number, its page with
the reporter's actions, and "my reports". Each view checks what was sent, calls the
reports services and selectors, and renders; the rules live in those packages."""

from dataclasses import replace
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from aduan.accounts.models import User
from aduan.lib.clientaddress import client_address
from aduan.lib.errors import AduanError, InvalidInput, NotFound
from aduan.lib.ratelimit import limited
from aduan.reporters.services import reporter_for_user
from aduan.reports import access, services
from aduan.reports import selectors as reports
from aduan.reports.models import AccessKind, Action, Attachment, Channel, Report, ReportType
from aduan.reports.policy import (
    Actor,
    View,
    can,
    can_see_attachments,
    event_reason,
    event_text,
)
from aduan.reports.tracking import tracking_number_display
from aduan.web.feed.context import community_context
from aduan.web.reporting.forms import (
    ConfirmForm,
    DetailsForm,
    PlaceForm,
    ReopenForm,
    ReplyForm,
    SupplyInfoForm,
    TrackForm,
)

# Where a service's error about one of its arguments is shown on the forms.
_DETAILS_FIELDS = {
    "title": "title",
    "body": "body",
    "incident_date": "incident_date",
    "address": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "agency_hint": "agency",
    "file": "attachments",
}
_ACTION_FIELDS = {
    "text": "text",
    "reason": "reason",
    "rating": "rating",
    "comment": "comment",
    "file": "attachments",
}


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)  # type: ignore[arg-type]


def _put_error(form: Form, error: AduanError, fields: dict[str, str]) -> None:
    """A service's refusal, on the field it names (or the whole form)."""
    field = fields.get(error.field or "")
    form.add_error(field if field in form.fields else None, str(error.message))


# -- follow by number -------------------------------------------------------------------


def _track_page(request: HttpRequest, form: TrackForm, *, status: int = 200) -> HttpResponse:
    return render(request, "web/reporting/track.html", {"form": form}, status=status)


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    """Follow a report by its number: the check digit catches a typo before any
    lookup; a number this visitor may see leads to the report's page."""
    form = TrackForm(request.GET or None)
    if not form.is_valid():
        return _track_page(request, form)
    try:
        report, _view = reports.report_get(
            actor=_actor(request), tracking_number=form.cleaned_data["nomor"]
        )
    except InvalidInput as error:
        form.add_error("nomor", str(error.message))
        return _track_page(request, form)
    except NotFound as error:
        form.add_error("nomor", str(error.message))
        return _track_page(request, form, status=404)
    return redirect("web:report", number=report.tracking_number)


# -- submit ---------------------------------------------------------------------------


def _citizens_only(request: HttpRequest) -> HttpResponse | None:
    """Staff report for a citizen at the counter, not through the citizen's form."""
    user: User = request.user  # type: ignore[assignment]
    if user.role != User.Role.CITIZEN:
        return render(request, "web/reporting/403.html", {"staff": True}, status=403)
    return None


def _place_query(place: PlaceForm) -> str:
    """The first step's choices as a query string, to go back and change them."""
    data = {name: place.data.get(name, "") for name in place.fields}
    return urlencode({name: value for name, value in data.items() if value})


def _details_page(
    request: HttpRequest, place: PlaceForm, details: DetailsForm, *, status: int = 200
) -> HttpResponse:
    data = place.cleaned_data
    context = {
        "place": place,
        "details": details,
        "place_query": _place_query(place),
        "type_label": ReportType(data["type"]).label,
        "category_label": _choice_label(place, "category", data["category"]),
        "region_names": [
            _choice_label(place, level, data[level])
            for level in ("province", "regency", "district", "village")
            if data.get(level)
        ],
        "similar": reports.report_list_similar(region=place.region, category=data["category"]),
    }
    return render(request, "web/reporting/submit_details.html", context, status=status)


def _choice_label(form: Form, name: str, value: str) -> str:
    choices: list[tuple[Any, Any]] = list(cast(Any, form.fields[name]).choices)
    for key, label in choices:
        if isinstance(label, list | tuple):
            for inner_key, inner_label in label:
                if str(inner_key) == value:
                    return str(inner_label)
        elif str(key) == value:
            return str(label)
    return value


def _place_page(
    request: HttpRequest, place: PlaceForm, *, show_errors: bool, status: int = 200
) -> HttpResponse:
    context = {"place": place, "show_errors": show_errors}
    return render(request, "web/reporting/submit_place.html", context, status=status)


@login_required
@limited("report")
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Two steps. The first (type, category, region) goes by GET, so a region level
    picked without JavaScript re-renders the form with the next level's options.
    The second lists similar public reports of the area above the details, so a
    citizen can support one instead of filing a duplicate; it is the only POST."""
    refused = _citizens_only(request)
    if refused is not None:
        return refused
    if request.method != "POST":
        if request.GET.get("langkah") == "2":
            place = PlaceForm(request.GET)
            if place.is_valid():
                return _details_page(request, place, DetailsForm(region=place.region))
            return _place_page(request, place, show_errors=True)
        # Choosing a region level (or coming back to change something) is no error.
        return _place_page(request, PlaceForm(initial=request.GET.dict()), show_errors=False)
    place = PlaceForm(request.POST)
    if not place.is_valid():
        return _place_page(request, place, show_errors=True, status=400)
    details = DetailsForm(request.POST, request.FILES, region=place.region)
    if not details.is_valid():
        return _details_page(request, place, details, status=400)
    try:
        report = _report_submit(request, place, details)
    except AduanError as error:
        _put_error(details, error, _DETAILS_FIELDS)
        return _details_page(request, place, details, status=error.status)
    return redirect("web:submitted", number=report.tracking_number)


def _report_submit(request: HttpRequest, place: PlaceForm, details: DetailsForm) -> Report:
    """The report and its files (the service writes them together or not at all)."""
    where, what = place.cleaned_data, details.cleaned_data
    user: User = request.user  # type: ignore[assignment]
    reporter = reporter_for_user(user=user)
    actor = replace(Actor.for_user(user), reporter_id=reporter.pk)
    return services.report_create(
        actor=actor,
        reporter=reporter,
        type=where["type"],
        title=what["title"],
        body=what["body"],
        channel=Channel.WEB,
        category=where["category"],
        location=services.Location(
            region=place.region,
            address=what["address"],
            latitude=what["latitude"],
            longitude=what["longitude"],
        ),
        incident_date=what["incident_date"],
        agency_hint=what["agency"],
        anonymous=what["anonymous"],
        confidential=what["confidential"],
        files=what["attachments"],
    )


@login_required
@require_safe
def submitted(request: HttpRequest, number: str) -> HttpResponse:
    """The tracking number, large, and what happens next within which deadlines."""
    try:
        report, _view = reports.report_get(actor=_actor(request), tracking_number=number)
    except (InvalidInput, NotFound) as error:
        return _not_found(request, number, error)
    context = {
        "report": report,
        "number": tracking_number_display(report.tracking_number),
        "steps": reports.report_next_steps(report=report),
    }
    return render(request, "web/reporting/submitted.html", context)


# -- a report's page -----------------------------------------------------------------


def _not_found(request: HttpRequest, number: str, error: AduanError) -> HttpResponse:
    """An unknown number, a mistyped one, and a report this visitor may not see all
    look the same: the tracking form saying so."""
    form = TrackForm({"nomor": number[:20]})
    form.is_valid()
    form.add_error("nomor", str(error.message))
    return _track_page(request, form, status=404)


_ACTION_FORMS: dict[str, type[Form]] = {
    Action.REPLY: ReplyForm,
    Action.SUPPLY_INFO: SupplyInfoForm,
    Action.CONFIRM: ConfirmForm,
    Action.REOPEN: ReopenForm,
}


def _action_form(action: str, data: Any = None, files: Any = None) -> Form:
    """Several of these forms share a page: each field's id names its form."""
    return _ACTION_FORMS[action](data, files, auto_id=f"id_{action}_%s")


_DONE: dict[str, Any] = {
    Action.REPLY: _("Balasan Anda sudah dikirim."),
    Action.SUPPLY_INFO: _("Kelengkapan sudah dikirim. Laporan Anda akan diverifikasi lagi."),
    Action.CONFIRM: _("Terima kasih. Laporan Anda sudah selesai."),
    Action.REOPEN: _("Laporan Anda dibuka kembali dan dikembalikan ke instansi."),
}


def _reporter_act(
    request: HttpRequest, actor: Actor, report: Report, action: str
) -> tuple[Form, int] | None:
    """Does the reporter's action; None when it was done, else the form with its
    errors and the status to answer with."""
    form = _action_form(action, request.POST, request.FILES)
    if not form.is_valid():
        return form, 400
    data = form.cleaned_data

    try:
        if action == Action.REPLY:
            services.report_reply(actor=actor, report=report, text=data["text"])
        elif action == Action.CONFIRM:
            services.report_confirm(
                actor=actor, report=report, rating=data["rating"], comment=data["comment"]
            )
        elif action == Action.REOPEN:
            services.report_reopen(actor=actor, report=report, reason=data["reason"])
        else:
            services.report_supply_info(
                actor=actor, report=report, text=data["text"], files=data["attachments"]
            )
    except AduanError as error:
        _put_error(form, error, _ACTION_FIELDS)
        return form, error.status
    return None


@limited("comment")
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, number: str) -> HttpResponse:
    """What the access policy lets this visitor see of a report; for its reporter,
    the actions the report's state allows (each POST counts against the comment
    rate limit). The community panel (supports and comments) is the feed work's."""
    actor = _actor(request)
    try:
        found, view = reports.report_get(actor=actor, tracking_number=number)
    except (InvalidInput, NotFound) as error:
        return _not_found(request, number, error)
    if request.method != "POST" and number != found.tracking_number:
        return redirect("web:report", number=found.tracking_number)
    bound: dict[str, Form] = {}
    status, action_error = 200, ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in _ACTION_FORMS:
        if not can(actor, action, found):
            return _forbidden(request)
        failed = _reporter_act(request, actor, found, action)
        if failed is None:
            messages.success(request, str(_DONE[action]))
            return redirect("web:report", number=found.tracking_number)
        form, status = failed
        bound[action] = form
        action_error = " ".join(str(e) for e in form.non_field_errors())
        # Someone may have changed it meanwhile: show the report as it is now.
        found, view = reports.report_get(actor=actor, tracking_number=found.tracking_number)
    allowed = reports.report_reporter_actions(actor=actor, report=found)
    # A staff member's read is written down before it is answered (not a citizen's).
    address = client_address(request)
    access.report_access_record(actor=actor, report=found, kind=AccessKind.PORTAL, address=address)
    context = _report_context(actor, found, view, allowed, bound)
    context["action_error"] = action_error
    context.update(community_context(request, actor, found))
    return render(request, "web/reporting/report.html", context, status=status)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "web/reporting/403.html", status=403)


def _report_context(
    actor: Actor,
    report: Report,
    view: View,
    allowed: frozenset[str],
    bound: dict[str, Form],
) -> dict[str, Any]:
    limited_view = view == View.LIMITED
    attachments = [] if limited_view else reports.report_attachments(actor=actor, report=report)
    by_event: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        by_event.setdefault(attachment.event_id, []).append(attachment)
    timeline = (
        []
        if limited_view
        else [
            (
                event,
                event_text(actor, report, event),
                event_reason(actor, report, event),
                by_event.get(event.pk, []),
            )
            for event in reports.report_timeline(actor=actor, report=report)
        ]
    )
    forms = {
        action: bound.get(action) or _action_form(action)
        for action in _ACTION_FORMS
        if action in allowed
    }
    return {
        "report": report,
        "number": tracking_number_display(report.tracking_number),
        "limited": limited_view,
        "days_left": reports.report_working_days_left(report=report),
        "timeline": timeline,
        "report_files": by_event.get(None, []),
        "files_shown": can_see_attachments(actor, report),
        "is_reporter": can(actor, Action.REPLY, report),
        "merged_into": reports.report_merged_into(actor=actor, report=report),
        "action_forms": forms,
    }


@require_safe
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A report's file, only to whom the policy shows the report's files: never a
    public media URL, and a file the visitor may not see does not exist."""
    actor = _actor(request)
    try:
        found = reports.attachment_get(actor=actor, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    # A staff member's download is written down before the file is sent.
    access.report_access_record(
        actor=actor,
        report=found.report,
        kind=AccessKind.ATTACHMENT,
        attachment=found,
        address=client_address(request),
    )
    inline = found.content_type.startswith("image/")
    name = found.file.name or ""
    suffix = name.rpartition(".")[2] if "." in name else "bin"
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=not inline,
        # Never the uploader's file name (it may name the reporter): ours.
        filename=f"lampiran-{found.report.tracking_number}-{found.pk}.{suffix}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# -- my reports ----------------------------------------------------------------------


@login_required
@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    listing = reports.report_page_for_reporter(
        actor=_actor(request), page=request.GET.get("halaman")
    )
    return render(request, "web/reporting/my_reports.html", {"listing": listing})
