"""The shapes of reports in the JSON API. What goes into them is decided by the
access policy (aduan.reports.policy), asked in ``reports/api.py``; these classes
only name and type the fields (DESIGN.md §2)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from aduan.reports.models import ReportType, State

TypeName = Literal["complaint", "aspiration", "information_request"]
StateName = Literal[
    "submitted", "needs_info", "dispositioned", "in_progress", "answered", "closed", "archived"
]
assert set(TypeName.__args__) == set(ReportType.values)  # type: ignore[attr-defined]
assert set(StateName.__args__) == set(State.values)  # type: ignore[attr-defined]

# Generous caps against absurd input; the services hold the real limits and say
# which field broke them.
_TEXT_CAP = 20_000


class ReportIn(Schema):
    type: TypeName
    title: str = Field(max_length=_TEXT_CAP)
    body: str = Field(max_length=_TEXT_CAP, description="What happened (the chronology).")
    category: str | None = Field(default=None, max_length=100, examples=["infrastruktur.jalan"])
    region: str | None = Field(default=None, max_length=20, examples=["32.74.01"])
    incident_date: date | None = None
    address: str = Field(default="", max_length=_TEXT_CAP)
    latitude: float | None = None
    longitude: float | None = None
    agency: int | None = Field(
        default=None,
        ge=1,
        le=2**63 - 1,
        description="The agency the citizen thinks is responsible: a hint.",
    )
    anonymous: bool = Field(
        default=False, description="Hide who reported from agencies and the public."
    )
    confidential: bool = Field(default=False, description="Hide the whole report from the public.")


class TextIn(Schema):
    text: str = Field(max_length=_TEXT_CAP)


class ConfirmIn(Schema):
    rating: int = Field(ge=1, le=5, description="1 (very unsatisfied) to 5 (very satisfied).")
    comment: str = Field(default="", max_length=_TEXT_CAP)


class ReopenIn(Schema):
    reason: str = Field(max_length=_TEXT_CAP)


class AgencyBrief(Schema):
    id: int
    code: str
    name: str


class EventOut(Schema):
    action: str
    label: str
    from_state: StateName | Literal[""]
    to_state: StateName
    text: str = Field(description="Empty when the caller may not read it.")
    reason: str = Field(description="Empty when the caller may not read it.")
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    content_type: str
    size: int
    created_at: datetime


class ContactOut(Schema):
    kind: str
    value: str


class ReporterOut(Schema):
    """Only the reporter sees this, of their own report."""

    name: str
    contacts: list[ContactOut]


class ReportLimited(Schema):
    """What a caller who may only follow a report sees: its number, state and
    deadline."""

    view: Literal["limited"] = "limited"
    tracking_number: str
    state: StateName
    deadline_at: datetime | None


class ReportBrief(Schema):
    tracking_number: str
    type: TypeName
    title: str
    state: StateName
    state_label: str
    category: str | None
    region: str | None
    anonymous: bool
    confidential: bool
    submitted_at: datetime
    deadline_at: datetime | None


class ReportOut(ReportBrief):
    view: Literal["full"] = "full"
    body: str
    channel: str
    address: str
    latitude: float | None
    longitude: float | None
    incident_date: date | None
    agency: AgencyBrief | None = Field(description="The agency handling it, once dispositioned.")
    deadline_kind: str
    support_count: int
    rating: int | None
    closed_at: datetime | None
    timeline: list[EventOut]
    attachments: list[AttachmentOut]
    reporter: ReporterOut | None = Field(description="Only to the reporter themselves.")
    actions: list[str] = Field(description="What the caller, as its reporter, may do now.")
