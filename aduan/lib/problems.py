"""RFC 9457 problem details: the one error shape of every JSON surface."""

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

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


# -- the OpenAPI description of problems -------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `code` is stable and machine-readable.",
    "type": "object",
    "required": ["type", "title", "status", "code", "instance"],
    "properties": {
        "type": {"type": "string", "examples": ["/problems/validation_failed"]},
        "title": {"type": "string", "description": "For people, in the request's language."},
        "status": {"type": "integer"},
        "code": {"type": "string", "examples": ["validation_failed"]},
        "instance": {"type": "string", "description": "The path that was asked for."},
        "errors": {
            "type": "array",
            "description": "Which fields were wrong, when it was about fields.",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def _problem_doc(status: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def problem_responses(*statuses: int) -> dict[str, Any]:
    """``openapi_extra`` for an operation that may also answer with these problems,
    beyond those that follow from its shape (see ``document_problems``): 403, 409,
    429 and the like, which only its own rules know."""
    return {"responses": {status: _problem_doc(status) for status in statuses}}


def document_problems(schema: dict[str, Any]) -> None:
    """Adds to every operation the problems that follow from its shape, so the
    schema lists every answer it gives: 400 when it takes parameters or a body
    (malformed or refused input), 401 when it reads a token, 404 when its path
    names something, 413, 415 and 422 when it takes a body."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses: set[int] = set()
            parameters = operation.get("parameters") or []
            if parameters or "requestBody" in operation:
                statuses.add(400)
            if operation.get("security"):
                statuses.add(401)
            if any(parameter.get("in") == "path" for parameter in parameters):
                statuses.add(404)
            if "requestBody" in operation:
                statuses.update((413, 415, 422))
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                if status not in responses and str(status) not in responses:
                    responses[status] = _problem_doc(status)


class ProblemAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI schema lists the problems each operation answers with."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_problems(schema)
        return schema
