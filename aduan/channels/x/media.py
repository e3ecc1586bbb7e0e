"""The photos of a post, fetched by the worker onto the report the post made or
reached. Only from the X media hosts (``X_MEDIA_HOSTS``) and never through a
redirect, so a post cannot make the server fetch anything else; only as many and
as large as an upload may be. A photo that cannot be fetched for now (X's host
down, a timeout) is tried again a few times; one that never can be (another host,
too large, gone, not an image) is left out. The report comes either way."""

import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aduan.channels.x.models import PhotoFetch
from aduan.lib.errors import AduanError
from aduan.lib.leases import lease
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.reports.services import report_attachment_add

Stop = Callable[[], bool]


def _never() -> bool:
    return False


logger = logging.getLogger("aduan.x")

TIMEOUT_SECONDS = 10


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx answer then fails as an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)


ATTEMPTS = 4  # each photo: at once, then after 1, 2 and 4 minutes


def photos_later(*, report: Report, urls: Sequence[str], now: datetime) -> None:
    """Queues the photos for the worker (in the caller's transaction)."""
    if urls:
        PhotoFetch.objects.create(
            report=report, urls=list(urls[: settings.UPLOAD_MAX_FILES]), next_attempt_at=now
        )


def photos_fetch_due(*, now: datetime | None = None, limit: int = 20, stop: Stop = _never) -> int:
    """The worker's job: fetches the photos that are due onto their reports; how
    many posts' photos it tried."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            PhotoFetch.objects.filter(next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        PhotoFetch.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, next_attempt_at=now + lease()
        )
    tried = 0
    for row in PhotoFetch.objects.filter(pk__in=ids).select_related("report").order_by("pk"):
        if stop():
            # Handed back at once rather than after the lease.
            PhotoFetch.objects.filter(pk=row.pk).update(
                attempts=F("attempts") - 1, next_attempt_at=now
            )
            continue
        _fetch_onto(row, now=now)
        tried += 1
    return tried


def _fetch_onto(row: PhotoFetch, *, now: datetime) -> None:
    uploads: list[bytes] = []
    again: list[str] = []
    for url in row.urls:
        data, retry = _fetch(url)
        if data is not None:
            uploads.append(data)
        elif retry:
            again.append(url)
    actor = Actor.for_reporter(row.report.reporter_id)
    with transaction.atomic():
        for data in uploads:
            try:
                report_attachment_add(actor=actor, report=row.report, data=data)
            except AduanError as error:
                # Not an image, or the report closed meanwhile: left out.
                logger.info("x: left out a photo the report refused (%s)", error.code)
        if again and row.attempts < ATTEMPTS:
            delay = timedelta(minutes=2 ** (row.attempts - 1))
            PhotoFetch.objects.filter(pk=row.pk).update(urls=again, next_attempt_at=now + delay)
        else:
            PhotoFetch.objects.filter(pk=row.pk).delete()


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and parts.hostname in settings.X_MEDIA_HOSTS


def _fetch(url: str) -> tuple[bytes | None, bool]:
    """The photo's bytes, or None and whether trying again later may help."""
    if not _allowed(url):
        logger.warning("x: left out a photo from a host that is not X's")
        return None, False
    limit = settings.UPLOAD_MAX_BYTES
    try:
        with _opener.open(url, timeout=TIMEOUT_SECONDS) as answer:
            data: bytes = answer.read(limit + 1)
    except urllib.error.HTTPError as error:
        # Gone (404), forbidden, or a redirect refused: no better later. X's
        # trouble (5xx) or its rate limit (429) may pass.
        logger.warning("x: could not fetch a photo: HTTP %s", error.code)
        return None, error.code >= 500 or error.code == 429
    except (urllib.error.URLError, OSError, ValueError) as error:
        logger.warning("x: could not fetch a photo: %s", error)
        return None, True
    if len(data) > limit:
        logger.warning("x: left out a photo larger than %s bytes", limit)
        return None, False
    return data, False
