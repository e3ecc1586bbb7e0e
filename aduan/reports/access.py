"""The access log (DESIGN.md §5): every staff read of a report's case page, its
portal page or one of its files, and every agency-API read of a report, is written
down — who (the staff account, or the agency's API key), when, which report (and
file), what, and from which client address. National admins read a report's log on
its case page; nobody else does. Rows are kept ``ACCESS_LOG_DAYS`` days, then the
worker removes them.

Recording is part of the read: the view records before it answers, and if the write
fails the read fails with it. A log that silently skips reads is no log.

Citizens' reads (of their own reports, or of public ones) and the public's are not
logged: the log watches the people given powers over other people's reports.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from aduan.lib.errors import NotPermitted
from aduan.reports.models import AccessKind, Attachment, Report, ReportAccess
from aduan.reports.policy import Actor, can_read_access_log, reads_are_logged

# The case page shows this many entries a page, the newest first.
ACCESS_PAGE_SIZE = 25
# The purge removes this many rows a transaction (the worker runs it again at once
# while it finds any), so a large backlog never holds a long lock.
PURGE_BATCH = 5_000

_ADDRESS_MAX = ReportAccess._meta.get_field("address").max_length or 45


# -- writing ---------------------------------------------------------------------------


def report_access_record(
    *,
    actor: Actor,
    report: Report,
    kind: str,
    address: str,
    attachment: Attachment | None = None,
    api_key_id: int | None = None,
    now: datetime | None = None,
) -> ReportAccess | None:
    """Writes down one read of ``report`` (of ``attachment``, for a file) if the
    actor's reads are logged; None when they are not."""
    if attachment is not None and attachment.report_id != report.pk:
        raise ValueError("the attachment is not the report's")
    if (kind == AccessKind.ATTACHMENT) != (attachment is not None):
        raise ValueError("a file read names its file, and only a file read does")
    rows = _rows(
        actor=actor,
        reports=[report],
        kind=kind,
        address=address,
        attachment=attachment,
        api_key_id=api_key_id,
        now=now,
    )
    if not rows:
        return None
    rows[0].save()
    return rows[0]


def report_access_record_many(
    *,
    actor: Actor,
    reports: Sequence[Report],
    kind: str,
    address: str,
    api_key_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Writes down one read of each of ``reports`` (a page of a list), in one
    statement whatever the page size; how many rows."""
    rows = _rows(
        actor=actor,
        reports=reports,
        kind=kind,
        address=address,
        attachment=None,
        api_key_id=api_key_id,
        now=now,
    )
    return len(ReportAccess.objects.bulk_create(rows))


def _rows(
    *,
    actor: Actor,
    reports: Sequence[Report],
    kind: str,
    address: str,
    attachment: Attachment | None,
    api_key_id: int | None,
    now: datetime | None,
) -> list[ReportAccess]:
    if not reads_are_logged(actor):
        return []
    if kind not in AccessKind.values:
        raise ValueError(f"unknown access kind {kind!r}")
    # Who read must be known, or the row tells nothing: a programming error, and
    # the read fails with it rather than going unrecorded.
    if actor.role == "integration" and api_key_id is None:
        raise ValueError("an agency's read names its API key")
    if actor.role != "integration" and actor.user is None:
        raise ValueError("a staff read names its account")
    now = now or timezone.now()
    return [
        ReportAccess(
            report=report,
            kind=kind,
            attachment=attachment,
            user=actor.user,
            api_key_id=api_key_id,
            actor_role=actor.role,
            actor_agency_id=actor.agency_id,
            address=address[:_ADDRESS_MAX],
            created_at=now,
        )
        for report in reports
    ]


def report_access_purge(*, now: datetime | None = None, batch: int = PURGE_BATCH) -> int:
    """Removes up to ``batch`` rows older than ``ACCESS_LOG_DAYS`` (the oldest first),
    for the worker; how many. Two workers at once remove each row once."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_LOG_DAYS)
    expired = ReportAccess.objects.filter(created_at__lt=cutoff).order_by("created_at", "id")
    ids = list(expired.values_list("pk", flat=True)[:batch])
    if not ids:
        return 0
    # A queryset delete: the rows' own delete() refuses, so only this removes them.
    deleted, _counts = ReportAccess.objects.filter(pk__in=ids).delete()
    return deleted


# -- reading ---------------------------------------------------------------------------


def _log_of(report: Report) -> QuerySet[ReportAccess]:
    return (
        ReportAccess.objects.filter(report=report)
        .select_related("user", "api_key", "actor_agency")
        .order_by("-created_at", "-id")
    )


def report_access_list(
    *, actor: Actor, report: Report, page: int | str | None = None
) -> Page[ReportAccess]:
    """One page of the report's access log, the newest first; only for those who
    may read it. A page number out of range gives the nearest page."""
    if not can_read_access_log(actor, report):
        raise NotPermitted()
    paginator = Paginator(_log_of(report), ACCESS_PAGE_SIZE)
    return paginator.get_page(page)
