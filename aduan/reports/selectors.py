"""Reads of reports. Every list applies the access policy in its query."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import NotFound
from aduan.reports.deadlines import Clock
from aduan.reports.models import OPEN_STATES, Report, ReportEvent, State
from aduan.reports.policy import PUBLIC, Actor, View, report_view, scope_q, visible_q
from aduan.reports.tracking import tracking_number_parse


def _reports() -> QuerySet[Report]:
    return Report.objects.select_related(
        "agency__region", "agency__supervisor", "unit", "category", "region"
    )


def report_get(*, actor: Actor, tracking_number: str) -> tuple[Report, View]:
    """A report by the number a person typed, and how much of it the actor may see.
    A number whose check digit fails is refused before the database is asked; a
    report the actor may not see does not exist for them."""
    number = tracking_number_parse(tracking_number)
    report = _reports().filter(visible_q(actor, level=View.LIMITED), tracking_number=number).first()
    view = report_view(actor, report) if report is not None else View.NONE
    if report is None or view == View.NONE:
        raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
    return report, view


def report_timeline(*, actor: Actor, report: Report) -> QuerySet[ReportEvent]:
    """The events the actor may read: internal ones only for staff who handle it."""
    events = report.events.select_related("agency", "unit").order_by("created_at", "id")
    if actor.role in ("national_admin", "system") or (
        actor.role in ("agency_admin", "liaison", "integration")
        and report_view(actor, report) == View.FULL
        and report.agency_id is not None
        and report.agency_id == actor.agency_id
    ):
        return events
    return events.filter(is_internal=False)


def report_list_public() -> QuerySet[Report]:
    """The public feed: non-confidential reports past verification, newest first."""
    return _reports().filter(visible_q(PUBLIC)).order_by("-submitted_at", "-id")


def report_list_for_reporter(*, actor: Actor) -> QuerySet[Report]:
    if actor.reporter_id is None:
        return Report.objects.none()
    return _reports().filter(reporter_id=actor.reporter_id).order_by("-submitted_at", "-id")


def report_list_inbox(*, actor: Actor) -> QuerySet[Report]:
    """What the actor's agency (or unit, for a liaison) has to handle, most urgent
    first; the national admin's inbox is the verification queue."""
    if actor.role == "national_admin":
        reports = _reports().filter(state=State.SUBMITTED)
    elif actor.role in ("agency_admin", "integration") and actor.agency_id is not None:
        reports = _reports().filter(agency_id=actor.agency_id, state__in=OPEN_STATES)
    elif actor.role == "liaison" and actor.unit_id is not None:
        reports = _reports().filter(unit_id=actor.unit_id, state__in=OPEN_STATES)
    else:
        return Report.objects.none()
    return reports.order_by("deadline_at", "id")


def report_list_overdue(*, actor: Actor, now: datetime | None = None) -> QuerySet[Report]:
    """Open reports past their deadline in the actor's scope, at least by number."""
    now = now or timezone.now()
    return (
        _reports()
        .filter(visible_q(actor, level=View.LIMITED), scope_q(actor), deadline_at__lt=now)
        .order_by("deadline_at", "id")
    )


def report_list_escalated(*, actor: Actor, now: datetime | None = None) -> QuerySet[Report]:
    """Open reports at twice their allowed time: the supervising agency's and the
    national admin's list."""
    now = now or timezone.now()
    return (
        _reports()
        .filter(visible_q(actor, level=View.LIMITED), scope_q(actor), escalate_at__lt=now)
        .order_by("escalate_at", "id")
    )


def reports_due(*, now: datetime, limit: int = 1000) -> QuerySet[Report]:
    """Open reports whose next deadline has come, oldest first, for the sweeps. The
    partial index on deadline_at answers this without scanning reports."""
    return Report.objects.filter(deadline_at__lte=now).order_by("deadline_at")[:limit]


def report_working_days_left(*, report: Report, now: datetime | None = None) -> int | None:
    """Working days from today to the report's next deadline in the responsible
    agency's calendar (0 on the day itself, negative when overdue), or None."""
    if report.deadline_at is None:
        return None
    now = now or timezone.now()
    clock = Clock.for_agency(report.agency) if report.agency_id else Clock.national()
    today = now.astimezone(clock.zone).date()
    due = report.deadline_at.astimezone(clock.zone).date()
    if due >= today:
        return clock.calendar.working_days_between(today, due)
    return -clock.calendar.working_days_between(due, today)
