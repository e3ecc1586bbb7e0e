from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from aduan.intake.selectors import channels_enabled
from aduan.web import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {"figures": selectors.home_figures(), "channels": channels_enabled()}
    return render(request, "web/home.html", context)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Over a rate limit (aduan.lib.ratelimit): a friendly page, HTTP 429, and
    nothing done."""
    response = render(request, "web/429.html", status=429)
    response["Retry-After"] = "60"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django could not read (a form without its boundary, a bad Host):
    400, on the site's own page in the visitor's language. Django's own handler
    renders it without the request, so the page would lack what every page has (the
    service's name, the signed-in menu)."""
    return render(request, "400.html", status=400)


def not_yet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    """A page named in the portal's map whose work has not landed yet."""
    raise Http404
