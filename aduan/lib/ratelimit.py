"""Rate limits on what can be abused (sign-up, log-in, code requests, reports,
comments, an agency system's calls): each POST (or each request, where a group says
so) counts once against the visitor's IP address and once against the caller — the
signed-in account, or the agency's API key — at the rate ``settings.RATE_LIMITS``
names for its group.
Over the limit, the view is not run and the visitor gets a friendly page with HTTP
429 (``aduan.web.views.rate_limited``)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import user_or_ip
from django_ratelimit.decorators import ratelimit

View = TypeVar("View", bound=Callable[..., Any])
_PREFIX = "aduan:"


def _rate(group: str, request: HttpRequest) -> str:
    return str(settings.RATE_LIMITS[group.removeprefix(_PREFIX).split(":")[0]])


def _caller(group: str, request: HttpRequest) -> str:
    """Who is counted: the agency's key, else the account, else the address."""
    key = getattr(request, "api_key", None)
    if key is not None:
        return f"key:{key.pk}"
    return str(user_or_ip(request))


def limited(group: str, *, every_method: bool = False) -> Callable[[View], View]:
    """Limits the view's POSTs (or all its requests, ``every_method``) to
    ``settings.RATE_LIMITS[group]`` per IP address and per caller (a visitor who is
    not signed in is counted by address alone). ``"login:staff"`` counts apart
    from ``"login:api"`` at the rate of ``"login"``: one budget per door."""
    if group.split(":")[0] not in settings.RATE_LIMITS:
        raise KeyError(f"no rate limit named {group!r} in settings.RATE_LIMITS")
    method = ratelimit.ALL if every_method else "POST"

    def decorate(view: View) -> View:
        by_caller = ratelimit(
            group=f"{_PREFIX}{group}:account", key=_caller, rate=_rate, method=method
        )(view)
        by_ip = ratelimit(group=f"{_PREFIX}{group}:ip", key="ip", rate=_rate, method=method)
        return by_ip(by_caller)  # type: ignore[no-any-return]

    return decorate


_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_window(group: str) -> tuple[int, timedelta]:
    """``settings.RATE_LIMITS[group]`` as (count, window), for limits counted
    outside a request (per phone number, say): "30/h" → (30, 1 hour); "5/10m" →
    (5, 10 minutes)."""
    count, _slash, period = str(settings.RATE_LIMITS[group]).partition("/")
    multiple = int(period[:-1] or 1)
    return int(count), timedelta(seconds=multiple * _PERIOD_SECONDS[period[-1]])
