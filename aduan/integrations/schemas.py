"""The shapes of the agency integration API: the inbox's filters, the case as an
agency's system sees it, the actions it takes, and webhooks with their deliveries.
Field names follow the glossary (DESIGN.md §2)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from aduan.integrations.models import WebhookEvent
from aduan.lib.datetimes import BoundDatetime
from aduan.reports.models import Channel
from aduan.reports.schemas import ReportOut, StateName, TypeName

EventName = Literal[
    "report.dispositioned",
    "report.replied",
    "report.reopened",
    "report.closed",
    "report.deadline_reminder",
]
assert set(EventName.__args__) == set(WebhookEvent.values)  # type: ignore[attr-defined]
ChannelName = Literal[
    "web", "app", "sms", "x", "whatsapp", "telegram", "email", "counter", "open311", "api", "system"
]
assert set(ChannelName.__args__) == set(Channel.values)  # type: ignore[attr-defined]
HandlingState = Literal["dispositioned", "in_progress", "answered"]

_TEXT_CAP = 20_000


class InboxQuery(Schema):
    """Filters of the agency's inbox: the reports dispositioned to it (or to a
    sub-agency) that are not closed yet."""

    state: HandlingState | None = None
    type: TypeName | None = None
    category: str | None = Field(
        default=None, max_length=100, description="A category code; a parent covers its children."
    )
    region: str | None = Field(
        default=None, max_length=20, description="A region code; it covers the regions inside."
    )
    channel: ChannelName | None = None
    unit: int | None = Field(default=None, ge=1, le=2**63 - 1, description="The assigned unit.")
    overdue: bool = Field(default=False, description="Only reports whose deadline passed.")
    submitted_from: date | None = None
    submitted_to: date | None = None
    updated_since: BoundDatetime | None = Field(
        default=None,
        description=(
            "Only reports changed at or after this time (for syncing); RFC 3339, with its offset."
        ),
    )
    q: str = Field(
        default="", max_length=200, description="A tracking number, or words to search for."
    )


class AgencyUnitOut(Schema):
    id: int
    code: str
    name: str
    agency: int = Field(description="The agency the unit belongs to.")


class CaseBrief(Schema):
    tracking_number: str
    type: TypeName
    title: str
    state: StateName
    category: str | None
    region: str | None
    channel: str
    anonymous: bool
    confidential: bool
    agency: int | None
    unit: int | None
    submitted_at: datetime
    updated_at: datetime
    deadline_kind: str
    deadline_at: datetime | None


class CaseOut(ReportOut):
    """The whole case as the agency works on it: the timeline with internal notes,
    the reporter's name (never their contacts; nothing for an anonymous report)."""

    unit: AgencyUnitOut | None
    reporter_name: str | None = Field(description="Empty for an anonymous report.")
    version: int = Field(description="Changes whenever the report does.")
    updated_at: datetime


class FollowUpIn(Schema):
    text: str = Field(max_length=_TEXT_CAP)


class BounceIn(Schema):
    reason: str = Field(max_length=_TEXT_CAP, description="Why this is not the agency's to do.")


class AssignIn(Schema):
    unit: int = Field(ge=1, le=2**63 - 1, description="The id of one of the agency's units.")


class WebhookIn(Schema):
    url: str = Field(max_length=500, examples=["https://sistem.example.go.id/aduan/webhook"])
    events: list[EventName] = Field(min_length=1)


class WebhookPatch(Schema):
    url: str | None = Field(default=None, max_length=500)
    events: list[EventName] | None = Field(default=None, min_length=1)
    active: bool | None = None


class WebhookOut(Schema):
    id: int
    url: str
    events: list[EventName]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret: shown this once.")


class DeliveryOut(Schema):
    id: int
    message_id: str = Field(description="The `webhook-id` header of its requests.")
    event: EventName
    tracking_number: str | None
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    replay_of: int | None
    payload: dict[str, Any]
