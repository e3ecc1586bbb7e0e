"""The reference for the API benchmark: the aduan app (same settings, middleware,
database connection) with one more URL in front of its own, a bare Django view that
reads one report by primary key and answers it as JSON.

    GET /bench/bare/<pk>  →  {"id": …, "tracking_number": …, "title": …, "state": …}

Served as the WSGI application ``bare:application`` (with bench/ on PYTHONPATH) by
the same server process that serves the API, so the two figures differ only by what
the API's view does beyond one primary-key read. Never part of the app itself."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
application = get_wsgi_application()

# Imported after set-up: the models need the app registry.
from django.conf import settings  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

import aduan.urls  # noqa: E402
from aduan.reports.models import Report  # noqa: E402


def bare(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(Report.objects.values("id", "tracking_number", "title", "state").get(pk=pk))


urlpatterns: list[object] = [
    path("bench/bare/<int:pk>", bare),
    *aduan.urls.urlpatterns,
]
settings.ROOT_URLCONF = __name__
