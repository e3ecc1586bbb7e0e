"""The citizen's part of the JSON API: send a report, follow one's own, and act on
it as its reporter (reply, supply information, confirm, re-open). Each endpoint
checks what was sent, calls a service or selector, and shows what the access policy
lets the caller see. Supporting a public report is the community's
(aduan/community/api.py)."""

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from ninja import Path, Query, Router, Schema

from aduan.accounts.api import OptionalTokenAuth, token_auth, user_of
from aduan.accounts.models import User
from aduan.core.idempotency import IDEMPOTENT, idempotent
from aduan.lib.errors import NotFound
from aduan.lib.memo import reference_memo
from aduan.lib.pagination import Page, PageQuery, paginate
from aduan.lib.problems import problem_responses
from aduan.lib.ratelimit import limited
from aduan.regions.selectors import region_nearest
from aduan.reporters.models import Reporter
from aduan.reporters.selectors import reporter_card
from aduan.reporters.services import reporter_for_user
from aduan.reports import selectors, services
from aduan.reports.api_bodies import parse_body, request_body
from aduan.reports.models import Action, Channel, Report, State
from aduan.reports.policy import (
    PUBLIC,
    Actor,
    View,
    event_reason,
    event_text,
    identity_access,
)
from aduan.reports.schemas import (
    AgencyBrief,
    AttachmentOut,
    ConfirmIn,
    ContactOut,
    EventOut,
    ReopenIn,
    ReportBrief,
    ReporterOut,
    ReportIn,
    ReportLimited,
    ReportOut,
    StateName,
    TextIn,
    TypeName,
)

router = Router(tags=["reports"])
# Public reports whose rendering each process keeps (a few KiB each).
PUBLIC_RENDERINGS_KEPT = 5000

Number = Annotated[str, Path(max_length=30, description="The tracking number.")]


# -- who is asking -------------------------------------------------------------------


def actor_of(request: HttpRequest) -> Actor:
    """The caller as the access policy knows them: a signed-in user, or the public."""
    user = user_of(request)
    return Actor.for_user(user) if user is not None else PUBLIC


def _reporter_actor(request: HttpRequest) -> tuple[Actor, User, Reporter]:
    """The caller as a reporter, with the reporter profile made on first use."""
    user = user_of(request)
    assert user is not None  # the endpoint requires a token
    reporter = reporter_for_user(user=user)
    return replace(Actor.for_user(user), reporter_id=reporter.pk), user, reporter


def caller_of(user: User) -> str:
    """Who a request's Idempotency-Key belongs to."""
    return f"user:{user.pk}"


# -- what is shown -------------------------------------------------------------------


def _brief(report: Report) -> dict[str, Any]:
    return {
        "tracking_number": report.tracking_number,
        "type": report.type,
        "title": report.title,
        "state": report.state,
        # The choice's own label: get_state_display() rebuilds (and translates) every
        # label of the field on each call.
        "state_label": str(State(report.state).label),
        "category": report.category.code if report.category is not None else None,
        "region": report.region_id,
        "anonymous": report.is_anonymous,
        "confidential": report.is_confidential,
        "submitted_at": report.submitted_at,
        "deadline_at": report.deadline_at,
    }


def _reporter(actor: Actor, report: Report) -> ReporterOut | None:
    if identity_access(actor, report) != "contacts":
        return None
    card = reporter_card(reporter=report.reporter, access="contacts")
    if card is None:
        return None
    return ReporterOut(
        name=card.name,
        contacts=[ContactOut(kind=kind, value=value) for kind, value in card.contacts],
    )


def report_out(
    actor: Actor, report: Report, view: View, *, has_files: bool = True
) -> dict[str, Any]:
    """The report as the policy lets ``actor`` see it, ready for JSON (``has_files``
    False: the caller knows it has no attachments, which are then not looked for)."""
    if view == View.LIMITED:
        limited_view = ReportLimited(
            tracking_number=report.tracking_number,
            state=report.state,  # type: ignore[arg-type]
            deadline_at=report.deadline_at,
        )
        return limited_view.model_dump(mode="json")
    events = [
        EventOut(
            action=event.action,
            label=str(Action(event.action).label),
            from_state=event.from_state,  # type: ignore[arg-type]
            to_state=event.to_state,  # type: ignore[arg-type]
            text=event_text(actor, report, event),
            reason=event_reason(actor, report, event),
            created_at=event.created_at,
        )
        for event in selectors.report_timeline(actor=actor, report=report)
    ]
    agency = report.agency
    out = ReportOut(
        **_brief(report),
        body=report.body,
        channel=report.channel,
        address=report.address,
        latitude=report.latitude,
        longitude=report.longitude,
        incident_date=report.incident_date,
        agency=AgencyBrief(id=agency.pk, code=agency.code, name=agency.name) if agency else None,
        deadline_kind=report.deadline_kind,
        support_count=report.support_count,
        rating=report.rating,
        closed_at=report.closed_at,
        timeline=events,
        attachments=[
            AttachmentOut(
                id=a.pk, content_type=a.content_type, size=a.size, created_at=a.created_at
            )
            for a in (selectors.report_attachments(actor=actor, report=report) if has_files else [])
        ],
        reporter=_reporter(actor, report),
        actions=sorted(selectors.report_reporter_actions(actor=actor, report=report)),
    )
    return out.model_dump(mode="json")


def _fresh(actor: Actor, number: str) -> dict[str, Any]:
    report, view = selectors.report_get(actor=actor, tracking_number=number)
    return report_out(actor, report, view)


class ReportStatus(Schema):
    """A report that is not public, as anyone holding its number may follow it:
    its status and dates, nothing of its content (no title, text, place, files or
    reporter). The category (``service_code``) is left out of a confidential one,
    being part of what it is about."""

    view: Literal["status"] = "status"
    tracking_number: str
    type: TypeName
    channel: str
    state: StateName
    state_label: str
    service_code: str | None
    confidential: bool
    submitted_at: datetime
    dispositioned_at: datetime | None
    first_follow_up_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    deadline_at: datetime | None


def status_out(report: Report, *, agency_shown: bool) -> dict[str, Any]:
    out = ReportStatus(
        tracking_number=report.tracking_number,
        type=report.type,  # type: ignore[arg-type]
        channel=report.channel,
        state=report.state,  # type: ignore[arg-type]
        state_label=str(State(report.state).label),
        service_code=(
            report.category.code if report.category is not None and agency_shown else None
        ),
        confidential=report.is_confidential,
        submitted_at=report.submitted_at,
        dispositioned_at=report.dispositioned_at,
        first_follow_up_at=report.first_follow_up_at,
        answered_at=report.answered_at,
        closed_at=report.closed_at,
        deadline_at=report.deadline_at,
    )
    return out.model_dump(mode="json")


@limited("lookup", every_method=True)
def _status_body(request: HttpRequest, actor: Actor, number: str) -> dict[str, Any]:
    """A number the caller may not read: its status when it exists (NotFound when
    not, as before). Counted against the lookup rate limit, misses too: numbers are
    not for guessing."""
    followed = selectors.report_follow(actor=actor, tracking_number=number)
    if followed.view != View.NONE:  # readable after all (it changed meanwhile)
        return report_out(actor, followed.report, followed.view)
    return status_out(followed.report, agency_shown=followed.access.agency)


# -- endpoints -----------------------------------------------------------------------


@router.post(
    "",
    response={201: ReportOut},
    auth=token_auth,
    summary="Send a report",
    url_name="reports",
    openapi_extra={
        **request_body(ReportIn, files=True),
        **problem_responses(403, 409, 429),
        **IDEMPOTENT,
    },
)
@limited("report")
def report_create(request: HttpRequest) -> JsonResponse:
    actor, user, reporter = _reporter_actor(request)
    data, files = parse_body(request, ReportIn, files=True)

    def run() -> tuple[int, Any]:
        # Without a region, the village nearest to the point (if any is near).
        nearest = (
            None
            if data.region
            else region_nearest(latitude=data.latitude, longitude=data.longitude)
        )
        report = services.report_create(
            actor=actor,
            reporter=reporter,
            type=data.type,
            title=data.title,
            body=data.body,
            channel=Channel.API,
            category=data.category,
            location=services.Location(
                region=data.region or (nearest.code if nearest else None),
                latitude=data.latitude,
                longitude=data.longitude,
                address=data.address,
            ),
            incident_date=data.incident_date,
            agency_hint=data.agency,
            anonymous=data.anonymous,
            confidential=data.confidential,
            files=files,
        )
        # The report as written, not read back: it is the caller's own, seen whole.
        return 201, report_out(actor, report, View.FULL, has_files=bool(files))

    return idempotent(request, caller=caller_of(user), run=run)


@router.get("/mine", response=Page[ReportBrief], auth=token_auth, summary="My reports")
def report_list_mine(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The caller's own reports, the latest first."""
    actor = actor_of(request)
    reports = selectors.report_list_for_reporter(actor=actor)
    result = paginate(reports, page, key="id", descending=True)
    return {
        "count": result.count,
        "next_cursor": result.next_cursor,
        "items": [_brief(report) for report in result.items],
    }


@router.get(
    "/{tracking_number}",
    response=ReportOut | ReportLimited | ReportStatus,
    auth=OptionalTokenAuth(),
    summary="One report, as far as the caller may see it",
    description=(
        "A report the caller may not read (not yet verified, confidential, archived) "
        "answers its status only, so that an app can follow what it filed; an unknown "
        "number answers 404. Those answers count against a rate limit."
    ),
    url_name="report",
    # The token is optional: ``{}`` is the OpenAPI way to say "or none at all".
    openapi_extra={"security": [{}], **problem_responses(429)},
)
def report_detail(request: HttpRequest, tracking_number: Number) -> HttpResponse:
    actor = actor_of(request)
    try:
        if actor is PUBLIC:
            return HttpResponse(_public_body(tracking_number), content_type="application/json")
        body = _fresh(actor, tracking_number)
    except NotFound:
        body = _status_body(request, actor, tracking_number)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _public_body(number: str) -> bytes:
    """A public report as the public reads it — the most frequent call of all (apps
    following reports, shared links) — rendered once per change and kept by each
    process. The key holds what changes the answer (the version, bumped by every
    step of the lifecycle; the support count; the time of the last change; the
    language), so a changed report is never answered from an old rendering;
    reference data (an agency's name) may lag by ``REFERENCE_TTL`` seconds."""
    found = selectors.report_public_stamp(tracking_number=number)
    return _public_rendering(found.tracking_number, found.stamp, get_language() or "")


@reference_memo(maxsize=PUBLIC_RENDERINGS_KEPT)
def _public_rendering(number: str, stamp: str, language: str) -> bytes:
    # ``stamp`` and ``language`` are part of the key: the rendering is the current
    # one, in the active language.
    return json.dumps(_fresh(PUBLIC, number), ensure_ascii=False).encode()


# What acting on a report may also answer: not its reporter (403), not in a state
# that allows it, or the same Idempotency-Key still running (409).
_ACTED_ON = {**problem_responses(403, 409), **IDEMPOTENT}


def _act(
    request: HttpRequest, number: str, action: Callable[[Actor, Report], object]
) -> JsonResponse:
    """Does ``action`` as the report's reporter, at most once per Idempotency-Key;
    answers with the report as it is now."""
    actor, user, _reporter = _reporter_actor(request)

    def run() -> tuple[int, Any]:
        report, _view = selectors.report_get(actor=actor, tracking_number=number)
        action(actor, report)
        return 200, _fresh(actor, number)

    return idempotent(request, caller=caller_of(user), run=run)


@router.post(
    "/{tracking_number}/reply",
    response=ReportOut,
    auth=token_auth,
    summary="Reply to the agency",
    openapi_extra={**request_body(TextIn), **_ACTED_ON},
)
def report_reply(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, _files = parse_body(request, TextIn)
    return _act(
        request,
        tracking_number,
        lambda actor, report: services.report_reply(
            actor=actor, report=report, text=data.text, channel=Channel.API
        ),
    )


@router.post(
    "/{tracking_number}/supply-info",
    response=ReportOut,
    auth=token_auth,
    summary="Send the information that was asked for",
    openapi_extra={**request_body(TextIn, files=True), **_ACTED_ON},
)
def report_supply_info(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, files = parse_body(request, TextIn, files=True)
    return _act(
        request,
        tracking_number,
        lambda actor, report: services.report_supply_info(
            actor=actor, report=report, text=data.text, files=files, channel=Channel.API
        ),
    )


@router.post(
    "/{tracking_number}/confirm",
    response=ReportOut,
    auth=token_auth,
    summary="Satisfied: close with a rating",
    openapi_extra={**request_body(ConfirmIn), **_ACTED_ON},
)
def report_confirm(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, _files = parse_body(request, ConfirmIn)
    return _act(
        request,
        tracking_number,
        lambda actor, report: services.report_confirm(
            actor=actor,
            report=report,
            rating=data.rating,
            comment=data.comment,
            channel=Channel.API,
        ),
    )


@router.post(
    "/{tracking_number}/reopen",
    response=ReportOut,
    auth=token_auth,
    summary="Not satisfied: re-open",
    openapi_extra={**request_body(ReopenIn), **_ACTED_ON},
)
def report_reopen(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, _files = parse_body(request, ReopenIn)
    return _act(
        request,
        tracking_number,
        lambda actor, report: services.report_reopen(
            actor=actor, report=report, reason=data.reason, channel=Channel.API
        ),
    )
