"""The agency integration API: what an agency's own complaint system uses to stay in
sync (DESIGN.md §10). It calls with one of the agency's API keys
(``Authorization: Bearer adk_…``) and acts as the agency's ``integration`` actor:
it reads the agency's inbox and cases, posts follow-ups and the final answer,
bounces, assigns to units, and manages the agency's webhooks. A report of another
agency does not exist for it (404), public or not."""

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status
from ninja.security import HttpBearer

from aduan.agencies.models import Unit
from aduan.agencies.selectors import units_of_agency
from aduan.backoffice import selectors as backoffice
from aduan.core.idempotency import IDEMPOTENT, idempotent
from aduan.integrations import webhooks
from aduan.integrations.models import ApiKey, Delivery, Scope, Webhook
from aduan.integrations.schemas import (
    AgencyUnitOut,
    AssignIn,
    BounceIn,
    CaseBrief,
    CaseOut,
    DeliveryOut,
    FollowUpIn,
    InboxQuery,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)
from aduan.integrations.services import api_key_actor, api_key_allows, api_key_authenticate
from aduan.lib.clientaddress import client_address
from aduan.lib.errors import NotFound, NotPermitted
from aduan.lib.pagination import Page, PageQuery, paginate
from aduan.lib.problems import problem_responses
from aduan.lib.ratelimit import limited
from aduan.reporters.selectors import reporter_card
from aduan.reports import access, selectors, services
from aduan.reports.api import Number, report_out
from aduan.reports.api_bodies import parse_body, request_body
from aduan.reports.models import AccessKind, Action, Channel, Report
from aduan.reports.policy import Actor, View, identity_access, in_scope

router = Router(tags=["agency"])

Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
# What an agency's system may do to a report through this API.
_API_ACTIONS = frozenset({Action.FOLLOW_UP, Action.ANSWER, Action.BOUNCE, Action.ASSIGN})
# Every call may lack its key's scope (403) or come too often (429); an action may
# also meet a report that moved on (409).
_READ = problem_responses(403, 429)
_WRITE = problem_responses(403, 409, 429)
# Those that honour an Idempotency-Key.
_ACT = {**_WRITE, **IDEMPOTENT}


# -- who is asking -------------------------------------------------------------------


class AgencyKeyAuth(HttpBearer):
    """``Authorization: Bearer adk_…``: one of an agency's working API keys. The key
    is kept on the request, so rate limits count per key."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_authenticate(token.strip())
        if key is not None:
            request.api_key = key  # type: ignore[attr-defined]
        return key


agency_key = AgencyKeyAuth()


def _key(request: HttpRequest) -> ApiKey:
    key = request.auth  # type: ignore[attr-defined]
    assert isinstance(key, ApiKey)
    return key


def _actor(request: HttpRequest, scope: str) -> Actor:
    """The agency's integration, if the key was given ``scope``."""
    key = _key(request)
    if not api_key_allows(key, scope):
        raise NotPermitted(
            _("Kunci API ini tidak diberi izin %(scope)s.") % {"scope": scope},
            code="scope_missing",
        )
    return api_key_actor(key)


def _caller(request: HttpRequest) -> str:
    return f"agency-key:{_key(request).pk}"


# -- reports -------------------------------------------------------------------------


def _case(actor: Actor, number: str) -> Report:
    """A report the agency works on; any other does not exist for it."""
    report, _view = selectors.report_get(actor=actor, tracking_number=number)
    if not in_scope(actor, report):
        raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
    return report


def _unit(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "agency": unit.agency_id}


def case_out(actor: Actor, report: Report) -> dict[str, Any]:
    """The case as the agency's system sees it, ready for JSON."""
    card = reporter_card(reporter=report.reporter, access=identity_access(actor, report))
    actions = backoffice.report_staff_actions(actor=actor, report=report) & _API_ACTIONS
    return {
        **report_out(actor, report, View.FULL),
        "unit": _unit(report.unit),
        "reporter_name": card.name if card is not None else None,
        "version": report.version,
        "updated_at": report.updated_at.isoformat(),
        "actions": sorted(actions),
    }


def _brief(report: Report) -> dict[str, Any]:
    return {
        "tracking_number": report.tracking_number,
        "type": report.type,
        "title": report.title,
        "state": report.state,
        "category": report.category.code if report.category is not None else None,
        "region": report.region_id,
        "channel": report.channel,
        "anonymous": report.is_anonymous,
        "confidential": report.is_confidential,
        "agency": report.agency_id,
        "unit": report.unit_id,
        "submitted_at": report.submitted_at,
        "updated_at": report.updated_at,
        "deadline_kind": report.deadline_kind,
        "deadline_at": report.deadline_at,
    }


@router.get(
    "/units",
    response=list[AgencyUnitOut],
    auth=agency_key,
    summary="The agency's units (and its sub-agencies')",
    openapi_extra=_READ,
)
@limited("agency", every_method=True)
def unit_list(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _actor(request, Scope.REPORTS_READ)
    assert actor.agency_id is not None
    units = units_of_agency(agency_id=actor.agency_id)
    return [_unit(unit) for unit in units]  # type: ignore[misc]


@router.get(
    "/reports",
    response=Page[CaseBrief],
    auth=agency_key,
    summary="The agency's inbox",
    description=(
        "Reports dispositioned to the agency or its sub-agencies and not closed yet, "
        "in the order they arrived; follow `next_cursor` for the next page. "
        "`updated_since` returns what changed since the last sync."
    ),
    openapi_extra=_READ,
)
@limited("agency", every_method=True)
def inbox(
    request: HttpRequest, filters: Query[InboxQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    actor = _actor(request, Scope.REPORTS_READ)
    reports = backoffice.report_list_inbox(
        actor=actor,
        filters=backoffice.CaseFilters(
            state=filters.state or "",
            unit=filters.unit,
            type=filters.type or "",
            category=filters.category or "",
            region=filters.region or "",
            channel=filters.channel or "",
            overdue=filters.overdue,
            submitted_from=filters.submitted_from,
            submitted_to=filters.submitted_to,
            q=filters.q,
        ),
    )
    if filters.updated_since is not None:
        reports = reports.filter(updated_at__gte=filters.updated_since)
    result = paginate(reports, page, key="id")
    # One row per report returned, in one statement (DESIGN.md §5: every read).
    access.report_access_record_many(
        actor=actor,
        reports=result.items,
        kind=AccessKind.API_LIST,
        address=client_address(request),
        api_key_id=_key(request).pk,
    )
    return {
        "count": result.count,
        "next_cursor": result.next_cursor,
        "items": [_brief(report) for report in result.items],
    }


@router.get(
    "/reports/{tracking_number}",
    response=CaseOut,
    auth=agency_key,
    summary="One case, whole",
    description=(
        "The report with its whole timeline, internal notes included, and the reporter's "
        "name — never their contacts, and nothing of who reported an anonymous report."
    ),
    openapi_extra=_READ,
)
@limited("agency", every_method=True)
def case_detail(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    actor = _actor(request, Scope.REPORTS_READ)
    report = _case(actor, tracking_number)
    access.report_access_record(
        actor=actor,
        report=report,
        kind=AccessKind.API,
        address=client_address(request),
        api_key_id=_key(request).pk,
    )
    return JsonResponse(case_out(actor, report), json_dumps_params={"ensure_ascii": False})


def _act(request: HttpRequest, number: str, action: Any) -> JsonResponse:
    """Does ``action(actor, report)`` as the agency's integration, at most once per
    Idempotency-Key; answers with the case as it is now."""
    actor = _actor(request, Scope.REPORTS_WRITE)

    def run() -> tuple[int, Any]:
        report = _case(actor, number)
        action(actor, report)
        return 200, case_out(actor, _case(actor, number))

    return idempotent(request, caller=_caller(request), run=run)


@router.post(
    "/reports/{tracking_number}/follow-up",
    response=CaseOut,
    auth=agency_key,
    summary="Post a follow-up to the reporter",
    openapi_extra={**request_body(FollowUpIn, files=True), **_ACT},
)
@limited("agency", every_method=True)
def case_follow_up(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, files = parse_body(request, FollowUpIn, files=True)
    return _act(
        request,
        tracking_number,
        lambda actor, report: services.report_follow_up(
            actor=actor, report=report, text=data.text, files=files, channel=Channel.API
        ),
    )


@router.post(
    "/reports/{tracking_number}/answer",
    response=CaseOut,
    auth=agency_key,
    summary="Post the final follow-up",
    description="The reporter then has working days to confirm or re-open it.",
    openapi_extra={**request_body(FollowUpIn, files=True), **_ACT},
)
@limited("agency", every_method=True)
def case_answer(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, files = parse_body(request, FollowUpIn, files=True)
    return _act(
        request,
        tracking_number,
        lambda actor, report: services.report_answer(
            actor=actor, report=report, text=data.text, files=files, channel=Channel.API
        ),
    )


@router.post(
    "/reports/{tracking_number}/assign",
    response=CaseOut,
    auth=agency_key,
    summary="Assign to one of the agency's units",
    openapi_extra={**request_body(AssignIn), **_ACT},
)
@limited("agency", every_method=True)
def case_assign(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, _files = parse_body(request, AssignIn)
    return _act(
        request,
        tracking_number,
        lambda actor, report: services.report_assign(
            actor=actor, report=report, unit_id=data.unit, channel=Channel.API
        ),
    )


@router.post(
    "/reports/{tracking_number}/bounce",
    response=CaseBrief,
    auth=agency_key,
    summary="Not the agency's authority (bukan wewenang)",
    description=(
        "The report goes back to the national admin with the reason, to be disposed "
        "again; it leaves the agency's inbox, so the answer is its last brief."
    ),
    openapi_extra={**request_body(BounceIn), **_ACT},
)
@limited("agency", every_method=True)
def case_bounce(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    data, _files = parse_body(request, BounceIn)
    actor = _actor(request, Scope.REPORTS_WRITE)

    def run() -> tuple[int, Any]:
        report = _case(actor, tracking_number)
        services.report_bounce(actor=actor, report=report, reason=data.reason, channel=Channel.API)
        return 200, CaseBrief.model_validate(_brief(report)).model_dump(mode="json")

    return idempotent(request, caller=_caller(request), run=run)


# -- webhooks ------------------------------------------------------------------------


def _webhook(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.pk,
        "url": webhook.url,
        "events": webhook.events,
        "active": webhook.is_active,
        "created_at": webhook.created_at,
    }


def _delivery(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "message_id": delivery.message_id,
        "event": delivery.event,
        "tracking_number": delivery.report.tracking_number if delivery.report else None,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "replay_of": delivery.replay_of_id,
        "payload": delivery.payload,
    }


@router.get(
    "/webhooks",
    response=list[WebhookOut],
    auth=agency_key,
    summary="The webhooks",
    openapi_extra=_READ,
)
@limited("agency", every_method=True)
def webhook_list(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _actor(request, Scope.WEBHOOKS)
    return [_webhook(webhook) for webhook in webhooks.webhooks_of(actor=actor)]


@router.post(
    "/webhooks",
    response={201: WebhookCreated},
    auth=agency_key,
    summary="Register a webhook",
    description=(
        "Deliveries are signed as Standard Webhooks: `webhook-id`, `webhook-timestamp` and "
        "`webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with the "
        "secret, which is shown in this answer only)."
    ),
    openapi_extra={**request_body(WebhookIn), **_ACT},
)
@limited("agency", every_method=True)
def webhook_create(request: HttpRequest) -> JsonResponse:
    data, _files = parse_body(request, WebhookIn)
    actor = _actor(request, Scope.WEBHOOKS)

    def run() -> tuple[int, Any]:
        made = webhooks.webhook_create(actor=actor, url=data.url, events=data.events)
        out = WebhookCreated.model_validate({**_webhook(made.webhook), "secret": made.secret})
        return 201, out.model_dump(mode="json")

    return idempotent(request, caller=_caller(request), run=run)


@router.get(
    "/webhooks/{webhook_id}",
    response=WebhookOut,
    auth=agency_key,
    summary="One webhook",
    openapi_extra=_READ,
)
@limited("agency", every_method=True)
def webhook_detail(request: HttpRequest, webhook_id: Id) -> dict[str, Any]:
    actor = _actor(request, Scope.WEBHOOKS)
    return _webhook(webhooks.webhook_get(actor=actor, webhook_id=webhook_id))


@router.patch(
    "/webhooks/{webhook_id}",
    response=WebhookOut,
    auth=agency_key,
    summary="Change a webhook, or turn it off and on",
    openapi_extra={**request_body(WebhookPatch), **_READ},
)
@limited("agency", every_method=True)
def webhook_update(request: HttpRequest, webhook_id: Id) -> dict[str, Any]:
    data, _files = parse_body(request, WebhookPatch)
    actor = _actor(request, Scope.WEBHOOKS)
    webhook = webhooks.webhook_update(
        actor=actor, webhook_id=webhook_id, url=data.url, events=data.events, active=data.active
    )
    return _webhook(webhook)


@router.post(
    "/webhooks/{webhook_id}/secret",
    response=WebhookCreated,
    auth=agency_key,
    summary="Replace the signing secret",
    openapi_extra=_WRITE,
)
@limited("agency", every_method=True)
def webhook_rotate_secret(request: HttpRequest, webhook_id: Id) -> dict[str, Any]:
    actor = _actor(request, Scope.WEBHOOKS)
    made = webhooks.webhook_rotate_secret(actor=actor, webhook_id=webhook_id)
    return {**_webhook(made.webhook), "secret": made.secret}


@router.delete(
    "/webhooks/{webhook_id}",
    response={204: None},
    auth=agency_key,
    summary="Remove a webhook",
    openapi_extra=_WRITE,
)
@limited("agency", every_method=True)
def webhook_delete(request: HttpRequest, webhook_id: Id) -> HttpResponse:
    actor = _actor(request, Scope.WEBHOOKS)
    webhooks.webhook_delete(actor=actor, webhook_id=webhook_id)
    return HttpResponse(status=204)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response=Page[DeliveryOut],
    auth=agency_key,
    summary="The delivery log, the latest first",
    openapi_extra=_READ,
)
@limited("agency", every_method=True)
def delivery_list(request: HttpRequest, webhook_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    actor = _actor(request, Scope.WEBHOOKS)
    deliveries: QuerySet[Delivery] = webhooks.webhook_deliveries(actor=actor, webhook_id=webhook_id)
    result = paginate(deliveries, page, key="id", descending=True)
    return {
        "count": result.count,
        "next_cursor": result.next_cursor,
        "items": [_delivery(delivery) for delivery in result.items],
    }


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
    response={202: DeliveryOut},
    auth=agency_key,
    summary="Send a delivery again",
    description="A new delivery of the same event, with its own `webhook-id`, queued last.",
    openapi_extra=_WRITE,
)
@limited("agency", every_method=True)
def delivery_replay(
    request: HttpRequest, webhook_id: Id, delivery_id: Id
) -> Status[dict[str, Any]]:
    actor = _actor(request, Scope.WEBHOOKS)
    replay = webhooks.delivery_replay(actor=actor, webhook_id=webhook_id, delivery_id=delivery_id)
    return Status(202, _delivery(replay))
