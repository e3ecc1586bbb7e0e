"""The back office's lists: which reports a staff member works through, filtered,
searched and paginated. Each applies the access policy in its query (``visible_q``
and ``scope_q``) and costs a fixed number of queries whatever the page size, so the
agency, liaison and supervisor lists can be built on the same pieces."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Unit
from aduan.lib.errors import InvalidInput
from aduan.reports import workflow
from aduan.reports.models import (
    OPEN_STATES,
    REMINDABLE_STATES,
    Action,
    DeadlineKind,
    Report,
    ReportEvent,
    State,
)
from aduan.reports.policy import (
    Actor,
    View,
    can,
    report_view,
    scope_q,
    visible_q,
)
from aduan.reports.search import category_ids, reports_matching
from aduan.reports.selectors import (
    report_clocks,  # the clocks of every agency in an export, built once
    report_days_left_many,
    report_working_days_left,
)
from aduan.reports.tracking import tracking_number_parse

PAGE_SIZE = 30
# Where an agency has the report: from disposition until it is closed.
HANDLING_STATES = (State.DISPOSITIONED, State.IN_PROGRESS, State.ANSWERED)
# Deadlines staff must meet (the reporter's are to send information and to reply).
STAFF_DEADLINES = (DeadlineKind.VERIFY, DeadlineKind.FIRST_FOLLOW_UP, DeadlineKind.COMPLETION)
# Rows an export reads from the database at a time.
EXPORT_CHUNK = 500


class CaseOrder(models.TextChoices):
    """How a list is sorted; the values are the ``urut`` parameter's."""

    DEADLINE = "tenggat", _("Batas waktu: yang terlambat dulu")
    NEWEST = "terbaru", _("Diterima: yang terbaru dulu")
    OLDEST = "terlama", _("Diterima: yang terlama dulu")


_ORDERINGS: dict[str, tuple[OrderBy, ...]] = {
    # Deadlines that passed are the earliest: overdue first, then the soonest.
    CaseOrder.DEADLINE: (F("deadline_at").asc(nulls_last=True), F("id").asc()),
    CaseOrder.NEWEST: (F("submitted_at").desc(), F("id").desc()),
    CaseOrder.OLDEST: (F("submitted_at").asc(), F("id").asc()),
}


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """Already-valid filters and sort order (the filter form checks their shape)."""

    state: str = ""
    unit: int | None = None  # the unit a report is assigned to
    type: str = ""
    category: str = ""  # a category code: a parent stands for its children too
    region: str = ""  # a province or regency/city code: it and everything inside it
    channel: str = ""
    overdue: bool = False
    submitted_from: date | None = None
    submitted_to: date | None = None
    q: str = ""
    order: str = CaseOrder.DEADLINE

    @property
    def reads_content(self) -> bool:
        """Filters on what a report says or where it is from: matching on them would
        tell something of a report the reader may see only by number and state."""
        return bool(
            self.q.strip()
            or self.type
            or self.category
            or self.region
            or self.channel
            or self.unit is not None
            or self.submitted_from
            or self.submitted_to
        )


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A report in a back-office list, with its working days left (None: no deadline)
    and, on the bounced queue, who bounced it and why."""

    report: Report
    days_left: int | None
    bounced_by: str = ""
    bounce_reason: str = ""
    # Only its number, state and deadline may be shown (a supervisor's list
    # showing a confidential report).
    limited: bool = False
    # The reader may remind the agency of it (it is late on the agency's side).
    remindable: bool = False

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


@dataclass(frozen=True, slots=True)
class CasePage:
    page: Page[int]  # the reports' ids: the paginator's numbers and links
    rows: list[CaseRow]


def _reports(actor: Actor) -> QuerySet[Report]:
    """Every report the actor works on, as the policy says, in the query itself."""
    return Report.objects.filter(visible_q(actor), scope_q(actor)).select_related(
        "agency__region", "unit", "category", "region"
    )


def _search(reports: QuerySet[Report], text: str) -> QuerySet[Report]:
    """A tracking number finds its report; anything else is a full-text search, the
    public feed's, on both databases."""
    try:
        number = tracking_number_parse(text)
    except InvalidInput:
        return reports_matching(reports, text)
    return reports.filter(tracking_number=number)


def _filtered(reports: QuerySet[Report], filters: CaseFilters, now: datetime) -> QuerySet[Report]:
    if filters.state:
        reports = reports.filter(state=filters.state)
    if filters.unit is not None:
        reports = reports.filter(unit_id=filters.unit)
    if filters.type:
        reports = reports.filter(type=filters.type)
    if filters.category:
        reports = reports.filter(category_id__in=category_ids(filters.category))
    if filters.region:
        code = filters.region
        reports = reports.filter(Q(region_id=code) | Q(region__code__startswith=f"{code}."))
    if filters.channel:
        reports = reports.filter(channel=filters.channel)
    if filters.overdue:
        reports = reports.filter(_overdue_q(now))
    if filters.submitted_from:
        reports = reports.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        reports = reports.filter(submitted_at__date__lte=filters.submitted_to)
    if filters.q.strip():
        reports = _search(reports, filters.q)
    return reports


def _overdue_q(now: datetime) -> Q:
    """Late on staff's side: a deadline of verification or follow-up passed (the
    reporter's own deadlines — to send information, to reply — are theirs)."""
    return Q(deadline_at__lt=now, deadline_kind__in=STAFF_DEADLINES)


def _national_only(actor: Actor, reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports if actor.role == "national_admin" else reports.none()


def _sorted(reports: QuerySet[Report], filters: CaseFilters) -> QuerySet[Report]:
    return reports.order_by(*_ORDERINGS[filters.order])


def report_list_verification(
    *, actor: Actor, filters: CaseFilters, now: datetime | None = None
) -> QuerySet[Report]:
    """The national admin's verification queue: reports waiting to be verified (new,
    re-submitted with the information asked for, or bounced), by default by deadline
    — the overdue ones, whose deadlines passed first, on top."""
    now = now or timezone.now()
    reports = _filtered(_reports(actor).filter(state=State.SUBMITTED), filters, now)
    return _sorted(_national_only(actor, reports), filters)


def _last_move() -> QuerySet[ReportEvent]:
    """A report's latest event that moved it into or out of verification."""
    moves = (Action.SUBMIT, Action.SUPPLY_INFO, Action.BOUNCE, Action.DISPOSE)
    return ReportEvent.objects.filter(report=OuterRef("pk"), action__in=moves).order_by(
        "-created_at", "-id"
    )


def report_list_bounced(
    *, actor: Actor, filters: CaseFilters, now: datetime | None = None
) -> QuerySet[Report]:
    """Reports an agency bounced (bukan wewenang) back to the national admin and that
    wait to be disposed again, with the bouncing agency's name and reason."""
    now = now or timezone.now()
    last = _last_move()
    reports = (
        _reports(actor)
        .filter(state=State.SUBMITTED)
        .annotate(
            last_move=Subquery(last.values("action")[:1], output_field=CharField()),
            bounced_by=Subquery(last.values("actor_agency__name")[:1], output_field=CharField()),
            bounce_reason=Subquery(last.values("reason")[:1], output_field=CharField()),
        )
        .filter(last_move=Action.BOUNCE)
    )
    return _sorted(_national_only(actor, _filtered(reports, filters, now)), filters)


def report_list_inbox(
    *, actor: Actor, filters: CaseFilters, now: datetime | None = None
) -> QuerySet[Report]:
    """What an agency admin's agency (and its sub-agencies) — or that agency's own
    system — or a liaison's unit has to handle: reports dispositioned to it and not
    closed yet, by default the most urgent first."""
    now = now or timezone.now()
    if actor.role not in ("agency_admin", "liaison", "integration"):
        return Report.objects.none()
    reports = _reports(actor).filter(state__in=HANDLING_STATES)
    return _sorted(_filtered(reports, filters, now), filters)


def _watched(actor: Actor, filters: CaseFilters) -> QuerySet[Report]:
    """Open reports in the actor's scope, confidential ones included for whoever sees
    them only in part (a supervisor: by number, state and deadline) — unless the
    filters read the reports' content, which those it sees in part must not answer."""
    level = View.FULL if filters.reads_content else View.LIMITED
    return Report.objects.filter(
        visible_q(actor, level=level), scope_q(actor), state__in=OPEN_STATES
    ).select_related("agency__region", "unit", "category", "region")


def report_list_overdue(
    *, actor: Actor, filters: CaseFilters, now: datetime | None = None
) -> QuerySet[Report]:
    """Reports in the actor's scope whose staff deadline passed: the national
    admin's everywhere, an agency's own, a unit's own, a supervisor's agencies'."""
    now = now or timezone.now()
    reports = _watched(actor, filters).filter(_overdue_q(now))
    return _sorted(_filtered(reports, filters, now), filters)


def report_list_escalated(
    *, actor: Actor, filters: CaseFilters, now: datetime | None = None
) -> QuerySet[Report]:
    """Reports at twice their allowed time, escalated to the supervising agency and
    the national admin (DESIGN.md §4)."""
    now = now or timezone.now()
    reports = _watched(actor, filters).filter(
        escalate_at__lt=now, deadline_kind__in=STAFF_DEADLINES
    )
    return _sorted(_filtered(reports, filters, now), filters)


def case_page(
    reports: QuerySet[Report],
    *,
    actor: Actor,
    page: int | str | None,
    per_page: int = PAGE_SIZE,
    now: datetime | None = None,
) -> CasePage:
    """One page of a list with each report's working days left, in a fixed number of
    queries: the count, the page's ids, its rows, and the regional holidays of the
    agencies on it. The ids come first, read from the list's index alone, and only
    those rows are joined to their agency, unit, category and region — joining every
    row before the offset made page 50 of a long list cost 70 ms in PostgreSQL.
    A page number out of range gives the nearest page."""
    now = now or timezone.now()
    current = Paginator(reports.values_list("pk", flat=True), per_page).get_page(page)
    ids = list(current.object_list)
    position = {pk: index for index, pk in enumerate(ids)}
    on_page = sorted(reports.filter(pk__in=ids), key=lambda report: position[report.pk])
    days = report_days_left_many(reports=on_page, now=now)
    rows = [
        _row(actor, report, days_left, now) for report, days_left in zip(on_page, days, strict=True)
    ]
    return CasePage(page=current, rows=rows)


def _remindable(actor: Actor, report: Report, now: datetime) -> bool:
    """May the actor remind the agency of this report now: it is the agency's turn
    and its deadline passed (the service checks the same, and once a day)."""
    late = report.deadline_at is not None and report.deadline_at < now
    return late and report.state in REMINDABLE_STATES and can(actor, Action.REMIND, report)


def _row(actor: Actor, report: Report, days_left: int | None, now: datetime) -> CaseRow:
    return CaseRow(
        report,
        days_left,
        bounced_by=getattr(report, "bounced_by", "") or "",
        bounce_reason=getattr(report, "bounce_reason", "") or "",
        limited=report_view(actor, report) != View.FULL,
        remindable=_remindable(actor, report, now),
    )


def case_rows_all(
    reports: QuerySet[Report], *, actor: Actor, now: datetime | None = None
) -> Iterator[CaseRow]:
    """Every report of a list, not one page, for an export: read from the database
    in chunks as they are consumed, with the working-day clocks of all their
    agencies built first — three queries whatever the number of rows."""
    now = now or timezone.now()
    agencies = Agency.objects.filter(pk__in=reports.order_by().values("agency_id"))
    # report_clocks reads only each report's agency and its region.
    clocks = report_clocks([Report(agency=agency) for agency in agencies.select_related("region")])
    for report in reports.iterator(chunk_size=EXPORT_CHUNK):
        region = report.agency.region_id if report.agency is not None else None
        clock = clocks.get(region) or clocks[None]
        days_left = report_working_days_left(report=report, now=now, clock=clock)
        yield _row(actor, report, days_left, now)


# -- reference lists for the action forms --------------------------------------------


def agency_options() -> list[tuple[int, str]]:
    """Every active agency a report may be disposed to, by name."""
    return list(Agency.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))


def unit_options(*, agency_id: int | None) -> list[tuple[int, str]]:
    """The active units of one agency (none without an agency)."""
    if agency_id is None:
        return []
    units = Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("name")
    return list(units.values_list("pk", "name"))


def sub_agency_options(*, agency_id: int | None) -> list[tuple[int, str]]:
    """The active agencies under one agency, where it may re-dispose a report."""
    if agency_id is None:
        return []
    agencies = Agency.objects.filter(parent_id=agency_id, is_active=True).order_by("name")
    return list(agencies.values_list("pk", "name"))


# -- what a staff member may do ------------------------------------------------------

_STAFF_ACTIONS = (
    Action.REMIND,
    Action.DISPOSE,
    Action.CLASSIFY,
    Action.REQUEST_INFO,
    Action.ARCHIVE,
    Action.INTERVENE,
    Action.NOTE,
    Action.ASSIGN,
    Action.REDISPOSE,
    Action.BOUNCE,
    Action.FOLLOW_UP,
    Action.ANSWER,
)


# A final answer on a report without a follow-up yet is its first follow-up too
# (report_answer writes both events).
_THROUGH_FOLLOW_UP = frozenset({(Action.ANSWER, State.DISPOSITIONED)})


def report_staff_actions(*, actor: Actor, report: Report) -> frozenset[str]:
    """What the actor may do to the report now: the policy says who, the transition
    table says when."""
    now = timezone.now()
    return frozenset(
        action
        for action in _STAFF_ACTIONS
        if (action != Action.REMIND or _remindable(actor, report, now))
        and can(actor, action, report)
        and (
            workflow.next_state(action, report.state) is not None
            or (action, report.state) in _THROUGH_FOLLOW_UP
        )
    )
