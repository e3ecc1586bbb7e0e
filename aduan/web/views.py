from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from aduan.web import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"figures": selectors.home_figures()})


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Over a rate limit (aduan.lib.ratelimit): a friendly page, HTTP 429, and
    nothing done."""
    response = render(request, "web/429.html", status=429)
    response["Retry-After"] = "60"
    return response


def not_yet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    """A page named in the portal's map whose work has not landed yet."""
    raise Http404


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (no dependency checked: a load balancer restarts on this)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """The process can serve: its database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
