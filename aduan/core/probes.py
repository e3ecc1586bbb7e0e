"""What a load balancer and an operator ask of a web node: /healthz (the process is
up: restart it when this fails) and /readyz (it can serve: send it requests only
while this says so)."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from aduan.core.beats import workers_read

logger = logging.getLogger("aduan.probes")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (no dependency checked: a load balancer restarts on this)."""
    return JsonResponse({"status": "ok"})


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("readyz: the database does not answer", exc_info=True)
        return False
    return True


def _cache() -> bool:
    try:
        cache.set("aduan:readyz", 1, timeout=10)
        return bool(cache.get("aduan:readyz") == 1)
    except Exception:  # each cache backend raises its own kind
        logger.warning("readyz: the cache does not answer", exc_info=True)
        return False


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """The node can serve: its database and its cache answer (503 otherwise). The
    workers' heartbeat is told, not judged: a balancer that took every web node out
    because no worker runs would turn a late SMS into an outage."""
    database = _database()
    cached = _cache()
    body: dict[str, object] = {
        "status": "ok" if database and cached else "unavailable",
        "database": "ok" if database else "unreachable",
        "cache": "ok" if cached else "unreachable",
    }
    if database:
        workers = workers_read(now=timezone.now())
        age = workers.last_beat_age
        body["workers"] = {
            "alive": workers.alive,
            "last_heartbeat_seconds": round(age, 1) if age is not None else None,
        }
    return JsonResponse(body, status=200 if database and cached else 503)
