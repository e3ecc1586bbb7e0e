"""/metrics, in the Prometheus text format.

Two kinds of figures:

- **What this process saw**: requests by route, method and status, their latency
  and the time they waited on the database, counted by ``RequestMetricsMiddleware``.
  Under granian with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` (emptied at
  each start; deploy/systemd does it) and every process's counts are added up.
- **What the database says**, read at each scrape, so every web node tells the same:
  a package declares functions ``f(*, now) -> Iterable[Metric]`` in its
  ``AppConfig``'s ``metrics`` (dotted paths): the outbox's depth, the workers'
  heartbeats, the verification backlog… A function that fails is logged and left
  out of that scrape; the others are still served.

Who may read it is ``settings.METRICS_TOKEN`` (a bearer token) or
``settings.METRICS_ALLOWED_IPS``; anyone else gets 404."""

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from aduan.lib.clientaddress import address_in, client_address

logger = logging.getLogger("aduan.metrics")

_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter("aduan_http_requests", "HTTP requests answered.", ["route", "method", "status"])
LATENCY = Histogram(
    "aduan_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["route", "method"],
    buckets=_SECONDS,
)
DATABASE_TIME = Histogram(
    "aduan_http_request_database_seconds",
    "Time an HTTP request spent on database queries.",
    ["route"],
    buckets=_SECONDS,
)
QUERIES = Counter(
    "aduan_http_database_queries", "Database queries made by HTTP requests.", ["route"]
)


class _QueryTimer:
    """A database execute wrapper adding up the time of a request's queries."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def _route(request: HttpRequest) -> str:
    """The URL pattern that answered (``api/v1/reports/<tracking_number>``), never
    the path itself: one series per route, whatever numbers people type."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timer = _QueryTimer()
        start = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all(initialized_only=False):
                stack.enter_context(connection.execute_wrapper(timer))
            response = self.get_response(request)
        elapsed = time.perf_counter() - start
        route = _route(request)
        method = request.method if request.method in _METHODS else "OTHER"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route, method).observe(elapsed)
        DATABASE_TIME.labels(route).observe(timer.seconds)
        QUERIES.labels(route).inc(timer.count)
        return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@cache
def _declared() -> tuple[Callable[..., Iterable[Metric]], ...]:
    return tuple(
        import_string(path)
        for config in apps.get_app_configs()
        for path in getattr(config, "metrics", ())
    )


class _DatabaseFigures(Collector):
    """Every installed package's declared figures, read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        for figures in _declared():
            try:
                # Read whole before yielding: a failure leaves out all of its figures.
                read = list(figures(now=now))
            except Exception:
                logger.exception("metrics: %s failed", figures.__qualname__)
                continue
            yield from read

    def describe(self) -> list[Metric]:
        # Nothing is read at registration: the database may not be there yet.
        return []


_FIGURES = _DatabaseFigures()
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    REGISTRY.register(_FIGURES)


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(_FIGURES)
    return registry


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return address_in(client_address(request), settings.METRICS_ALLOWED_IPS)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
