"""The access policy: who may see a report, its reporter, its attachments, and who
may do what to it (DESIGN.md §3, §5). Every surface asks this module — pages, API,
Open311, exports, notifications, search — and list selectors apply ``visible_q`` in
the query itself.

Visibility has three levels. FULL: the report as the viewer's role may see it.
LIMITED: only its number, state and deadline (a supervisor's overdue list showing a
confidential report). NONE: it does not exist for the viewer (a 404, never a 403).

Following a report by its number is apart from these (``status_access``): whoever
holds an existing number sees the report's status — never its content unless a
level above lets them. A per-report link (``report_link_key``), which only the
reporter's receipt carries, reads the report as its reporter does, and no more.
"""

import hmac
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Literal

from django.db.models import Q

from aduan.accounts.models import User
from aduan.agencies.models import Agency
from aduan.lib.crypto import lookup_hash, lookup_hashes
from aduan.lib.memo import reference_memo
from aduan.reports.models import Action, Report, ReportEvent, State

PUBLIC_STATES = frozenset({State.DISPOSITIONED, State.IN_PROGRESS, State.ANSWERED, State.CLOSED})

Role = Literal[
    "public",
    "citizen",
    "national_admin",
    "agency_admin",
    "liaison",
    "supervisor",
    "integration",
    "system",
]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: a signed-in user, an agency's integration client, a system job
    or the public. Built once per request."""

    role: Role
    user: User | None = None
    agency_id: int | None = None
    unit_id: int | None = None
    reporter_id: int | None = None
    # The report whose per-report link the visitor holds (``with_link``).
    link_report_id: int | None = None

    @classmethod
    def for_user(cls, user: User | None, *, verified: bool = False) -> "Actor":
        """The signed-in user as an actor. A staff role counts only once the session
        passed the second factor (django-otp's ``is_verified()``, which OTPMiddleware
        puts on ``request.user``): a staff account without it is the public here, on
        every surface that asks, never staff and never a citizen (it must not
        support, comment or report as one). A user object not from a request has no
        ``is_verified`` and so no staff role either, unless the caller vouches with
        ``verified=True``: code acting for a staff member outside any request (the
        demo's desk, tests), never a request's user."""
        if user is None or not user.is_authenticated:
            return PUBLIC
        if user.role != User.Role.CITIZEN and not verified:
            is_verified = getattr(user, "is_verified", None)
            if not (callable(is_verified) and is_verified() is True):
                return PUBLIC
        reporter = getattr(user, "reporter", None)
        return cls(
            role=user.role,  # type: ignore[arg-type]
            user=user,
            agency_id=user.agency_id,
            unit_id=user.unit_id,
            reporter_id=reporter.pk if reporter is not None else None,
        )

    @classmethod
    def for_reporter(cls, reporter_id: int) -> "Actor":
        """A citizen known by a channel identity (an SMS number, an X handle)."""
        return cls(role="citizen", reporter_id=reporter_id)

    @classmethod
    def integration(cls, agency_id: int) -> "Actor":
        return cls(role="integration", agency_id=agency_id)

    def with_link(self, report: Report) -> "Actor":
        """The actor holding the report's per-report link (checked by the caller
        with ``report_link_valid``): reads it as its reporter, acts as before."""
        return replace(self, link_report_id=report.pk)


PUBLIC = Actor(role="public")
SYSTEM = Actor(role="system")


class View(IntEnum):
    NONE = 0
    LIMITED = 1
    FULL = 2


# -- in the query --------------------------------------------------------------------


def _public_q() -> Q:
    return Q(is_confidential=False, state__in=PUBLIC_STATES)


# The agencies are named by a subquery, not a join: "agency_id IN (…)" lets the
# database walk the (agency, state, deadline) index instead of every report.


def _handling_q(actor: Actor) -> Q:
    """Reports with the actor's agency (or one of its sub-agencies) or unit."""
    if actor.role in ("agency_admin", "integration") and actor.agency_id is not None:
        agencies = Agency.objects.filter(Q(pk=actor.agency_id) | Q(parent_id=actor.agency_id))
        return Q(agency_id__in=agencies.values("pk"))
    if actor.role == "liaison" and actor.unit_id is not None:
        return Q(unit_id=actor.unit_id)
    return Q(pk__in=[])


def visible_q(actor: Actor, *, level: View = View.FULL) -> Q:
    """Reports the actor sees at ``level`` or better, as a filter."""
    if actor.role in ("national_admin", "system"):
        return Q()
    q = _public_q()
    if actor.reporter_id is not None:
        q |= Q(reporter_id=actor.reporter_id)
    q |= _handling_q(actor)
    if actor.role == "supervisor":
        supervised = _supervised_q(actor) if actor.agency_id else Q(pk__in=[])
        q |= supervised if level == View.LIMITED else supervised & Q(is_confidential=False)
    return q


def scope_q(actor: Actor) -> Q:
    """The reports the actor works on or watches over (not merely may read): all for
    the national admin, its agency's or unit's for handlers, the supervised
    agencies' for a supervisor. Overdue and escalation lists are cut to this."""
    if actor.role in ("national_admin", "system"):
        return Q()
    if actor.role == "supervisor" and actor.agency_id is not None:
        return _supervised_q(actor)
    return _handling_q(actor)


def _supervised_q(actor: Actor) -> Q:
    # The ids themselves, not a subquery: PostgreSQL cannot guess how many reports a
    # subquery's agencies hold and picks a plan for two (a province supervises
    # thousands).
    assert actor.agency_id is not None
    return Q(agency_id__in=supervised_agency_ids(actor.agency_id))


@reference_memo(maxsize=1024)
def supervised_agency_ids(agency_id: int) -> tuple[int, ...]:
    """The agencies one agency supervises (a province: its regencies and cities)."""
    agencies = Agency.objects.filter(supervisor_id=agency_id).order_by("pk")
    return tuple(agencies.values_list("pk", flat=True))


# -- on one report -------------------------------------------------------------------


def is_owner(actor: Actor, report: Report) -> bool:
    return actor.reporter_id is not None and actor.reporter_id == report.reporter_id


def _holds_link(actor: Actor, report: Report) -> bool:
    return actor.link_report_id is not None and actor.link_report_id == report.pk


def _reads_as_owner(actor: Actor, report: Report) -> bool:
    """The reporter, or whoever holds the report's link: they read it alike (the
    link never gives the reporter's contacts nor their actions)."""
    return is_owner(actor, report) or _holds_link(actor, report)


def _handles(actor: Actor, report: Report) -> bool:
    if report.agency_id is None or actor.agency_id is None:
        return False
    if actor.role in ("agency_admin", "integration"):
        return report.agency_id == actor.agency_id or (
            report.agency is not None and report.agency.parent_id == actor.agency_id
        )
    return actor.role == "liaison" and actor.unit_id is not None and report.unit_id == actor.unit_id


def _supervises(actor: Actor, report: Report) -> bool:
    return (
        actor.role == "supervisor"
        and actor.agency_id is not None
        and report.agency is not None
        and report.agency.supervisor_id == actor.agency_id
    )


def in_scope(actor: Actor, report: Report) -> bool:
    """The object check of ``scope_q``: does the actor work on or watch over this
    report (not merely may read it, as anyone may read a public report)?"""
    if actor.role in ("national_admin", "system"):
        return True
    return _supervises(actor, report) or _handles(actor, report)


def _is_public(report: Report) -> bool:
    return not report.is_confidential and report.state in PUBLIC_STATES


def report_view(actor: Actor, report: Report) -> View:
    if actor.role in ("national_admin", "system") or _reads_as_owner(actor, report):
        return View.FULL
    if _handles(actor, report) or _is_public(report):
        return View.FULL
    if _supervises(actor, report):
        return View.LIMITED if report.is_confidential else View.FULL
    return View.NONE


IdentityAccess = Literal["none", "name", "contacts", "reveal"]


def identity_access(actor: Actor, report: Report) -> IdentityAccess:
    """What of the reporter the actor may see. ``contacts``: name, phone, e-mail,
    NIK. ``name``: the name only (an agency on a non-anonymous report: data
    minimisation). ``reveal``: a national admin on an anonymous report, who must open
    it through ``report_reporter_reveal`` so that the timeline records it."""
    if is_owner(actor, report):
        return "contacts"
    if actor.role == "national_admin":
        return "reveal" if report.is_anonymous else "contacts"
    if _handles(actor, report) and not report.is_anonymous:
        return "name"
    return "none"


def can_see_attachments(actor: Actor, report: Report) -> bool:
    """Whoever sees the report fully; but an anonymous report's files are not shown
    to those who see it only because it is public (a photo can identify)."""
    if report_view(actor, report) != View.FULL:
        return False
    if actor.role in ("national_admin", "system") or _reads_as_owner(actor, report):
        return True
    if _handles(actor, report) or _supervises(actor, report):
        return True
    return not report.is_anonymous


# Texts an agency writes to the reporter: public wherever the report is. Of a
# timeline, the public reads these texts and nothing else (no reason, no note, nothing
# the reporter wrote); Open311's status note is read in the query by this set.
PUBLIC_TEXT_ACTIONS = frozenset({Action.FOLLOW_UP, Action.ANSWER})


def event_text(actor: Actor, report: Report, event: ReportEvent) -> str:
    """The text of a timeline event as the actor may read it. An agency's follow-up
    is read by whoever sees the report fully; what the reporter wrote (supplied
    information, a comment) or staff noted only by the reporter and the staff who
    handle it — it may carry personal details."""
    if not event.body or report_view(actor, report) != View.FULL:
        return ""
    if event.action in PUBLIC_TEXT_ACTIONS:
        return event.body
    if actor.role in ("national_admin", "system") or _reads_as_owner(actor, report):
        return event.body
    return event.body if _handles(actor, report) else ""


# Reasons written to the reporter: what is missing, why a report was archived or
# closed, and their own reason to re-open. Other reasons (a bounce) are between staff.
_REASONS_FOR_REPORTER = frozenset(
    {Action.REQUEST_INFO, Action.ARCHIVE, Action.INTERVENE, Action.REOPEN}
)


def event_reason(actor: Actor, report: Report, event: ReportEvent) -> str:
    """The reason of a timeline event as the actor may read it: the staff who
    handle the report read every reason; the reporter the ones addressed to them;
    nobody else any (a reason may tell the reporter's circumstances)."""
    if not event.reason or report_view(actor, report) != View.FULL:
        return ""
    if actor.role in ("national_admin", "system") or _handles(actor, report):
        return event.reason
    if _reads_as_owner(actor, report) and event.action in _REASONS_FOR_REPORTER:
        return event.reason
    return ""


# Telling the duplicate finder that two reports are not the same case: the
# national admin's, who merges duplicates (no timeline event, a labelled pair).
NOT_DUPLICATE = "not_duplicate"

_NATIONAL_ACTIONS = frozenset(
    {
        Action.DISPOSE,
        Action.CLASSIFY,
        Action.REQUEST_INFO,
        Action.ARCHIVE,
        Action.INTERVENE,
        Action.IDENTITY_VIEWED,
        NOT_DUPLICATE,
    }
)
_AGENCY_ADMIN_ACTIONS = frozenset({Action.ASSIGN, Action.REDISPOSE, Action.BOUNCE})
_HANDLER_ACTIONS = frozenset({Action.FOLLOW_UP, Action.ANSWER, Action.NOTE})
_REPORTER_ACTIONS = frozenset({Action.SUPPLY_INFO, Action.REPLY, Action.CONFIRM, Action.REOPEN})
_SYSTEM_ACTIONS = frozenset(
    {Action.EXPIRE_INFO, Action.AUTO_CLOSE, Action.OVERDUE, Action.ESCALATE}
)
# The triage's automatic disposition (ADUAN_TRIAGE_AUTO_DISPOSE, off by default)
# completes and disposes a report as the system, on the timeline as such.
_AUTOMATIC_ACTIONS = frozenset({Action.DISPOSE, Action.CLASSIFY})


def can(actor: Actor, action: str, report: Report) -> bool:
    """May the actor do ``action`` to this report? (Whether the report's state allows
    it is the workflow's question.)"""
    if action in _SYSTEM_ACTIONS:
        return actor.role == "system"
    if action in _AUTOMATIC_ACTIONS and actor.role == "system":
        return True
    if action == Action.REMIND:
        return actor.role == "national_admin" or _supervises(actor, report)
    if action in _NATIONAL_ACTIONS or (action == Action.NOTE and actor.role == "national_admin"):
        return actor.role == "national_admin"
    if action in _REPORTER_ACTIONS:
        return is_owner(actor, report)
    if action in _AGENCY_ADMIN_ACTIONS:
        return actor.role in ("agency_admin", "integration") and _handles(actor, report)
    if action in _HANDLER_ACTIONS:
        return _handles(actor, report)
    return False


# -- the access log (aduan/reports/access.py) ------------------------------------------

# Whose reads of reports are written down: staff, with the powers of their role, and
# agencies' systems. Citizens and the public are not watched.
_LOGGED_ROLES = frozenset(
    {"national_admin", "agency_admin", "liaison", "supervisor", "integration"}
)


def reads_are_logged(actor: Actor) -> bool:
    """Are this actor's reads of reports written to the access log?"""
    return actor.role in _LOGGED_ROLES


def can_read_access_log(actor: Actor, report: Report) -> bool:
    """May the actor read the report's access log? A national admin only: the log
    tells who handles a report and from where, which is no agency's business."""
    return actor.role == "national_admin"


# -- following a report by its number ----------------------------------------------------

# The per-report link's key: a keyed hash of the report's id (aduan/lib/crypto: the
# deployment's lookup key, no new secret), cut to 16 hex digits — 64 bits, beyond
# guessing at the lookup rate limit, and short enough for the SMS receipt.
_LINK_KIND = "report-link"
LINK_KEY_LENGTH = 16


def report_link_key(report: Report) -> str:
    """The key of the report's per-report link, for its reporter's receipts only."""
    return lookup_hash(_LINK_KIND, str(report.pk))[:LINK_KEY_LENGTH]


def report_link_valid(report: Report, key: str) -> bool:
    """Is ``key`` this report's link key? (Another report's key is not.)"""
    if not key or len(key) != LINK_KEY_LENGTH:
        return False
    # Under a retired data key too, while one is rotated; the links it made stop
    # working once it is removed (docs/keys.md).
    return any(
        hmac.compare_digest(key.encode(), digest[:LINK_KEY_LENGTH].encode())
        for digest in lookup_hashes(_LINK_KIND, str(report.pk))
    )


Withheld = Literal["", "confidential", "unverified", "archived"]


@dataclass(frozen=True, slots=True)
class StatusAccess:
    """What a visitor holding a report's number sees beyond its status (number,
    type, channel, state, dates, deadline, what happens next): ``content`` (title,
    text, place, files as ``can_see_attachments`` says, the timeline) and the
    ``agency``; ``withheld`` says why the content is not shown."""

    content: bool
    agency: bool
    withheld: Withheld


def status_access(actor: Actor, report: Report) -> StatusAccess:
    """Anyone with an existing number follows the report's status. Its content only
    whoever sees it fully (public, the reporter, the link's holder, staff). The
    agency of a confidential report is part of what it is about: shown only to
    those who see it fully (a supervisor's limited view shows number and deadline
    only, and the public must not learn more)."""
    content = report_view(actor, report) == View.FULL
    withheld: Withheld = ""
    if not content:
        if report.is_confidential:
            withheld = "confidential"
        elif report.state == State.ARCHIVED:
            withheld = "archived"
        else:
            withheld = "unverified"
    return StatusAccess(
        content=content,
        agency=content or not report.is_confidential,
        withheld=withheld,
    )
