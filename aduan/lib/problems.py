"""RFC 9457 problem details: the one error shape of every JSON surface."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise

from aduan.lib.errors import AduanError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str | Promise,
    errors: list[dict[str, Any]] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": str(title),
        "status": status,
        "code": code,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    return JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def problem_from_error(request: HttpRequest, error: AduanError) -> JsonResponse:
    errors = [{"field": error.field, "message": str(error.message)}] if error.field else None
    return problem_response(
        request, status=error.status, code=error.code, title=error.message, errors=errors
    )
