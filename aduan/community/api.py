"""The community's part of the JSON API: supporting a public report, and taking the
support back. Mounted beside the reports' router, under /reports."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from aduan.accounts.api import token_auth, user_of
from aduan.community import services
from aduan.core.idempotency import IDEMPOTENT, idempotent
from aduan.lib.problems import problem_responses
from aduan.lib.ratelimit import limited
from aduan.reports import selectors
from aduan.reports.api import Number, actor_of, caller_of

router = Router(tags=["reports"])


class SupportOut(Schema):
    supported: bool
    support_count: int


def _support(request: HttpRequest, number: str, *, add: bool) -> dict[str, Any]:
    actor = actor_of(request)
    report, _view = selectors.report_get(actor=actor, tracking_number=number)
    if add:
        services.support_add(actor=actor, report=report)
    else:
        services.support_remove(actor=actor, report=report)
    report.refresh_from_db(fields=["support_count"])
    return SupportOut(supported=add, support_count=report.support_count).model_dump()


@router.post(
    "/{tracking_number}/support",
    response=SupportOut,
    auth=token_auth,
    summary="Support",
    openapi_extra={**problem_responses(403, 409, 422, 429), **IDEMPOTENT},
)
@limited("support")
def report_support(request: HttpRequest, tracking_number: Number) -> JsonResponse:
    user = user_of(request)
    assert user is not None  # the endpoint requires a token
    return idempotent(
        request,
        caller=caller_of(user),
        run=lambda: (200, _support(request, tracking_number, add=True)),
    )


@router.delete(
    "/{tracking_number}/support",
    response=SupportOut,
    auth=token_auth,
    summary="Take support back",
    openapi_extra=problem_responses(403),
)
def report_unsupport(request: HttpRequest, tracking_number: Number) -> dict[str, Any]:
    return _support(request, tracking_number, add=False)
