"""When the database cannot be reached — a standby being promoted, a network cut —
the answer is 503 with ``Retry-After``, never a 500 that reads like a bug: clients
(the apps, the gateways, an agency's system) retry, and a person is told to try
again in a few seconds. The API says it in its own error shape (aduan/api.py);
everything else comes here, Django's ``handler500``, which sees the exception."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("aduan.unavailable")

# What a lost or refused connection raises (psycopg's and sqlite's, as Django wraps them).
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, UNAVAILABLE):
        return django_server_error(request)
    logger.warning("database unavailable for %s %s: %s", request.method, request.path, error)
    response = HttpResponse(loader.render_to_string("503.html", request=None), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
