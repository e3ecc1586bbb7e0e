"""Reference data that every request reads and admins rarely change (deadline
policies, categories, regional holidays) is kept in memory for a short while.

Each process re-reads it at most every ``settings.REFERENCE_TTL`` seconds, so a
change made in the admin reaches every web process and worker within that time."""

from collections.abc import Callable
from typing import Any, TypeVar

from cachetools.func import ttl_cache
from django.conf import settings

F = TypeVar("F", bound=Callable[..., Any])

_registry: list[Any] = []


def reference_memo(maxsize: int = 1) -> Callable[[F], F]:
    def wrap(function: F) -> F:
        cached = ttl_cache(maxsize=maxsize, ttl=settings.REFERENCE_TTL)(function)
        _registry.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def reference_memo_clear() -> None:
    """Forget everything kept (after loading reference data, and between tests)."""
    for cached in _registry:
        cached.cache_clear()
