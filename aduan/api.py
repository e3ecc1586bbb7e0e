"""The JSON API, version 1: one NinjaAPI with every package's router and one error
shape (problem+json) for every failure."""

import logging

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from django_ratelimit.exceptions import Ratelimited
from ninja.errors import AuthenticationError, HttpError, ValidationError

from aduan.accounts.api import router as auth_router
from aduan.agencies.api import router as agencies_router
from aduan.categories.api import router as categories_router
from aduan.community.api import router as community_router
from aduan.core.unavailable import RETRY_AFTER_SECONDS
from aduan.integrations.api import router as agency_router
from aduan.lib.errors import AduanError
from aduan.lib.problems import ProblemAPI, problem_from_error, problem_response
from aduan.regions.api import router as regions_router
from aduan.reports.api import router as reports_router
from aduan.stats.api import router as stats_router

logger = logging.getLogger(__name__)

api = ProblemAPI(
    title="aduan API",
    version="1",
    description=(
        "The JSON API of aduan. Errors are RFC 9457 problem details "
        "(`application/problem+json`) with a stable `code`."
    ),
    urls_namespace="api-v1",
)
api.add_router("/regions", regions_router)
api.add_router("/agencies", agencies_router)
api.add_router("/categories", categories_router)
api.add_router("/auth", auth_router)
api.add_router("/reports", reports_router)
api.add_router("/reports", community_router)
api.add_router("/agency", agency_router)
api.add_router("/stats", stats_router)


@api.exception_handler(AduanError)
def on_aduan_error(request: HttpRequest, error: AduanError) -> HttpResponse:
    return problem_from_error(request, error)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in item.get("loc", ())[1:]) or None,
            "message": item.get("msg", ""),
        }
        for item in error.errors
    ]
    # A malformed query or path is a bad request; a body that parses but breaks the
    # rules is unprocessable.
    in_body = any(item.get("loc", ("",))[0] == "body" for item in error.errors)
    return problem_response(
        request,
        status=422 if in_body else 400,
        code="validation_failed",
        title=_("Data yang dikirim tidak valid."),
        errors=errors,
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem_response(request, status=404, code="not_found", title=_("Tidak ditemukan."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problem_response(
        request, status=401, code="unauthenticated", title=_("Perlu masuk terlebih dahulu.")
    )


@api.exception_handler(Ratelimited)
def on_rate_limited(request: HttpRequest, error: Ratelimited) -> HttpResponse:
    response = problem_response(
        request,
        status=429,
        code="rate_limited",
        title=_("Terlalu banyak permintaan. Coba lagi nanti."),
    )
    response["Retry-After"] = "60"
    return response


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    # Django refuses a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, or a form with
    # too many fields, while reading it: the sender's fault, never a server error.
    if isinstance(error, RequestDataTooBig):
        return problem_response(
            request, status=413, code="too_large", title=_("Data yang dikirim terlalu besar.")
        )
    return problem_response(
        request, status=400, code="bad_request", title=_("Permintaan tidak valid.")
    )


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
def on_unreadable_body(request: HttpRequest, error: Exception) -> HttpResponse:
    # A body Django cannot read (a multipart form without its boundary or with a
    # broken part, a form not in UTF-8): the sender's fault, never a server error.
    return problem_response(
        request,
        status=400,
        code="body_unreadable",
        title=_("Isi permintaan tidak dapat dibaca."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem_response(
        request, status=error.status_code, code="http_error", title=str(error.message)
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    # A standby being promoted, a network cut: the client retries (with the same
    # Idempotency-Key, what was done is not done twice).
    logger.warning("database unavailable for %s %s: %s", request.method, request.path, error)
    response = problem_response(
        request,
        status=503,
        code="unavailable",
        title=_("Layanan sedang tidak tersedia sebentar. Coba lagi dalam beberapa detik."),
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return problem_response(
        request, status=500, code="server_error", title=_("Terjadi kesalahan pada server.")
    )


def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Unknown paths under /api/v1/ answer in the API's error shape, not HTML."""
    return problem_response(
        request, status=404, code="not_found", title=_("Alamat API ini tidak ada.")
    )
