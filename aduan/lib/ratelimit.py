"""Rate limits on what can be abused (sign-up, log-in, code requests, reports,
comments): each POST counts once against the visitor's IP address and once against
the signed-in account, at the rate ``settings.RATE_LIMITS`` names for its group.
Over the limit, the view is not run and the visitor gets a friendly page with HTTP
429 (``aduan.web.views.rate_limited``)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.decorators import ratelimit

View = TypeVar("View", bound=Callable[..., Any])
_PREFIX = "aduan:"


def _rate(group: str, request: HttpRequest) -> str:
    return str(settings.RATE_LIMITS[group.removeprefix(_PREFIX).split(":")[0]])


def limited(group: str) -> Callable[[View], View]:
    """Limits the view's POSTs to ``settings.RATE_LIMITS[group]`` per IP address and
    per account (a visitor who is not signed in is counted by address alone)."""
    if group not in settings.RATE_LIMITS:
        raise KeyError(f"no rate limit named {group!r} in settings.RATE_LIMITS")

    def decorate(view: View) -> View:
        by_account = ratelimit(
            group=f"{_PREFIX}{group}:account", key="user_or_ip", rate=_rate, method="POST"
        )(view)
        by_ip = ratelimit(group=f"{_PREFIX}{group}:ip", key="ip", rate=_rate, method="POST")
        return by_ip(by_account)  # type: ignore[no-any-return]

    return decorate
