"""One id per request, in every log line the request writes and in the rows of work
it leaves for the worker, so that an operator can follow a report from the web
request to the SMS that left an hour later.

The id comes from the ``X-Request-ID`` header when the balancer in front set one
that looks like an id (nginx's ``$request_id``), otherwise a new one is made; it
goes back in the answer's ``X-Request-ID``. The worker binds the id a row was made
with while it works on that row (``request_id_bound``)."""

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_current: ContextVar[str] = ContextVar("request_id", default="")


def request_id() -> str:
    """The id of the request (or the job) at hand; "" outside both."""
    return _current.get()


@contextmanager
def request_id_bound(value: str) -> Iterator[None]:
    """Runs the block under ``value`` (a job done for a request keeps its id)."""
    token = _current.set(value)
    try:
        yield
    finally:
        _current.reset(token)


def request_id_new() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        value = given if _ACCEPTED.fullmatch(given) else request_id_new()
        # Also on the request: Django logs a 4xx or 5xx answer after the middleware
        # has returned, with the request on the record (RequestIdFilter reads it).
        request.request_id = value  # type: ignore[attr-defined]
        with request_id_bound(value):
            response = self.get_response(request)
        response[HEADER] = value
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record, for the formatters to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = _current.get() or getattr(request, "request_id", "")
        return True
