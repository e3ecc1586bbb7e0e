"""Files a chat message referred to (a WhatsApp media id, a Telegram file id),
fetched by the worker onto the report they belong to, through the channel that
knows how (its spec's ``fetch``: ``f(ref) -> bytes``, raising ``FileUnavailable``).
Under a lease like every claimed job; a channel's outage is tried again with
growing pauses, a refusal (too large, gone) leaves that file out."""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aduan.core.channels import channel_call, channel_spec
from aduan.intake.models import FileFetch
from aduan.lib.errors import AduanError
from aduan.lib.leases import lease
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.reports.services import report_attachment_add

logger = logging.getLogger("aduan.intake")

ATTEMPTS = 6  # about an hour of a channel's trouble (1, 2, 4, … 32 minutes)


class FileUnavailable(Exception):
    """A channel could not fetch a file; ``permanent`` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def files_later(*, report: Report, channel: str, refs: Sequence[str], now: datetime) -> None:
    """Queues the files for the worker, in the caller's transaction."""
    if refs:
        FileFetch.objects.create(
            report=report,
            channel=channel,
            refs=list(refs[: settings.UPLOAD_MAX_FILES]),
            next_attempt_at=now,
        )


def files_fetch_due(
    *, now: datetime | None = None, limit: int = 20, stop: Callable[[], bool] = lambda: False
) -> int:
    """The worker's job: fetches the files that are due onto their reports; how
    many rows it tried."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            FileFetch.objects.filter(next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        FileFetch.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, next_attempt_at=now + lease()
        )
    tried = 0
    for row in FileFetch.objects.filter(pk__in=ids).select_related("report").order_by("pk"):
        if stop():
            FileFetch.objects.filter(pk=row.pk).update(
                attempts=F("attempts") - 1, next_attempt_at=now
            )
            continue
        _fetch_onto(row, now=now)
        tried += 1
    return tried


def _fetch_onto(row: FileFetch, *, now: datetime) -> None:
    spec = channel_spec(row.channel)
    fetched: list[bytes] = []
    again: list[str] = []
    for ref in row.refs:
        if spec is None or not spec.fetch:
            logger.warning("intake: no channel %r fetches files", row.channel)
            break
        try:
            fetched.append(channel_call(spec.fetch, ref))
        except FileUnavailable as error:
            logger.warning("intake: %s could not fetch a file: %s", row.channel, error)
            if not error.permanent:
                again.append(ref)
    actor = Actor.for_reporter(row.report.reporter_id)
    with transaction.atomic():
        for data in fetched:
            try:
                report_attachment_add(actor=actor, report=row.report, data=data)
            except AduanError as error:
                # Not an image or a document we keep, or the report closed meanwhile.
                logger.info("intake: left out a file the report refused (%s)", error.code)
        if again and row.attempts < ATTEMPTS:
            delay = timedelta(minutes=2 ** (row.attempts - 1))
            FileFetch.objects.filter(pk=row.pk).update(refs=again, next_attempt_at=now + delay)
        else:
            FileFetch.objects.filter(pk=row.pk).delete()
