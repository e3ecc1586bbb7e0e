"""Reads of reports. Every list applies the access policy in its query."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import NotFound
from aduan.regions.codes import format_region_code
from aduan.reports import workflow
from aduan.reports.deadlines import Clock, completion_days, policy_for
from aduan.reports.models import (
    OPEN_STATES,
    Action,
    Attachment,
    DeadlineKind,
    Report,
    ReportEvent,
    State,
)
from aduan.reports.policy import (
    PUBLIC,
    Actor,
    StatusAccess,
    View,
    can,
    can_see_attachments,
    is_owner,
    report_link_valid,
    report_view,
    scope_q,
    status_access,
    visible_q,
)
from aduan.reports.tracking import tracking_number_parse
from aduan.workdays.calendar import WorkCalendar, region_lineage
from aduan.workdays.models import RegionalHoliday


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


@dataclass(frozen=True, slots=True)
class Followed:
    """A report followed by its number: ``actor`` is the reader (with the link's
    grant when the visitor held a valid one), ``view`` how much of it they see and
    ``access`` what its status view shows."""

    report: Report
    actor: Actor
    view: View
    access: StatusAccess
    by_link: bool


def report_follow(*, actor: Actor, tracking_number: str, key: str = "") -> Followed:
    """Any existing report by its number, to follow its status (DESIGN.md §4–§5): a
    mistyped number is InvalidInput and an unknown one NotFound, as ``report_get``
    says them; ``key``, the per-report link's, reads it as its reporter. A wrong
    key, or another report's, changes nothing."""
    number = tracking_number_parse(tracking_number)
    report = _reports().filter(tracking_number=number).first()
    if report is None:
        raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
    by_link = bool(key) and report_link_valid(report, key)
    if by_link:
        actor = actor.with_link(report)
    return Followed(
        report=report,
        actor=actor,
        view=report_view(actor, report),
        access=status_access(actor, report),
        by_link=by_link,
    )


@dataclass(frozen=True, slots=True)
class StatusDate:
    """A step of the report's life and when it was taken."""

    step: str  # received, dispositioned, first_follow_up, answered, closed, archived
    label: str
    at: datetime


_STEP_LABELS = {
    "received": _("Diterima"),
    "dispositioned": _("Diverifikasi dan diteruskan ke instansi"),
    "first_follow_up": _("Tindak lanjut pertama"),
    "answered": _("Dijawab instansi"),
    "closed": _("Selesai"),
    "archived": _("Diarsipkan"),
}


def report_status_dates(*, report: Report) -> list[StatusDate]:
    """The dates so far, in order. Verifying a report is disposing it (one step,
    DESIGN.md §4), so they share a date; an archived report's date is its archiving
    event's (the only read beyond the report's own row)."""
    steps: list[tuple[str, datetime | None]] = [
        ("received", report.submitted_at),
        ("dispositioned", report.dispositioned_at),
        ("first_follow_up", report.first_follow_up_at),
        ("answered", report.answered_at),
    ]
    if report.state == State.ARCHIVED:
        archived = (
            report.events.filter(to_state=State.ARCHIVED)
            .order_by("-created_at", "-id")
            .values_list("created_at", flat=True)
            .first()
        )
        steps.append(("archived", archived))
    else:
        steps.append(("closed", report.closed_at))
    return [StatusDate(step, str(_STEP_LABELS[step]), at) for step, at in steps if at is not None]


@dataclass(frozen=True, slots=True)
class PublicStamp:
    """Which public report a number names, and a stamp that changes whenever what the
    public reads of it may have changed."""

    tracking_number: str
    stamp: str


def report_public_stamp(*, tracking_number: str) -> PublicStamp:
    """One indexed read, for answering the public from a cache: the report must be
    public (else NotFound, as ``report_get`` says for the public), and the stamp is
    its version (every lifecycle step), support count and last change."""
    number = tracking_number_parse(tracking_number)
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL, [number])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
    version, support, updated, state, confidential, agency_id = row
    # The policy's own check, on the row's facts.
    report = Report(state=state, is_confidential=confidential, agency_id=agency_id)
    if report_view(PUBLIC, report) != View.FULL:
        raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
    return PublicStamp(tracking_number=number, stamp=f"{version}.{support}.{updated}")


def _stamp_sql() -> str:
    # Written once from the model, not built per request: building the query was
    # most of what this read cost (it runs on every public GET).
    columns = {field.name: str(field.column) for field in Report._meta.concrete_fields}
    wanted = ("version", "support_count", "updated_at", "state", "is_confidential", "agency")
    quote = connection.ops.quote_name
    names = ", ".join(quote(columns[name]) for name in wanted)
    number = quote(columns["tracking_number"])
    return f"SELECT {names} FROM {quote(Report._meta.db_table)} WHERE {number} = %s"  # noqa: S608


_STAMP_SQL = _stamp_sql()


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
    """Reports a deadline sweep must act on now, oldest first (reports/sweeps.py).
    The partial index on alert_at answers this without scanning reports."""
    return Report.objects.filter(alert_at__lte=now).order_by("alert_at", "pk")[:limit]


def report_working_days_left(
    *, report: Report, now: datetime | None = None, clock: Clock | None = None
) -> int | None:
    """Working days from today to the report's next deadline in the responsible
    agency's calendar (0 on the day itself, negative when overdue), or None. A list
    passes the ``clock`` it built for many reports at once."""
    if report.deadline_at is None:
        return None
    now = now or timezone.now()
    if clock is None:
        clock = Clock.for_agency(report.agency) if report.agency_id else Clock.national()
    today = now.astimezone(clock.zone).date()
    due = report.deadline_at.astimezone(clock.zone).date()
    if due >= today:
        return clock.calendar.working_days_between(today, due)
    return -clock.calendar.working_days_between(due, today)


# -- the citizen portal ---------------------------------------------------------------


def report_clocks(reports: list[Report]) -> dict[str | None, Clock]:
    """The clock of each responsible agency's region among ``reports``, with their
    regional holidays read in one query however many regions there are (a list
    page then costs the same number of queries for any mix of agencies)."""
    regions = {r.agency.region for r in reports if r.agency is not None and r.agency.region}
    clocks: dict[str | None, Clock] = {None: Clock.national()}
    if not regions:
        return clocks
    lineages = {region.code: region_lineage(region.code) for region in regions}
    wanted = {code for lineage in lineages.values() for code in lineage}
    rows = list(
        RegionalHoliday.objects.filter(region_id__in=wanted).values_list("region_id", "date")
    )
    for region in regions:
        lineage = set(lineages[region.code])
        days = frozenset(day for code, day in rows if code in lineage)
        clocks[region.code] = Clock(region.zone_info, WorkCalendar(days))
    return clocks


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A report in a list with its working days left (None: no deadline running)."""

    report: Report
    days_left: int | None


@dataclass(frozen=True, slots=True)
class ReportPage:
    page: Page[Report]
    rows: list[ReportRow]


def report_page_for_reporter(
    *, actor: Actor, page: int | str | None, per_page: int = 20, now: datetime | None = None
) -> ReportPage:
    """One page of the actor's own reports, newest first, with their deadlines, in
    a fixed number of queries. A page number out of range gives the nearest page."""
    paginator = Paginator(report_list_for_reporter(actor=actor), per_page)
    current = paginator.get_page(page)
    reports = list(current.object_list)
    clocks = report_clocks(reports)
    now = now or timezone.now()
    rows = []
    for report in reports:
        region = report.agency.region_id if report.agency is not None else None
        clock = clocks.get(region) or clocks[None]
        rows.append(
            ReportRow(report, report_working_days_left(report=report, now=now, clock=clock))
        )
    return ReportPage(page=current, rows=rows)


def report_list_similar(*, region: str, category: str | None, limit: int = 5) -> list[Report]:
    """Public reports of the same category in the same regency or city, to show a
    citizen before they submit: supporting an existing report beats a duplicate.
    Open ones come first (support still helps them), then the most supported."""
    code = format_region_code(region, field="region")
    if code.count(".") < 1 or not category:
        return []
    regency = ".".join(code.split(".")[:2])
    reports = (
        _reports()
        .filter(visible_q(PUBLIC), category__code=category)
        .filter(Q(region_id=regency) | Q(region__code__startswith=f"{regency}."))
        .annotate(
            done=Case(
                When(state=State.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("done", "-support_count", "-submitted_at", "-id")
    )
    return list(reports[:limit])


@dataclass(frozen=True, slots=True)
class NextSteps:
    """What happens to a new report and within how many working days, from the
    deadline policy in force for its type and category."""

    verify_days: int
    verify_due: datetime | None
    supply_info_days: int
    first_follow_up_days: int
    completion_days: int
    inspection_completion_days: int | None
    reply_days: int


def report_next_steps(*, report: Report) -> NextSteps:
    submitted_on = timezone.localdate(report.submitted_at)
    rules = policy_for(report_type=report.type, category_id=report.category_id, on=submitted_on)
    inspection = completion_days(rules, needs_inspection=True)
    return NextSteps(
        verify_days=rules.verify_days,
        verify_due=report.deadline_at if report.deadline_kind == DeadlineKind.VERIFY else None,
        supply_info_days=rules.supply_info_days,
        first_follow_up_days=rules.first_follow_up_days,
        completion_days=rules.completion_days,
        inspection_completion_days=inspection if inspection != rules.completion_days else None,
        reply_days=rules.reply_days,
    )


_REPORTER_ACTIONS = (Action.REPLY, Action.SUPPLY_INFO, Action.CONFIRM, Action.REOPEN)


def report_reporter_actions(*, actor: Actor, report: Report) -> frozenset[str]:
    """What the actor, as this report's reporter, may do to it now: the policy says
    who, the transition table says when."""
    return frozenset(
        action
        for action in _REPORTER_ACTIONS
        if can(actor, action, report) and workflow.next_state(action, report.state) is not None
    )


def report_attachments(*, actor: Actor, report: Report) -> list[Attachment]:
    """The report's files the actor may see (none when the policy says no)."""
    if not can_see_attachments(actor, report):
        return []
    return list(report.attachments.order_by("created_at", "id"))


def attachment_get(*, actor: Actor, attachment_id: int, key: str = "") -> Attachment:
    """A file for download, only to those the policy lets see the report's files
    (``key``: the report's per-report link, read as its reporter); to anyone else
    it does not exist."""
    attachment = (
        Attachment.objects.select_related("report__agency__region", "report__agency__supervisor")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is not None and key and report_link_valid(attachment.report, key):
        actor = actor.with_link(attachment.report)
    if attachment is None or not can_see_attachments(actor, attachment.report):
        raise NotFound(_("Lampiran tidak ditemukan."), code="attachment_not_found")
    return attachment


# -- the back office -----------------------------------------------------------------


def report_days_left_many(
    *, reports: list[Report], now: datetime | None = None
) -> list[int | None]:
    """``report_working_days_left`` for each of ``reports``, with the regional
    holidays of all their agencies read in one query: a list page's badges cost
    the same whatever the page size."""
    clocks = report_clocks(reports)
    now = now or timezone.now()
    days = []
    for report in reports:
        region = report.agency.region_id if report.agency is not None else None
        clock = clocks.get(region) or clocks[None]
        days.append(report_working_days_left(report=report, now=now, clock=clock))
    return days


@dataclass(frozen=True, slots=True)
class MergedInto:
    """The report a reporter's duplicate was merged into, as far as they may follow
    it: its number, state and deadline always; the whole report (``linked``) only
    when they may read it."""

    report: Report
    linked: bool


def report_merged_into(*, actor: Actor, report: Report) -> MergedInto | None:
    """For the reporter of a report merged as a duplicate: the original, whose
    progress they follow from their own report's page."""
    if report.duplicate_of_id is None or not is_owner(actor, report):
        return None
    original = _reports().get(pk=report.duplicate_of_id)
    return MergedInto(original, linked=report_view(actor, original) == View.FULL)
