"""The deadline sweeps (DESIGN.md §4), run by the worker: what happens when a
report's clock runs out.

- The reporter's clocks: an answer nobody replied to closes, a request for
  information nobody answered archives the report.
- The staff's clocks (verification, first follow-up, completion): at the deadline
  the report is marked overdue on its timeline, those responsible are reminded by
  e-mail and the reporter is told they may go to the Ombudsman; at twice the
  allowed time the supervising agency and the national admin are told.

Each step happens once per report and deadline: a report is due when its
``alert_at`` has passed, and the step moves ``alert_at`` on (to the escalation
time, or to nothing) in the transaction that acts. A report being handled by one
worker is skipped by the others (row locks on PostgreSQL, one writer at a time on
SQLite); a worker that dies mid-step rolls back and the step is still due."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aduan.accounts.models import User
from aduan.reports import notices, services
from aduan.reports.models import Action, DeadlineKind, Report
from aduan.reports.selectors import reports_due

logger = logging.getLogger("aduan.sweeps")

# Deadlines staff must meet; the others are the reporter's.
STAFF_DEADLINES = frozenset(
    {DeadlineKind.VERIFY, DeadlineKind.FIRST_FOLLOW_UP, DeadlineKind.COMPLETION}
)


def deadlines_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Takes the steps that are due, oldest first; how many it took."""
    now = now or timezone.now()
    due = list(reports_due(now=now, limit=limit).values_list("pk", flat=True))
    done = 0
    for report_id in due:
        try:
            done += _step(report_id, now)
        except Exception:
            # One report's trouble must not stop the others; its step stays due.
            logger.exception("sweeps: report %s could not be handled", report_id)
    return done


def _step(report_id: int, now: datetime) -> int:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("agency", "reporter__user", "duplicate_of")
            .filter(pk=report_id, alert_at__lte=now)
            .first()
        )
        if report is None:
            return 0  # done or being done by another worker
        kind = report.deadline_kind
        if kind == DeadlineKind.REPLY:
            services.report_auto_close(report=report, now=now)
        elif kind == DeadlineKind.SUPPLY_INFO:
            services.report_expire_info(report=report, now=now)
        elif kind in STAFF_DEADLINES and report.alert_at == report.deadline_at:
            _overdue(report, now)
        elif kind in STAFF_DEADLINES:
            _escalate(report, now)
        else:
            Report.objects.filter(pk=report.pk).update(alert_at=None)
        return 1


def _overdue(report: Report, now: datetime) -> None:
    """The deadline passed: those responsible are reminded, the reporter told."""
    services.report_deadline_marked(report=report, action=Action.OVERDUE, now=now)
    Report.objects.filter(pk=report.pk).update(alert_at=report.escalate_at)
    notices.staff_told_overdue(report=report, staff=_responsible(report))
    notices.reporter_told_overdue(report)


def _escalate(report: Report, now: datetime) -> None:
    """Twice the allowed time passed: the supervisors are told."""
    services.report_deadline_marked(report=report, action=Action.ESCALATE, now=now)
    Report.objects.filter(pk=report.pk).update(alert_at=None)
    notices.staff_told_escalated(report=report, staff=_supervisors(report))


def _active_staff(query: Q) -> list[User]:
    # With the reporter row each is read with (Actor.for_user asks for it).
    return list(
        User.objects.filter(query, is_active=True).select_related("reporter").order_by("pk")
    )


def _responsible(report: Report) -> list[User]:
    """Who must act: the national admins to verify; else the agency's admins and
    the liaisons of the unit it was assigned to."""
    if report.deadline_kind == DeadlineKind.VERIFY or report.agency_id is None:
        return _active_staff(Q(role=User.Role.NATIONAL_ADMIN))
    query = Q(role=User.Role.AGENCY_ADMIN, agency_id=report.agency_id)
    if report.unit_id is not None:
        query |= Q(role=User.Role.LIAISON, unit_id=report.unit_id)
    return _active_staff(query)


def _supervisors(report: Report) -> list[User]:
    """The supervising agency's supervisors and admins (the province for a regency
    or a city), and the national admins."""
    query = Q(role=User.Role.NATIONAL_ADMIN)
    supervisor_id = report.agency.supervisor_id if report.agency is not None else None
    if supervisor_id is not None:
        query |= Q(role__in=(User.Role.SUPERVISOR, User.Role.AGENCY_ADMIN), agency_id=supervisor_id)
    return _active_staff(query)
