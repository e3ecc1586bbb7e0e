"""The citizen's reporting pages: submit a report, follow it by number, its page with
the reporter's actions, and "my reports". Each view checks what was sent, calls the
reports services and selectors, and renders; the rules live in those packages."""

from dataclasses import replace
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aduan.accounts import selectors as accounts
from aduan.accounts import services as drafts
from aduan.accounts.models import OneTimeCode, ReportDraft, User
from aduan.intake.selectors import ChannelInfo, channels_enabled
from aduan.lib.clientaddress import client_address
from aduan.lib.contacts import identity_masked
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
from aduan.reports.search import category_ids
from aduan.reports.tracking import tracking_number_display
from aduan.triage.duplicates import Candidate, similar_open_reports
from aduan.triage.selectors import category_suggest_for_draft
from aduan.web.accounts.forms import CodeForm
from aduan.web.feed.context import community_context
from aduan.web.reporting.forms import (
    CategorySuggestForm,
    ConfirmForm,
    DetailsForm,
    PlaceForm,
    ReopenForm,
    ReplyForm,
    ReportContactForm,
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


@limited("lookup", every_method=True)
def _count_lookup(request: HttpRequest) -> None:
    """Counts a lookup that is not a plain read of a public report or of one's own:
    an unknown or mistyped number, a status-only answer, a per-report link. Over
    the limit it raises Ratelimited (the 429 page): numbers are not for guessing."""


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    """Follow a report by its number: the check digit catches a typo before any
    lookup; any existing number leads to the report's page, which shows at least
    its status."""
    form = TrackForm(request.GET or None)
    if not form.is_valid():
        return _track_page(request, form)
    _count_lookup(request)
    try:
        followed = reports.report_follow(
            actor=_actor(request), tracking_number=form.cleaned_data["nomor"]
        )
    except InvalidInput as error:
        form.add_error("nomor", str(error.message))
        return _track_page(request, form)
    except NotFound as error:
        form.add_error("nomor", str(error.message))
        return _track_page(request, form, status=404)
    return redirect("web:report", number=followed.report.tracking_number)


# -- submit ---------------------------------------------------------------------------


def _citizens_only(request: HttpRequest) -> HttpResponse | None:
    """Staff report for a citizen at the counter, not through the citizen's form."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_authenticated and user.role != User.Role.CITIZEN:
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
        "signed_out": not request.user.is_authenticated,
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
    context = {
        "place": place,
        "show_errors": show_errors,
        "signed_out": not request.user.is_authenticated,
        "channels": _other_channels(),
        "login_url": _login_url(request.get_full_path()),
    }
    return render(request, "web/reporting/submit_place.html", context, status=status)


def _login_url(back_to: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back_to})}"


def _other_channels() -> list[ChannelInfo]:
    """The doors other than this form, as the home page's "Cara melapor" lists them."""
    return [channel for channel in channels_enabled() if channel.code not in ("web", "app")]


@limited("report")
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Two steps. The first (type, category, region) goes by GET, so a region level
    picked without JavaScript re-renders the form with the next level's options.
    The second lists similar public reports of the area above the details, so a
    citizen can support one instead of filing a duplicate; it is the only POST.
    Signed out, the POST keeps the report as a draft (files cleaned) and a third
    step confirms it with a code (submit_confirm); nothing is filed before."""
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
    if not request.user.is_authenticated:
        return _draft_save(request, place, details)
    if _similar_open(place.cleaned_data, details.cleaned_data, region=place.region):
        # Probably reported already: the next step shows those reports before
        # anything is filed (the draft keeps the files); sending stays one button.
        return _draft_save(request, place, details)
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


@require_POST
@limited("suggest")
def submit_suggest(request: HttpRequest) -> JsonResponse:
    """The categories the report's text so far suggests, for the form's script
    (progressive enhancement: without it the citizen's own choice stands). It reads
    only the text sent — by POST, so it stays out of address logs — and answers
    category names, never a report."""
    form = CategorySuggestForm(request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"error": str(_("Teks terlalu panjang.")), "suggestions": []}, status=400
        )
    found = category_suggest_for_draft(
        title=form.cleaned_data["title"], body=form.cleaned_data["body"]
    )
    suggestions = [
        {"category": item.code, "name": item.name, "group": item.group, "percent": item.percent}
        for item in found
    ]
    return JsonResponse({"suggestions": suggestions})


def _similar_open(where: dict[str, Any], what: dict[str, Any], *, region: str) -> list[Candidate]:
    """Public reports still being handled that are probably the same case as the one
    written (aduan/triage/duplicates.py): the citizen may support one instead."""
    ids = category_ids(where.get("category") or "")
    return similar_open_reports(
        title=what.get("title") or "",
        body=what.get("body") or "",
        region_id=region or None,
        category_id=ids[0] if ids else None,
        latitude=what.get("latitude"),
        longitude=what.get("longitude"),
    )


# -- submit while signed out: a draft, a code, the account on the way -------------------

# The browser's draft and the code that confirms it, kept in its session.
DRAFT_KEY = "aduan.report-draft"
DRAFT_CODE_KEY = "aduan.report-code"


def _draft_save(request: HttpRequest, place: PlaceForm, details: DetailsForm) -> HttpResponse:
    where, what = place.cleaned_data, details.cleaned_data
    written = drafts.ReportWritten(
        type=where["type"],
        title=what["title"],
        body=what["body"],
        category=where["category"],
        region=place.region,
        address=what["address"],
        latitude=what["latitude"],
        longitude=what["longitude"],
        incident_date=what["incident_date"],
        agency_hint=what["agency"],
        anonymous=what["anonymous"],
        confidential=what["confidential"],
        place={name: str(place.data.get(name, "")) for name in place.fields},
    )
    try:
        draft = drafts.report_draft_save(
            written=written,
            files=what["attachments"],
            replaces=request.session.get(DRAFT_KEY, ""),
        )
    except AduanError as error:
        _put_error(details, error, _DETAILS_FIELDS)
        return _details_page(request, place, details, status=error.status)
    request.session[DRAFT_KEY] = draft.token
    request.session.pop(DRAFT_CODE_KEY, None)
    return redirect("web:submit_confirm")


def _draft(request: HttpRequest) -> ReportDraft | None:
    return drafts.report_draft_get(token=request.session.get(DRAFT_KEY, ""))


def _draft_code(request: HttpRequest, draft: ReportDraft) -> OneTimeCode | None:
    """The code this browser asked for this draft, while it is the draft's."""
    row = accounts.code_pending(
        token=request.session.get(DRAFT_CODE_KEY, ""), purpose=OneTimeCode.Purpose.REPORT
    )
    return row if row is not None and draft.code_id == row.pk else None


def _no_draft(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        str(_("Tidak ada laporan yang menunggu konfirmasi. Silakan tulis laporan Anda.")),
    )
    return redirect("web:submit")


def _confirm_page(
    request: HttpRequest,
    draft: ReportDraft,
    *,
    contact: ReportContactForm | None = None,
    code: CodeForm | None = None,
    error: str = "",
    status: int | None = None,
) -> HttpResponse:
    """The draft as it was written, then: for a signed-in citizen a button to send
    it; for a visitor, the code step if a code was sent (and not being changed),
    else where to send one."""
    written = drafts.report_draft_written(draft=draft)
    row = None if request.user.is_authenticated else _draft_code(request, draft)
    if request.GET.get("ganti") and code is None:
        row = None
    context: dict[str, Any] = {
        "written": written,
        "type_label": ReportType(written.type).label,
        "file_names": drafts.report_draft_file_names(draft=draft),
        "place_query": urlencode({k: v for k, v in written.place.items() if v}),
        "signed_in": request.user.is_authenticated,
        "channels": _other_channels(),
        "expires_at": draft.expires_at,
        "error": error,
        "login_url": _login_url(request.path),
        "similar_open": _similar_open(
            {"category": written.category},
            {
                "title": written.title,
                "body": written.body,
                "latitude": written.latitude,
                "longitude": written.longitude,
            },
            region=written.region,
        ),
    }
    if row is not None:
        context.update(
            code_form=code or CodeForm(),
            sent_to=identity_masked(kind=row.kind, value=row.identity),
            code_expires_at=row.expires_at,
        )
    elif not request.user.is_authenticated:
        context["contact_form"] = contact or ReportContactForm()
    if status is None:
        bound = contact or code
        status = 400 if (bound is not None and bound.errors) or error else 200
    return render(request, "web/reporting/submit_confirm.html", context, status=status)


@limited("code")
@require_http_methods(["GET", "HEAD", "POST"])
def submit_confirm(request: HttpRequest) -> HttpResponse:
    """Step three of a report written while signed out: the phone number or address
    a code is sent to (each POST counts as a code request). Signed in by now (with
    a password instead), the citizen sends the draft with one button."""
    refused = _citizens_only(request)
    if refused is not None:
        return refused
    draft = _draft(request)
    if draft is None:
        return _no_draft(request)
    if request.method != "POST" or request.user.is_authenticated:
        return _confirm_page(request, draft)
    contact = ReportContactForm(request.POST)
    if not contact.is_valid():
        return _confirm_page(request, draft, contact=contact)
    try:
        row = drafts.report_code_request(
            draft_token=draft.token,
            name=contact.cleaned_data["name"],
            identity=contact.cleaned_data["identity"],
            language=get_language() or "id",
        )
    except AduanError as error:
        contact.add_service_error(error)
        return _confirm_page(request, draft, contact=contact, status=error.status)
    request.session[DRAFT_CODE_KEY] = row.token
    return redirect("web:submit_confirm")


@require_POST
@limited("login")  # guessing a code is guessing a password
def submit_code(request: HttpRequest) -> HttpResponse:
    """The code: the citizen is signed in (their account, or one made now) and the
    draft is filed in their name. A wrong or expired code keeps the draft."""
    refused = _citizens_only(request)
    if refused is not None:
        return refused
    draft = _draft(request)
    if draft is None:
        return _no_draft(request)
    if request.user.is_authenticated:
        return redirect("web:submit_confirm")
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _confirm_page(request, draft, code=form)
    try:
        user, created = drafts.report_code_confirm(
            draft_token=draft.token,
            token=request.session.get(DRAFT_CODE_KEY, ""),
            code=form.cleaned_data["code"],
        )
    except AduanError as error:
        form.add_service_error(error)
        return _confirm_page(request, draft, code=form, status=error.status)
    request.session.pop(DRAFT_CODE_KEY, None)
    auth_login(request, user, backend="aduan.accounts.backends.IdentityBackend")
    if created:
        messages.success(
            request,
            str(
                _(
                    "Akun Anda sudah dibuat. Untuk masuk lagi nanti, pilih kata sandi di "
                    "halaman Lupa kata sandi, dengan nomor HP atau surel yang sama."
                )
            ),
        )
    return _draft_file(request, user)


def _draft_file(request: HttpRequest, user: User) -> HttpResponse:
    token = request.session.get(DRAFT_KEY, "")
    try:
        report = drafts.report_draft_file(user=user, draft_token=token)
    except AduanError as error:
        draft = _draft(request)
        if draft is None:
            return _no_draft(request)
        # Signed in now: the draft waits on the page, to send again.
        return _confirm_page(request, draft, error=str(error.message), status=error.status)
    request.session.pop(DRAFT_KEY, None)
    return redirect("web:submitted", number=report.tracking_number)


@require_POST
@limited("code")
def submit_resend(request: HttpRequest) -> HttpResponse:
    """A new code for the draft's pending code (not more than once a minute)."""
    try:
        drafts.code_resend(
            token=request.session.get(DRAFT_CODE_KEY, ""), purpose=OneTimeCode.Purpose.REPORT
        )
    except AduanError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, str(_("Kode baru sudah dikirim. Kode yang lama tidak berlaku lagi."))
        )
    return redirect("web:submit_confirm")


@login_required
@require_POST
@limited("report")
def submit_draft(request: HttpRequest) -> HttpResponse:
    """A citizen who signed in with a password instead of a code sends the draft."""
    refused = _citizens_only(request)
    if refused is not None:
        return refused
    return _draft_file(request, request.user)  # type: ignore[arg-type]


@require_POST
def submit_discard(request: HttpRequest) -> HttpResponse:
    """The visitor throws the draft away (files and code with it)."""
    drafts.report_draft_discard(token=request.session.pop(DRAFT_KEY, ""))
    request.session.pop(DRAFT_CODE_KEY, None)
    messages.info(request, str(_("Laporan yang belum dikirim sudah dibuang.")))
    return redirect("web:submit")


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
    """A report followed by its number: its status for anyone holding the number,
    and what the access policy lets this visitor see of it beyond that — its
    reporter's view with the per-report link (``?k=``) of the receipts. For its
    signed-in reporter, the actions the report's state allows (each POST counts
    against the comment rate limit). The community panel (supports and comments)
    is the feed work's."""
    signed_in = _actor(request)
    key = request.GET.get("k", "")[:64]
    try:
        followed = reports.report_follow(actor=signed_in, tracking_number=number, key=key)
    except (InvalidInput, NotFound) as error:
        _count_lookup(request)
        return _not_found(request, number, error)
    if followed.view != View.FULL or key:
        _count_lookup(request)
    found, actor = followed.report, followed.actor
    if request.method != "POST" and number != found.tracking_number:
        return redirect(_report_url(found, key if followed.by_link else ""))
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
        followed = reports.report_follow(
            actor=signed_in, tracking_number=found.tracking_number, key=key
        )
        found, actor = followed.report, followed.actor
    allowed = reports.report_reporter_actions(actor=actor, report=found)
    # A staff member's read is written down before it is answered (not a citizen's).
    address = client_address(request)
    access.report_access_record(actor=actor, report=found, kind=AccessKind.PORTAL, address=address)
    context = _report_context(actor, followed, allowed, bound)
    context["action_error"] = action_error
    context["link_key"] = key if followed.by_link else ""
    context.update(community_context(request, signed_in, found))
    response = render(request, "web/reporting/report.html", context, status=status)
    if followed.by_link:
        # The link's key must not travel on to other sites nor stay in caches.
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "private, no-store"
    return response


def _report_url(report: Report, key: str) -> str:
    url = reverse("web:report", kwargs={"number": report.tracking_number})
    return f"{url}?{urlencode({'k': key})}" if key else url


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "web/reporting/403.html", status=403)


def _report_context(
    actor: Actor,
    followed: reports.Followed,
    allowed: frozenset[str],
    bound: dict[str, Form],
) -> dict[str, Any]:
    report = followed.report
    # Short of the full view (a supervisor's limited one, or none): the status only.
    limited_view = not followed.access.content
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
        "withheld": followed.access.withheld,
        "agency_shown": followed.access.agency,
        "by_link": followed.by_link,
        "dates": reports.report_status_dates(report=report),
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
    key = request.GET.get("k", "")[:64]
    if key:
        _count_lookup(request)
    try:
        found = reports.attachment_get(actor=actor, attachment_id=attachment_id, key=key)
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
