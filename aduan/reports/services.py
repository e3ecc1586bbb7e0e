"""The report lifecycle (DESIGN.md §4): one service per action. Each validates its
input, asks the access policy and the transition table, then writes the change and
its timeline event in one transaction with a conditional update — of two people
acting on the same version of a report, one wins and the other gets StaleReport."""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.agencies.models import Agency, Unit
from aduan.categories.models import Category
from aduan.core.followers import report_followers
from aduan.lib.errors import Conflict, InvalidInput, NotFound, NotPermitted
from aduan.lib.memo import reference_memo
from aduan.lib.text import clean_text
from aduan.regions.codes import format_region_code
from aduan.regions.models import Region
from aduan.reporters.models import Reporter
from aduan.reports import notices, policy, workflow
from aduan.reports.attachments import clean_upload
from aduan.reports.deadlines import (
    NO_DEADLINE,
    Clock,
    Deadline,
    completion_days,
    deadline,
    policy_for,
)
from aduan.reports.errors import StaleReport, WrongState
from aduan.reports.models import (
    REMINDABLE_STATES,
    Action,
    ArchiveReason,
    Attachment,
    Channel,
    DeadlineKind,
    DeadlinePolicy,
    DuplicatePair,
    PairLabel,
    Report,
    ReportEvent,
    ReportType,
    State,
)
from aduan.reports.policy import Actor
from aduan.reports.tracking import tracking_number_new, tracking_number_parse
from aduan.workdays.calendar import working_days_elapsed

TITLE_MAX = 150
BODY_MAX = 10_000
REASON_MAX = 2_000


# -- input checks --------------------------------------------------------------------


def _text(value: str | None, *, field: str, maximum: int, required: bool = True) -> str:
    return clean_text(value, field=field, maximum=maximum, required=required)


@reference_memo()
def _active_categories() -> dict[str, Category]:
    return {category.code: category for category in Category.objects.filter(is_active=True)}


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    category = _active_categories().get(code)
    if category is None:
        raise InvalidInput(_("Kategori tidak dikenal."), code="unknown_category", field="category")
    return category


def _region_code(code: str | None) -> str | None:
    if not code:
        return None
    code = format_region_code(code, field="region")
    # One primary-key lookup: cheaper than keeping all 91,599 codes in every process.
    if not Region.objects.filter(pk=code).exists():
        raise InvalidInput(_("Wilayah tidak dikenal."), code="unknown_region", field="region")
    return code


@reference_memo(maxsize=1024)
def _active_agency(agency_id: int) -> Agency | None:
    """One agency at a time: a process meets a few of the 658, and loading them all
    with their regions cost more than the lookups it saved."""
    return (
        Agency.objects.filter(pk=agency_id, is_active=True)
        .select_related("region", "parent")
        .first()
    )


@reference_memo(maxsize=256)
def _active_units(agency_id: int) -> dict[int, Unit]:
    return {unit.pk: unit for unit in Unit.objects.filter(agency_id=agency_id, is_active=True)}


def _agency(agency_id: int | None, *, field: str) -> Agency | None:
    if agency_id is None:
        return None
    agency = _active_agency(agency_id)
    if agency is None:
        raise InvalidInput(_("Instansi tidak dikenal."), code="unknown_agency", field=field)
    return agency


def _unit(unit_id: int | None, *, agency: Agency) -> Unit | None:
    if unit_id is None:
        return None
    unit = _active_units(agency.pk).get(unit_id)
    if unit is None:
        raise InvalidInput(
            _("Unit kerja tidak dikenal di instansi ini."), code="unknown_unit", field="unit"
        )
    return unit


@dataclass(frozen=True, slots=True)
class Location:
    region: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""


def _coordinates(location: Location) -> tuple[float | None, float | None]:
    lat, lon = location.latitude, location.longitude
    if (lat is None) != (lon is None):
        raise InvalidInput(
            _("Isi lintang dan bujur bersama-sama."),
            code="incomplete_coordinates",
            field="latitude",
        )
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(
            _("Koordinat tidak valid."), code="invalid_coordinates", field="latitude"
        )
    return lat, lon


# -- create --------------------------------------------------------------------------


def report_create(
    *,
    actor: Actor,
    reporter: Reporter,
    type: str,
    title: str,
    body: str,
    channel: str,
    category: str | None = None,
    location: Location | None = None,
    incident_date: date | None = None,
    agency_hint: int | None = None,
    anonymous: bool = False,
    confidential: bool = False,
    files: Sequence["Upload"] = (),
    acknowledged: bool = False,
    now: datetime | None = None,
) -> Report:
    """A new report, waiting for verification within its deadline, with its files:
    all written, or nothing. The reporter is sent a receipt, unless the channel
    ``acknowledged`` it itself (an SMS answered at once)."""
    now = now or timezone.now()
    if actor.role == "citizen" and actor.reporter_id != reporter.pk:
        raise NotPermitted(_("Laporan hanya dapat dikirim atas nama Anda sendiri."))
    if actor.role in ("public", "integration", "supervisor"):
        raise NotPermitted()
    if type not in ReportType.values:
        raise InvalidInput(_("Jenis laporan tidak dikenal."), code="unknown_type", field="type")
    if channel not in Channel.values or channel == Channel.SYSTEM:
        raise InvalidInput(_("Kanal tidak dikenal."), code="unknown_channel", field="channel")
    location = location or Location()
    latitude, longitude = _coordinates(location)
    if incident_date is not None and incident_date > timezone.localdate(now):
        raise InvalidInput(
            _("Tanggal kejadian tidak boleh di masa depan."),
            code="future_date",
            field="incident_date",
        )
    fields = {
        "type": type,
        "title": _text(title, field="title", maximum=TITLE_MAX),
        "body": _text(body, field="body", maximum=BODY_MAX),
        "category": _category(category),
        "region_id": _region_code(location.region),
        "latitude": latitude,
        "longitude": longitude,
        "address": _text(location.address, field="address", maximum=300, required=False),
        "incident_date": incident_date,
        "agency_hint": _agency(agency_hint, field="agency_hint"),
        "channel": channel,
        "is_anonymous": anonymous,
        "is_confidential": confidential,
    }
    rules = policy_for(
        report_type=type, category_id=_id(fields["category"]), on=timezone.localdate(now)
    )
    due = _verification_due(rules, now)
    _files_check(files)
    with _stored_files() as stored, transaction.atomic():
        report = _report_insert(
            actor=actor, reporter=reporter, fields=fields, due=due, channel=channel, now=now
        )
        _attachments_add(actor, report, files, stored=stored)
        if not acknowledged:
            notices.reporter_told_of_receipt(report)
    return report


def _report_insert(
    *,
    actor: Actor,
    reporter: Reporter,
    fields: Mapping[str, object],
    due: Deadline,
    channel: str,
    now: datetime,
) -> Report:
    """The report row and its first event under a fresh tracking number."""
    # Nine random digits rarely clash (one in 10,000 at 100,000 reports): rather than
    # look first, let the unique constraint refuse a clash and draw again.
    for attempt in range(5):
        number = tracking_number_new()
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    tracking_number=number,
                    reporter=reporter,
                    state=State.SUBMITTED,
                    submitted_at=now,
                    **fields,
                    **due.fields(),
                )
                event = ReportEvent.objects.create(
                    report=report,
                    action=Action.SUBMIT,
                    actor=actor.user,
                    actor_role=actor.role,
                    actor_agency_id=actor.agency_id,
                    from_state="",
                    to_state=State.SUBMITTED,
                    channel=channel,
                    created_at=now,
                )
                _followed(report, event, now)
            return report
        except IntegrityError:
            if attempt == 4 or not Report.objects.filter(tracking_number=number).exists():
                raise
    raise AssertionError("unreachable")


def _id(obj: object) -> int | None:
    return getattr(obj, "pk", None)


# -- the one way a report changes ----------------------------------------------------


def _transition(
    *,
    actor: Actor,
    report: Report,
    action: str,
    channel: str,
    now: datetime,
    changes: Mapping[str, object] | None = None,
    reason: str = "",
    body: str = "",
    rating: int | None = None,
) -> ReportEvent:
    """Checks permission and state, then applies ``changes`` and writes the event in
    one transaction; ``report`` is updated in memory to match."""
    if not policy.can(actor, action, report):
        if policy.report_view(actor, report) == policy.View.NONE:
            raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
        raise NotPermitted()
    to_state = workflow.next_state(action, report.state)
    if to_state is None:
        raise WrongState()
    changes = dict(changes or {})
    from_state = report.state
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, version=report.version).update(
            state=to_state, version=F("version") + 1, updated_at=now, **changes
        )
        if updated == 0:
            current = Report.objects.filter(pk=report.pk).values_list("state", flat=True).first()
            raise StaleReport(
                _("Laporan ini baru saja diubah orang lain; statusnya kini: %(state)s.")
                % {"state": State(current).label if current else "-"}
            )
        for name, value in changes.items():
            setattr(report, name, value)
        report.state, report.version = to_state, report.version + 1
        event = ReportEvent.objects.create(
            report=report,
            action=action,
            actor=actor.user,
            actor_role=actor.role,
            actor_agency_id=actor.agency_id,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            body=body,
            channel=channel,
            agency_id=report.agency_id,
            unit_id=report.unit_id,
            rating=rating,
            created_at=now,
        )
        _followed(report, event, now)
        notices.reporter_told(report=report, event=event)
        return event


def _annotate(
    *, actor: Actor, report: Report, action: str, now: datetime, body: str = "", reason: str = ""
) -> ReportEvent:
    """An event that changes nothing (an internal note, an identity opened, a
    deadline passed)."""
    if not policy.can(actor, action, report):
        raise NotPermitted()
    event = ReportEvent.objects.create(
        report=report,
        action=action,
        actor=actor.user,
        actor_role=actor.role,
        actor_agency_id=actor.agency_id,
        from_state=report.state,
        to_state=report.state,
        body=body,
        reason=reason,
        channel=Channel.WEB if actor.user else Channel.SYSTEM,
        agency_id=report.agency_id,
        unit_id=report.unit_id,
        is_internal=True,
        created_at=now,
    )
    _followed(report, event, now)
    return event


def _followed(report: Report, event: ReportEvent, now: datetime) -> None:
    """What other packages keep in step with the reports (the statistics' queue,
    the agencies' webhooks: core/followers.py), in the event's transaction."""
    for follow in report_followers():
        follow(report=report, event=event, now=now)


def _verification_due(rules: DeadlinePolicy, now: datetime) -> Deadline:
    """The national admin verifies in WIB working days, whatever the report's region."""
    return deadline(DeadlineKind.VERIFY, start=now, days=rules.verify_days, clock=Clock.national())


def _rules(report: Report, now: datetime) -> DeadlinePolicy:
    return policy_for(
        report_type=report.type, category_id=report.category_id, on=timezone.localdate(now)
    )


# -- national admin ------------------------------------------------------------------


def report_dispose(
    *,
    actor: Actor,
    report: Report,
    agency_id: int,
    unit_id: int | None = None,
    needs_inspection: bool = False,
    category: str | None = None,
    channel: str = Channel.WEB,
    reason: str = "",
    now: datetime | None = None,
) -> ReportEvent:
    """Verified and sent to the responsible agency (and unit): the agency's first
    follow-up is due in its working days, completion by the type's deadline.
    ``reason``: why, for staff (the automatic disposition names its model)."""
    now = now or timezone.now()
    agency = _agency(agency_id, field="agency")
    assert agency is not None
    unit = _unit(unit_id, agency=agency)
    new_category = _category(category) if category else None
    if new_category is not None:
        report.category = new_category
    rules = _rules(report, now)
    clock = Clock.for_agency(agency)
    complete_in = completion_days(rules, needs_inspection=needs_inspection)
    first = deadline(
        DeadlineKind.FIRST_FOLLOW_UP, start=now, days=rules.first_follow_up_days, clock=clock
    )
    changes: dict[str, object] = {
        "agency": agency,
        "unit": unit,
        "needs_inspection": needs_inspection,
        "dispositioned_at": now,
        "completion_due_at": clock.after(now, complete_in),
        **first.fields(),
    }
    if new_category is not None:
        changes["category"] = new_category
    return _transition(
        actor=actor,
        report=report,
        action=Action.DISPOSE,
        channel=channel,
        now=now,
        changes=changes,
        reason=reason,
    )


def report_classify(
    *,
    actor: Actor,
    report: Report,
    type: str | None = None,
    category: str | None = None,
    region: str | None = None,
    title: str | None = None,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent | None:
    """The national admin completes or corrects what the reporter (or the channel)
    left out, while verifying: type, category, region (down to the village) and
    title; ``None`` leaves a field as it is. One event lists each change as
    "field: before → after", for staff; routing, duplicates and the statistics read
    the report's fields, so they follow (the change queues the report for the
    roll-ups). Nothing changed: no event, None."""
    now = now or timezone.now()
    changes: dict[str, object] = {}
    lines: list[str] = []
    if type is not None and type != report.type:
        if type not in ReportType.values:
            raise InvalidInput(_("Jenis laporan tidak dikenal."), code="unknown_type", field="type")
        changes["type"] = type
        lines.append(change_line(_("Jenis"), ReportType(report.type).label, ReportType(type).label))
    if category is not None:
        new_category = _category(category)
        if new_category is None:
            raise InvalidInput(_("Pilih kategori."), code="required", field="category")
        if new_category.pk != report.category_id:
            changes["category"] = new_category
            old = report.category.label if report.category else "—"
            lines.append(change_line(_("Kategori"), old, new_category.label))
    if region is not None:
        code = _region_code(region)
        if code is None:
            raise InvalidInput(_("Pilih wilayah."), code="required", field="region")
        if code != report.region_id:
            place = Region.objects.get(pk=code)
            changes["region"] = place
            was = f"{report.region.name} ({report.region_id})" if report.region else "—"
            lines.append(change_line(_("Wilayah"), was, f"{place.name} ({code})"))
    if title is not None:
        new_title = _text(title, field="title", maximum=TITLE_MAX)
        if new_title != report.title:
            changes["title"] = new_title
            lines.append(change_line(_("Judul"), report.title, new_title))
    if not changes:
        return None
    return _transition(
        actor=actor,
        report=report,
        action=Action.CLASSIFY,
        channel=channel,
        now=now,
        changes=changes,
        body="\n".join(lines),
    )


def change_line(field: object, before: object, after: object) -> str:
    """One line of a CLASSIFY event: "field: before → after" ("—" for nothing)."""
    return f"{field}: {before} → {after}"


def report_request_info(
    *,
    actor: Actor,
    report: Report,
    reason: str,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """Ask the reporter for what is missing; they have working days to send it."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", maximum=REASON_MAX)
    due = deadline(
        DeadlineKind.SUPPLY_INFO,
        start=now,
        days=_rules(report, now).supply_info_days,
        clock=Clock.national(),
    )
    return _transition(
        actor=actor,
        report=report,
        action=Action.REQUEST_INFO,
        channel=channel,
        now=now,
        changes=due.fields(),
        reason=reason,
    )


def report_archive(
    *,
    actor: Actor,
    report: Report,
    reason: str,
    note: str = "",
    duplicate_of: str | None = None,
    score: float | None = None,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """Not handled, with a reason the reporter is told. A merge (reason duplicate)
    is kept as a labelled pair with ``score``, the duplicate finder's score for the
    two when it offered the original (aduan/triage/duplicates.py), in the same
    transaction."""
    now = now or timezone.now()
    if reason not in ArchiveReason.values or reason == ArchiveReason.NO_REPLY:
        raise InvalidInput(_("Alasan arsip tidak dikenal."), code="unknown_reason", field="reason")
    original = None
    if reason == ArchiveReason.DUPLICATE:
        number = tracking_number_parse(duplicate_of or "")
        original = Report.objects.filter(tracking_number=number).exclude(pk=report.pk).first()
        if original is None:
            raise InvalidInput(
                _("Laporan asli tidak ditemukan."), code="unknown_original", field="duplicate_of"
            )
    changes = {"archive_reason": reason, "duplicate_of": original, "closed_at": now, **NO_DEADLINE}
    note = _text(note, field="note", maximum=REASON_MAX, required=False)
    with transaction.atomic():
        event = _transition(
            actor=actor,
            report=report,
            action=Action.ARCHIVE,
            channel=channel,
            now=now,
            changes=changes,
            reason=note,
        )
        if original is not None:
            _pair_record(actor, report, original, PairLabel.DUPLICATE, score=score, now=now)
    return event


def report_not_duplicate(
    *,
    actor: Actor,
    report: Report,
    other: str,
    score: float | None = None,
    now: datetime | None = None,
) -> DuplicatePair:
    """The national admin says ``other`` (a tracking number) is not the same case as
    ``report``: a labelled pair, with the finder's ``score`` for it, and the finder
    no longer offers either report for the other. Said twice, it is kept once."""
    now = now or timezone.now()
    if not policy.can(actor, policy.NOT_DUPLICATE, report):
        if policy.report_view(actor, report) == policy.View.NONE:
            raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
        raise NotPermitted()
    number = tracking_number_parse(other)
    found = Report.objects.filter(tracking_number=number).exclude(pk=report.pk).first()
    if found is None or policy.report_view(actor, found) == policy.View.NONE:
        raise InvalidInput(
            _("Laporan pembanding tidak ditemukan."), code="unknown_other", field="other"
        )
    if score is not None and not 0.0 <= score <= 1.0:
        raise InvalidInput(_("Skor tidak valid."), code="invalid_score", field="score")
    with transaction.atomic():
        existing = DuplicatePair.objects.filter(
            report=report, other=found, label=PairLabel.NOT_DUPLICATE
        ).first()
        if existing is not None:
            return existing
        return _pair_record(actor, report, found, PairLabel.NOT_DUPLICATE, score=score, now=now)


def _pair_record(
    actor: Actor,
    report: Report,
    other: Report,
    label: str,
    *,
    score: float | None,
    now: datetime,
) -> DuplicatePair:
    return DuplicatePair.objects.create(
        report=report,
        other=other,
        label=label,
        actor=actor.user,
        score=None if score is None else round(float(score), 4),
        created_at=now,
    )


def report_intervene(
    *,
    actor: Actor,
    report: Report,
    reason: str,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """A national admin closes an open report, with a reason."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", maximum=REASON_MAX)
    return _transition(
        actor=actor,
        report=report,
        action=Action.INTERVENE,
        channel=channel,
        now=now,
        changes={"closed_at": now, **NO_DEADLINE},
        reason=reason,
    )


def report_reporter_reveal(
    *, actor: Actor, report: Report, now: datetime | None = None
) -> Reporter:
    """The reporter of a report, for a national admin; opening an anonymous reporter's
    identity is written to the timeline every time."""
    access = policy.identity_access(actor, report)
    if access == "reveal":
        _annotate(
            actor=actor, report=report, action=Action.IDENTITY_VIEWED, now=now or timezone.now()
        )
    elif access != "contacts":
        raise NotPermitted()
    return report.reporter


# -- supervisor ----------------------------------------------------------------------


def report_remind(*, actor: Actor, report: Report, now: datetime | None = None) -> ReportEvent:
    """The supervising agency (or a national admin) reminds the agency handling an
    overdue report: its admins, and the liaisons of its unit, get an e-mail, and the
    timeline records the reminder (for staff only). Once a day is enough."""
    now = now or timezone.now()
    if not policy.can(actor, Action.REMIND, report):
        if policy.report_view(actor, report) == policy.View.NONE:
            raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
        raise NotPermitted()
    if report.state not in REMINDABLE_STATES or report.agency is None:
        raise WrongState()
    if report.deadline_at is None or report.deadline_at >= now:
        raise Conflict(_("Laporan ini belum melewati batas waktunya."), code="not_overdue")
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        # One reminder a day, even when two supervisors click at once.
        Report.objects.select_for_update().filter(pk=report.pk).first()
        if report.events.filter(action=Action.REMIND, created_at__gte=today).exists():
            raise Conflict(
                _("Instansi sudah diingatkan tentang laporan ini hari ini."),
                code="already_reminded",
            )
        event = _annotate(actor=actor, report=report, action=Action.REMIND, now=now)
        handlers = User.objects.filter(is_active=True).filter(
            Q(role=User.Role.AGENCY_ADMIN, agency_id=report.agency_id)
            | Q(role=User.Role.LIAISON, unit_id=report.unit_id, unit__isnull=False)
        )
        by = _actor_agency_name(actor)
        notices.staff_reminded(report=report, by=by, staff=list(handlers.order_by("pk")))
    return event


def _actor_agency_name(actor: Actor) -> str:
    if actor.agency_id is not None:
        name = Agency.objects.filter(pk=actor.agency_id).values_list("name", flat=True).first()
        if name:
            return str(name)
    return str(_("Admin nasional"))


# -- agency --------------------------------------------------------------------------


def report_assign(
    *,
    actor: Actor,
    report: Report,
    unit_id: int,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The agency admin hands the report to one of its units."""
    now = now or timezone.now()
    if report.agency is None:
        raise WrongState()
    unit = _unit(unit_id, agency=report.agency)
    return _transition(
        actor=actor,
        report=report,
        action=Action.ASSIGN,
        channel=channel,
        now=now,
        changes={"unit": unit},
    )


def report_redispose(
    *,
    actor: Actor,
    report: Report,
    agency_id: int,
    reason: str = "",
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The agency admin passes the report to one of its sub-agencies; the clocks
    started at disposition keep running."""
    now = now or timezone.now()
    agency = _agency(agency_id, field="agency")
    if agency is None or agency.parent_id is None or agency.parent_id != report.agency_id:
        raise InvalidInput(
            _("Disposisi ulang hanya ke instansi di bawahnya."),
            code="not_a_sub_agency",
            field="agency",
        )
    return _transition(
        actor=actor,
        report=report,
        action=Action.REDISPOSE,
        channel=channel,
        now=now,
        changes={"agency": agency, "unit": None},
        reason=_text(reason, field="reason", maximum=REASON_MAX, required=False),
    )


def report_bounce(
    *,
    actor: Actor,
    report: Report,
    reason: str,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """Not our authority (bukan wewenang): back to the national admin to dispose
    again, with the reason; verification is due anew."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", maximum=REASON_MAX)
    due = _verification_due(_rules(report, now), now)
    changes = {
        "agency": None,
        "unit": None,
        "dispositioned_at": None,
        "completion_due_at": None,
        "needs_inspection": False,
        **due.fields(),
    }
    return _transition(
        actor=actor,
        report=report,
        action=Action.BOUNCE,
        channel=channel,
        now=now,
        changes=changes,
        reason=reason,
    )


def report_follow_up(
    *,
    actor: Actor,
    report: Report,
    text: str,
    files: Sequence["Upload"] = (),
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The agency's answer or action, relayed to the reporter, with documents if any
    (all written, or nothing). The first one moves the report to in progress; the
    completion deadline is then the one to meet."""
    now = now or timezone.now()
    text = _text(text, field="text", maximum=BODY_MAX)
    _files_check(files)
    changes: dict[str, object] = {}
    if report.state == State.DISPOSITIONED:
        changes = {"first_follow_up_at": now, **_completion_deadline(report, now).fields()}
    with _stored_files() as stored, transaction.atomic():
        event = _transition(
            actor=actor,
            report=report,
            action=Action.FOLLOW_UP,
            channel=channel,
            now=now,
            changes=changes,
            body=text,
        )
        _attachments_add(actor, report, files, stored=stored, event=event)
    return event


def report_answer(
    *,
    actor: Actor,
    report: Report,
    text: str,
    files: Sequence["Upload"] = (),
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The final follow-up: the reporter now has working days to confirm or re-open,
    after which the report closes by itself. On a report without a follow-up yet
    this is its first follow-up too (two events, as the transition table has it)."""
    now = now or timezone.now()
    text = _text(text, field="text", maximum=BODY_MAX)
    _files_check(files)
    reply = deadline(
        DeadlineKind.REPLY,
        start=now,
        days=_rules(report, now).reply_days,
        clock=Clock.for_agency(report.agency),
    )
    with _stored_files() as stored, transaction.atomic():
        if report.state == State.DISPOSITIONED:
            first = report_follow_up(
                actor=actor, report=report, text=text, channel=channel, now=now
            )
            _attachments_add(actor, report, files, stored=stored, event=first)
            text, files = "", ()
        event = _transition(
            actor=actor,
            report=report,
            action=Action.ANSWER,
            channel=channel,
            now=now,
            changes={"answered_at": now, **reply.fields()},
            body=text,
        )
        _attachments_add(actor, report, files, stored=stored, event=event)
    return event


def report_note(
    *, actor: Actor, report: Report, text: str, now: datetime | None = None
) -> ReportEvent:
    """An internal note staff write for each other; the reporter never sees it."""
    text = _text(text, field="text", maximum=BODY_MAX)
    return _annotate(
        actor=actor, report=report, action=Action.NOTE, now=now or timezone.now(), body=text
    )


def _completion_deadline(report: Report, now: datetime) -> Deadline:
    """Completion by the type's deadline, counted from disposition; escalated at
    twice the allowed time."""
    clock = Clock.for_agency(report.agency)
    days = completion_days(_rules(report, now), needs_inspection=report.needs_inspection)
    due = report.completion_due_at or clock.after(report.dispositioned_at or now, days)
    return Deadline(kind=DeadlineKind.COMPLETION, at=due, escalate_at=clock.after(due, days))


# -- reporter ------------------------------------------------------------------------


def report_supply_info(
    *,
    actor: Actor,
    report: Report,
    text: str,
    files: Sequence["Upload"] = (),
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The reporter sends what was asked for, with files if any (all written, or
    nothing); verification is due anew."""
    now = now or timezone.now()
    text = _text(text, field="text", maximum=BODY_MAX)
    _files_check(files)
    due = _verification_due(_rules(report, now), now)
    with _stored_files() as stored, transaction.atomic():
        event = _transition(
            actor=actor,
            report=report,
            action=Action.SUPPLY_INFO,
            channel=channel,
            now=now,
            changes=due.fields(),
            body=text,
        )
        _attachments_add(actor, report, files, stored=stored)
    return event


def report_reply(
    *,
    actor: Actor,
    report: Report,
    text: str,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The reporter writes to the agency (or the national admin) about an open
    report; the state and deadlines stay as they are."""
    text = _text(text, field="text", maximum=BODY_MAX)
    return _transition(
        actor=actor,
        report=report,
        action=Action.REPLY,
        channel=channel,
        now=now or timezone.now(),
        body=text,
    )


def report_confirm(
    *,
    actor: Actor,
    report: Report,
    rating: int,
    comment: str = "",
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The reporter is satisfied and rates the outcome from 1 to 5."""
    now = now or timezone.now()
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput(_("Nilai harus 1 sampai 5."), code="invalid_rating", field="rating")
    comment = _text(comment, field="comment", maximum=REASON_MAX, required=False)
    return _transition(
        actor=actor,
        report=report,
        action=Action.CONFIRM,
        channel=channel,
        now=now,
        changes={"rating": rating, "closed_at": now, **NO_DEADLINE},
        body=comment,
        rating=rating,
    )


def report_reopen(
    *,
    actor: Actor,
    report: Report,
    reason: str,
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> ReportEvent:
    """The reporter is not satisfied: back to the agency, whose completion clock
    resumes — the working days the answer waited for the reporter are added back."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", maximum=REASON_MAX)
    clock = Clock.for_agency(report.agency)
    if report.answered_at is not None and report.completion_due_at is not None:
        waited = working_days_elapsed(
            report.answered_at, now, zone=clock.zone, calendar=clock.calendar
        )
        if waited:
            report.completion_due_at = clock.after(report.completion_due_at, waited)
    completion = _completion_deadline(report, now)
    changes = {"answered_at": None, "completion_due_at": completion.at, **completion.fields()}
    return _transition(
        actor=actor,
        report=report,
        action=Action.REOPEN,
        channel=channel,
        now=now,
        changes=changes,
        reason=reason,
    )


# -- clocks (run by the worker's sweeps) ---------------------------------------------


def report_expire_info(*, report: Report, now: datetime | None = None) -> ReportEvent:
    """The reporter did not send the missing information in time: archived."""
    now = now or timezone.now()
    changes = {"archive_reason": ArchiveReason.NO_REPLY, "closed_at": now, **NO_DEADLINE}
    return _transition(
        actor=policy.SYSTEM,
        report=report,
        action=Action.EXPIRE_INFO,
        channel=Channel.SYSTEM,
        now=now,
        changes=changes,
    )


def report_deadline_marked(*, report: Report, action: str, now: datetime) -> ReportEvent:
    """The clock's mark on the timeline, for staff only: the report's current
    deadline passed (``Action.OVERDUE``) or ran twice its time (``Action.ESCALATE``)."""
    return _annotate(
        actor=policy.SYSTEM, report=report, action=action, now=now, reason=report.deadline_kind
    )


def report_auto_close(*, report: Report, now: datetime | None = None) -> ReportEvent:
    """Nobody replied to the answer in time: closed."""
    now = now or timezone.now()
    return _transition(
        actor=policy.SYSTEM,
        report=report,
        action=Action.AUTO_CLOSE,
        channel=Channel.SYSTEM,
        now=now,
        changes={"closed_at": now, **NO_DEADLINE},
    )


# -- attachments ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as it arrived: its name (only to tell the sender which file failed)
    and its bytes."""

    name: str
    data: bytes


def _files_check(files: Sequence[Upload]) -> None:
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise InvalidInput(
            _("Paling banyak %(count)s berkas.") % {"count": settings.UPLOAD_MAX_FILES},
            code="too_many_files",
            field="file",
        )


@contextmanager
def _stored_files() -> Iterator[list[Attachment]]:
    """Files put in storage inside a transaction that then fails are removed again,
    once it has rolled back: a file system is not part of the transaction (files in
    the database are, and are gone by then)."""
    stored: list[Attachment] = []
    try:
        yield stored
    except BaseException:
        for attachment in stored:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise


def _attachments_add(
    actor: Actor,
    report: Report,
    files: Sequence[Upload],
    *,
    stored: list[Attachment],
    event: ReportEvent | None = None,
) -> None:
    """Each file (the report's, or ``event``'s), recorded in ``stored`` as soon as
    it is in storage."""
    for upload in files:
        try:
            stored.append(
                report_attachment_add(actor=actor, report=report, data=upload.data, event=event)
            )
        except InvalidInput as error:
            if not upload.name:
                raise
            # Which of several files failed, by the name the sender knows it by.
            message = f"{upload.name[:60]}: {error.message}"
            raise type(error)(message, code=error.code, field=error.field) from None


def report_attachment_add(
    *,
    actor: Actor,
    report: Report,
    data: bytes,
    event: ReportEvent | None = None,
) -> Attachment:
    """A file with the report (from its reporter, while it is open) or with one of
    the handling agency's follow-ups; checked by content and stripped of metadata."""
    if event is not None and event.report_id != report.pk:
        raise InvalidInput(_("Lampiran tidak cocok dengan laporan."), code="wrong_event")
    handles = event is not None and policy.can(actor, Action.FOLLOW_UP, report)
    owns = event is None and policy.can(actor, Action.SUPPLY_INFO, report) and report.is_open
    if not (handles or owns):
        if policy.report_view(actor, report) == policy.View.NONE:
            raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
        raise NotPermitted()
    clean = clean_upload(data)
    attachment = Attachment.objects.create(
        report=report,
        event=event,
        file=clean.content,
        content_type=clean.content_type,
        size=clean.content.size,
    )
    if event is None:
        # Not part of a lifecycle step, which marks the change itself.
        Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return attachment
