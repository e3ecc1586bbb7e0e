"""A report's case page, with the actions its state and the staff member's role
allow: the national admin verifies and disposes, the agency admin assigns,
re-disposes, bounces and follows up, the liaison follows up, the supervisor reads
and reminds. Each view checks what was sent, calls the reports services and
selectors, and renders; the rules live in those packages. A report a staff member
does not work on answers 404, never 403: it does not exist for them."""

from collections.abc import Callable
from types import EllipsisType
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aduan.backoffice import selectors as backoffice
from aduan.backoffice.auth import second_factor_confirm, staff_required
from aduan.backoffice.cases.forms import (
    ArchiveForm,
    AssignForm,
    BounceForm,
    ClassifyForm,
    DisposeForm,
    FollowUpForm,
    InterveneForm,
    MergeForm,
    NoteForm,
    RedisposeForm,
    RemindForm,
    RequestInfoForm,
)
from aduan.backoffice.cases.lists import lists_for
from aduan.backoffice.cases.places import place_find, place_of, place_search
from aduan.lib.clientaddress import client_address
from aduan.lib.errors import AduanError, InvalidInput, NotFound
from aduan.lib.http import safe_next_url
from aduan.lib.widgets import LongSelect
from aduan.outbox.selectors import messages_of_report
from aduan.reporters.selectors import ReporterCard, reporter_card
from aduan.reports import selectors as reports
from aduan.reports import services
from aduan.reports.access import report_access_list, report_access_record
from aduan.reports.errors import StaleReport
from aduan.reports.models import AccessKind, Action, ArchiveReason, Attachment, Report, State
from aduan.reports.policy import (
    Actor,
    View,
    can_read_access_log,
    event_reason,
    event_text,
    identity_access,
    in_scope,
    report_view,
)
from aduan.reports.tracking import tracking_number_display
from aduan.routing.selectors import Suggestion, report_routing_suggest
from aduan.triage.answers import Draft, answer_drafts
from aduan.triage.duplicates import Candidate, duplicate_candidates, duplicate_score_of
from aduan.triage.selectors import Suggested, TriageSuggestion, triage_suggest
from aduan.triage.services import triage_suggestion_record

CASE_ROLES = frozenset({"national_admin", "agency_admin", "liaison", "supervisor"})


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)  # type: ignore[arg-type]


# -- the actions -----------------------------------------------------------------------

# Each action's form, in the order the page shows them.
_FORMS: dict[str, type[Form]] = {
    Action.CLASSIFY: ClassifyForm,
    Action.DISPOSE: DisposeForm,
    Action.REQUEST_INFO: RequestInfoForm,
    Action.ARCHIVE: ArchiveForm,
    "merge": MergeForm,
    Action.INTERVENE: InterveneForm,
    Action.FOLLOW_UP: FollowUpForm,
    Action.ANSWER: FollowUpForm,
    Action.ASSIGN: AssignForm,
    Action.REDISPOSE: RedisposeForm,
    Action.BOUNCE: BounceForm,
    Action.REMIND: RemindForm,
    Action.NOTE: NoteForm,
}
# The lifecycle action each form performs (a merge archives as a duplicate).
_PERFORMS = {name: ("archive" if name == "merge" else name) for name in _FORMS}
# These change nothing of the report, so they do not check its version.
_UNVERSIONED = frozenset({Action.NOTE, Action.REMIND})

_DONE: dict[str, Any] = {
    Action.CLASSIFY: _("Data laporan sudah disimpan."),
    Action.DISPOSE: _("Laporan sudah diverifikasi dan didisposisikan."),
    Action.REQUEST_INFO: _("Permintaan kelengkapan sudah dikirim ke pelapor."),
    Action.ARCHIVE: _("Laporan sudah diarsipkan."),
    "merge": _("Laporan sudah digabungkan ke laporan asli sebagai duplikat."),
    Action.INTERVENE: _("Laporan sudah ditutup."),
    Action.FOLLOW_UP: _("Tindak lanjut sudah dikirim ke pelapor."),
    Action.ANSWER: _("Tindak lanjut akhir sudah dikirim; pelapor diminta menanggapinya."),
    Action.ASSIGN: _("Laporan sudah diteruskan ke unit kerja."),
    Action.REDISPOSE: _("Laporan sudah didisposisikan ulang."),
    Action.BOUNCE: _("Laporan sudah dikembalikan ke admin nasional."),
    Action.REMIND: _("Instansi yang menangani sudah diingatkan."),
    Action.NOTE: _("Catatan internal sudah disimpan."),
}

# Where a service's error about one of its arguments is shown on the forms.
_FIELDS = {
    "type": "type",
    "category": "category",
    "region": "region",
    "title": "title",
    "agency": "agency",
    "unit": "unit",
    "reason": "reason",
    "note": "note",
    "duplicate_of": "original",
    "text": "text",
    "file": "attachments",
}

Perform = Callable[[Actor, Report, dict[str, Any]], object]


def _classify(actor: Actor, report: Report, data: dict[str, Any]) -> object:
    """The place field names a region by its code or by a name only one bears."""
    return services.report_classify(
        actor=actor,
        report=report,
        type=data["type"],
        category=data["category"],
        region=place_find(data["region"]).code,
        title=data["title"],
    )


_PERFORM: dict[str, Perform] = {
    Action.CLASSIFY: _classify,
    Action.DISPOSE: lambda actor, report, data: services.report_dispose(
        actor=actor, report=report, agency_id=data["agency"], unit_id=data["unit"]
    ),
    Action.REQUEST_INFO: lambda actor, report, data: services.report_request_info(
        actor=actor, report=report, reason=data["reason"]
    ),
    Action.ARCHIVE: lambda actor, report, data: services.report_archive(
        actor=actor, report=report, reason=data["reason"], note=data["note"]
    ),
    "merge": lambda actor, report, data: services.report_archive(
        actor=actor,
        report=report,
        reason=ArchiveReason.DUPLICATE,
        duplicate_of=data["original"],
        note=data["note"],
        # The finder's score for the pair, kept with the merge (a labelled pair).
        score=duplicate_score_of(actor=actor, report=report, number=data["original"]),
    ),
    Action.INTERVENE: lambda actor, report, data: services.report_intervene(
        actor=actor, report=report, reason=data["reason"]
    ),
    Action.FOLLOW_UP: lambda actor, report, data: services.report_follow_up(
        actor=actor, report=report, text=data["text"], files=data["attachments"]
    ),
    Action.ANSWER: lambda actor, report, data: services.report_answer(
        actor=actor, report=report, text=data["text"], files=data["attachments"]
    ),
    Action.ASSIGN: lambda actor, report, data: services.report_assign(
        actor=actor, report=report, unit_id=data["unit"]
    ),
    Action.REDISPOSE: lambda actor, report, data: services.report_redispose(
        actor=actor, report=report, agency_id=data["agency"], reason=data["reason"]
    ),
    Action.BOUNCE: lambda actor, report, data: services.report_bounce(
        actor=actor, report=report, reason=data["reason"]
    ),
    Action.REMIND: lambda actor, report, data: services.report_remind(actor=actor, report=report),
    Action.NOTE: lambda actor, report, data: services.report_note(
        actor=actor, report=report, text=data["text"]
    ),
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
    action: str,
    request: HttpRequest,
    report: Report,
    suggested: int | None,
    *,
    bound: bool,
    triage: TriageSuggestion | None = None,
) -> Form:
    """An action's form; several share the page, so each field's id names its form."""
    kwargs: dict[str, Any] = {"auto_id": f"id_{action}_%s"}
    if action not in _UNVERSIONED:
        kwargs["initial"] = {"version": report.version}
    if action == Action.CLASSIFY:
        kwargs["initial"].update(
            type=report.type,
            category=report.category.code if report.category else "",
            region=place_of(report.region),
            title=report.title,
        )
        kwargs["initial"].update(_prefill(report, triage))
    elif action == Action.DISPOSE:
        agency = _chosen_agency(request, suggested)
        kwargs["agencies"] = backoffice.agency_options()
        kwargs["units"] = backoffice.unit_options(agency_id=agency)
        kwargs["initial"]["agency"] = agency
    elif action == Action.ASSIGN:
        kwargs["units"] = backoffice.unit_options(agency_id=report.agency_id)
    elif action == Action.REDISPOSE:
        kwargs["agencies"] = backoffice.sub_agency_options(agency_id=report.agency_id)
    if bound:
        return _FORMS[action](request.POST, request.FILES, **kwargs)
    return _FORMS[action](**kwargs)


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
    if action not in _UNVERSIONED:
        _at_version(report, data["version"])
    _PERFORM[action](actor, report, data)


# -- finding the report ------------------------------------------------------------------


def _report_get(actor: Actor, number: str) -> tuple[Report, View]:
    """The report, if the actor works on or watches over it; otherwise it does not
    exist (another agency's report is a 404, even when it is public)."""
    if actor.role not in CASE_ROLES:
        raise Http404
    try:
        report, view = reports.report_get(actor=actor, tracking_number=number)
    except (InvalidInput, NotFound):
        raise Http404 from None
    if not in_scope(actor, report):
        raise Http404
    return report, view


def _case_get(actor: Actor, number: str) -> Report:
    """The report in full; one the actor sees only by number and state (a
    supervisor's confidential report) has no case page."""
    report, view = _report_get(actor, number)
    if view != View.FULL:
        raise Http404
    return report


def home_list(actor: Actor) -> str:
    """The list a staff member returns to from a report."""
    return f"backoffice:{lists_for(actor.role)[0].name}"


# -- the pages ---------------------------------------------------------------------------


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
    suggestion = _suggestion(actor, report)
    suggested = suggestion.agency.pk if suggestion is not None else None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound: dict[str, Form] = {}
    card, status, error = None, 200, ""
    if action == "reveal":
        try:
            if identity_access(actor, report) == "reveal":
                # Opening an anonymous reporter asks for the code again; a wrong one
                # opens and records nothing.
                code = request.POST.get("code", "")
                second_factor_confirm(user=request.user, code=code)
            reporter = services.report_reporter_reveal(actor=actor, report=report)
        except AduanError as failure:
            status, error = failure.status, str(failure.message)
        else:
            card = reporter_card(reporter=reporter, access="contacts")
    elif action == "not_duplicate":
        try:
            _not_duplicate(actor, report, request.POST.get("other", ""))
        except AduanError as failure:
            status, error = failure.status, str(failure.message)
        else:
            messages.success(request, str(_("Laporan itu tidak lagi diusulkan sebagai duplikat.")))
            return redirect("backoffice:case", number=report.tracking_number)
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
                if in_scope(actor, report) and report_view(actor, report) == View.FULL:
                    return redirect("backoffice:case", number=report.tracking_number)
                # Bounced or re-disposed away: the report is no longer this actor's.
                return redirect(home_list(actor))
        bound[action] = form
        error = " ".join(str(e) for e in form.non_field_errors())
        # Someone may have changed it meanwhile: show the report as it is now.
        report = _case_get(actor, report.tracking_number)
    elif action:
        status, error = 400, str(_("Tindakan tidak dikenal."))
    # Every showing of the page is a read, written down before it is answered.
    address = client_address(request)
    report_access_record(actor=actor, report=report, kind=AccessKind.CASE, address=address)
    context = _case_context(request, actor, report, suggestion, bound, card)
    context["action_error"] = error
    return render(request, "backoffice/cases/case.html", context, status=status)


def _prefill(report: Report, triage: TriageSuggestion | None) -> dict[str, str]:
    """The completing form's initial values from the suggestions (nothing is set
    until the admin submits it); a place as the form's place search names it."""
    prefill = triage.completion(report) if triage is not None else {}
    if "region" in prefill:
        try:
            prefill["region"] = place_find(prefill["region"]).choice
        except InvalidInput:  # a region that left the reference data since
            del prefill["region"]
    return prefill


def _triage(
    request: HttpRequest,
    actor: Actor,
    report: Report,
    routing: Suggestion | EllipsisType | None = ...,
) -> TriageSuggestion | None:
    """The learned suggestions for whoever verifies the report; what is shown is
    kept with the model that made it (once per model and suggestion)."""
    triage = triage_suggest(actor=actor, report=report, routing=routing)
    if triage is not None and request.method != "POST":
        triage_suggestion_record(report=report, suggestion=triage)
    return triage


def _suggestion(actor: Actor, report: Report) -> Suggestion | None:
    """The routing table's agency for the report, for whoever disposes it; not
    one that bounced it."""
    if actor.role != "national_admin":
        return None
    return report_routing_suggest(report=report)


def _case_context(
    request: HttpRequest,
    actor: Actor,
    report: Report,
    suggestion: Suggestion | None,
    bound: dict[str, Form],
    card: ReporterCard | None,
) -> dict[str, Any]:
    attachments = reports.report_attachments(actor=actor, report=report)
    by_event: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        by_event.setdefault(attachment.event_id, []).append(attachment)
    events = reports.report_timeline(actor=actor, report=report).select_related(
        "actor_agency", "actor", "agency", "unit"
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
    # The routing table's suggestion is on the page already: not looked up twice.
    triage = _triage(request, actor, report, suggestion)
    forms = {
        name: bound.get(name) or _form(name, request, report, suggested, bound=False, triage=triage)
        for name in _FORMS
        if _PERFORMS[name] in allowed
    }
    # Re-disposing needs somewhere to go.
    if Action.REDISPOSE in forms and not backoffice.sub_agency_options(agency_id=report.agency_id):
        del forms[Action.REDISPOSE]
    days_left = reports.report_working_days_left(report=report)
    national = actor.role == "national_admin"
    return {
        "report": report,
        "number": tracking_number_display(report.tracking_number),
        "back": home_list(actor),
        "days_left": days_left,
        "days_late": -days_left if days_left is not None and days_left < 0 else 0,
        "timeline": timeline,
        "report_files": by_event.get(None, []),
        "identity_access": access,
        "reporter": card or reporter_card(reporter=report.reporter, access=access),
        "revealed": card is not None,
        "routing": national,
        "suggestion": suggestion,
        "triage": triage,
        "duplicates": _duplicates(actor, report) if national else [],
        "answer_drafts": _answer_drafts(actor, report, forms),
        "forms": forms,
        "agency_picker": _agency_picker(request, suggested) if Action.DISPOSE in forms else "",
        "outbox": messages_of_report(
            report_id=report.pk, show_channel=not report.is_anonymous or national
        ),
        "access_log": (
            report_access_list(actor=actor, report=report, page=request.GET.get("akses"))
            if can_read_access_log(actor, report)
            else None
        ),
    }


def _duplicates(actor: Actor, report: Report) -> list[Candidate]:
    """Reports that may be the same case, for the national admin to merge or set
    aside; none for an archived report (nothing left to merge)."""
    if report.state == State.ARCHIVED:
        return []
    return duplicate_candidates(actor=actor, report=report)


def _not_duplicate(actor: Actor, report: Report, other: str) -> None:
    """'Bukan duplikat': kept as a labelled pair with the score the finder gave."""
    score = duplicate_score_of(actor=actor, report=report, number=other)
    services.report_not_duplicate(actor=actor, report=report, other=other, score=score)


def _answer_drafts(actor: Actor, report: Report, forms: dict[str, Form]) -> list[Draft]:
    """Earlier answers of the actor's agency to similar closed reports, for the
    follow-up forms on the page (none when neither is)."""
    if Action.FOLLOW_UP not in forms and Action.ANSWER not in forms:
        return []
    return answer_drafts(actor=actor, report=report)


def _agency_picker(request: HttpRequest, suggested: int | None) -> str:
    """The select of "Pilih instansi lain": every agency, the chosen one selected."""
    picker = LongSelect(choices=backoffice.agency_options())
    chosen = _chosen_agency(request, suggested)
    return picker.render("instansi", chosen, {"id": "id_instansi"})


@require_POST
@staff_required
def remind(request: HttpRequest, number: str) -> HttpResponse:
    """A supervisor's (or national admin's) reminder from a list, also for a report
    it sees only by number and state; back to the list it came from."""
    actor = _actor(request)
    report, _view = _report_get(actor, number)
    try:
        services.report_remind(actor=actor, report=report)
    except AduanError as failure:
        messages.error(request, str(failure.message))
    else:
        messages.success(
            request,
            str(_("Instansi yang menangani laporan %(number)s sudah diingatkan."))
            % {"number": tracking_number_display(report.tracking_number)},
        )
    return redirect(safe_next_url(request) or reverse(home_list(actor)))


@require_GET
@staff_required
def suggestions(request: HttpRequest, number: str) -> HttpResponse:
    """The case page's suggestions as JSON, for whoever verifies the report: the
    learned categories and agencies, the routing table's agency, the place read from
    the text and the possible duplicates (a read of the case, logged as one)."""
    actor = _actor(request)
    report = _case_get(actor, number)
    triage = _triage(request, actor, report)
    if triage is None:
        raise Http404
    report_access_record(
        actor=actor, report=report, kind=AccessKind.CASE, address=client_address(request)
    )
    return JsonResponse(
        {
            "report": report.tracking_number,
            "category_model": triage.category_version,
            "agency_model": triage.agency_version,
            "categories": [_suggested(item) for item in triage.categories],
            "agencies": [_suggested(item) for item in triage.agencies],
            "routing": triage.routing.agency.code if triage.routing is not None else None,
            "place": (
                {"code": triage.place.code, "confidence": round(triage.place.confidence, 4)}
                if triage.place is not None
                else None
            ),
            "duplicates": [
                {"number": found.report.tracking_number, "score": round(found.score, 4)}
                for found in _duplicates(actor, report)
            ],
        }
    )


def _suggested(item: Suggested) -> dict[str, object]:
    return {"code": item.code, "name": item.name, "percent": item.percent, "words": item.words}


@require_GET
@staff_required
def places(request: HttpRequest) -> HttpResponse:
    """The place search of the verification form (national admins): regions whose
    name matches ``q``, as the choices of the field's datalist."""
    if _actor(request).role != "national_admin":
        raise Http404
    found = place_search(request.GET.get("q", ""))
    return JsonResponse(
        {"results": [{"value": place.choice, "label": place.label} for place in found]}
    )
