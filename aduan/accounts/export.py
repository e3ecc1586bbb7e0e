"""The sections of a citizen's data export (UU PDP). Each part of the system that
holds personal data registers a function that returns that person's share of it:

    @export_section("comments")
    def comments(user: User) -> list[dict[str, object]]: ...

The module that registers must be imported at start-up (its AppConfig.ready). A
section must read only what belongs to ``user``; values may be anything Django's
JSON encoder accepts (dates, lazy strings)."""

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from aduan.accounts.models import User

Section = Callable[[User], Any]
_SECTIONS: dict[str, Section] = {}


def export_section(name: str) -> Callable[[Section], Section]:
    def register(section: Section) -> Section:
        if name in _SECTIONS and _SECTIONS[name] is not section:
            raise ValueError(f"an export section named {name!r} already exists")
        _SECTIONS[name] = section
        return section

    return register


def identity_hashes(user: User, *, kind: str) -> list[str]:
    """The keyed hashes of the person's identities of one kind: what a channel's own
    records of them (SMS, mail, posts) are found by (under a retired data key too,
    while one is rotated)."""
    from aduan.reporters.models import ChannelIdentity
    from aduan.reporters.services import identities_known_as

    return identities_known_as(ChannelIdentity.objects.filter(reporter__user=user, kind=kind))


def sections() -> dict[str, Section]:
    return dict(_SECTIONS)


# -- what the accounts, reporters, reports and outbox parts hold --------------------------


@export_section("account")
def _account(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _reporter(user: User) -> Any:
    from aduan.reporters.models import Reporter

    return Reporter.objects.filter(user=user).first()


@export_section("reporter")
def _reporter_section(user: User) -> dict[str, Any] | None:
    reporter = _reporter(user)
    if reporter is None:
        return None
    return {"name": reporter.name, "nik": reporter.nik, "created_at": reporter.created_at}


@export_section("identities")
def _identities(user: User) -> list[dict[str, Any]]:
    reporter = _reporter(user)
    if reporter is None:
        return []
    return [
        {
            "kind": identity.kind,
            "value": identity.value,
            "verified_at": identity.verified_at,
            "created_at": identity.created_at,
        }
        for identity in reporter.identities.order_by("created_at", "pk")
    ]


@export_section("reports")
def _reports(user: User) -> list[dict[str, Any]]:
    from aduan.reports.models import Report

    reporter = _reporter(user)
    if reporter is None:
        return []
    reports = (
        Report.objects.filter(reporter=reporter)
        .select_related("category", "region", "agency")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "tracking_number": report.tracking_number,
            "type": report.type,
            "title": report.title,
            "body": report.body,
            "category": report.category.code if report.category else None,
            "category_name": report.category.name if report.category else None,
            "region": report.region.code if report.region else None,
            "region_name": report.region.name if report.region else None,
            "address": report.address,
            "latitude": report.latitude,
            "longitude": report.longitude,
            "incident_date": report.incident_date,
            "channel": report.channel,
            "anonymous": report.is_anonymous,
            "confidential": report.is_confidential,
            "state": report.state,
            "agency": report.agency.name if report.agency else None,
            "rating": report.rating,
            "submitted_at": report.submitted_at,
            "closed_at": report.closed_at,
        }
        for report in reports
    ]


@export_section("events")
def _events(user: User) -> list[dict[str, Any]]:
    """What the person wrote on timelines: submissions, replies, supplied
    information, ratings, re-openings (also those sent before the account existed,
    on another channel, as the reporter)."""
    from aduan.reports.models import ReportEvent

    reporter = _reporter(user)
    mine = Q(actor=user)
    if reporter is not None:
        mine |= Q(report__reporter=reporter, actor_role="citizen")
    events = ReportEvent.objects.filter(mine).select_related("report").order_by("created_at", "pk")
    return [
        {
            "report": event.report.tracking_number,
            "action": event.action,
            "created_at": event.created_at,
            "channel": event.channel,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "reason": event.reason,
            "body": event.body,
            "rating": event.rating,
        }
        for event in events
    ]


@export_section("messages")
def _messages(user: User) -> list[dict[str, Any]]:
    """What the outbox sent (or will send) to the person, by any of their identities."""
    from aduan.outbox.models import Message
    from aduan.reporters.services import identities_known_as

    reporter = _reporter(user)
    if reporter is None:
        return []
    hashes = identities_known_as(reporter.identities.all())
    messages = Message.objects.filter(Q(reporter=reporter) | Q(recipient_hash__in=hashes))
    return [
        {
            "channel": message.channel,
            "recipient": message.recipient,
            "purpose": message.purpose,
            "subject": message.subject,
            "body": message.body,
            "status": message.status,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
        }
        for message in messages.order_by("created_at", "pk")
    ]
