from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from aduan.lib.errors import InvalidInput, NotFound
from aduan.reports import selectors as reports
from aduan.reports.policy import Actor, View, event_text
from aduan.reports.tracking import tracking_number_display
from aduan.web import selectors
from aduan.web.forms import TrackForm


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"figures": selectors.home_figures()})


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    """Follow a report by its number: the check digit catches a typo before any
    lookup; what is shown is what the access policy lets this visitor see."""
    form = TrackForm(request.GET or None)
    if not form.is_valid():
        return render(request, "web/track.html", {"form": form})
    actor = Actor.for_user(request.user)  # type: ignore[arg-type]
    try:
        report, view = reports.report_get(actor=actor, tracking_number=form.cleaned_data["nomor"])
    except InvalidInput as error:
        form.add_error("nomor", str(error.message))
        return render(request, "web/track.html", {"form": form})
    except NotFound as error:
        form.add_error("nomor", str(error.message))
        return render(request, "web/track.html", {"form": form}, status=404)
    context = {
        "form": form,
        "report": report,
        "number": tracking_number_display(report.tracking_number),
        "limited": view == View.LIMITED,
        "days_left": reports.report_working_days_left(report=report),
        # Each event with the text this visitor may read of it (the policy decides).
        "timeline": []
        if view == View.LIMITED
        else [
            (event, event_text(actor, report, event))
            for event in reports.report_timeline(actor=actor, report=report)
        ],
    }
    return render(request, "web/track.html", context)


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
