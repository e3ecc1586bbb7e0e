"""The access policy as a matrix: every role × {public, anonymous, confidential,
anonymous+confidential} × {the report, its reporter, its attachments, each action}.
The expectations are written out here from DESIGN.md §3/§5, not derived from the
policy module."""

from collections.abc import Callable

import pytest

from aduan.reports import policy, services
from aduan.reports.models import Action, Report
from aduan.reports.policy import View

from .conftest import Cast

FLAGS = {
    "public": (False, False),
    "anonymous": (True, False),
    "confidential": (False, True),
    "anonymous+confidential": (True, True),
}
F, L, N = View.FULL, View.LIMITED, View.NONE

# Who sees a report dispositioned to Kota Cirebon's Dinas PUPR. Columns follow FLAGS.
VIEW = {
    "public": (F, F, N, N),
    "owner": (F, F, F, F),
    "other_citizen": (F, F, N, N),
    "national": (F, F, F, F),
    "agency_admin": (F, F, F, F),
    "liaison": (F, F, F, F),
    "other_liaison": (F, F, N, N),  # same agency, another unit: only what is public
    "supervisor": (F, F, L, L),  # the province sees a confidential one by number only
    "other_agency_admin": (F, F, N, N),
    "other_supervisor": (F, F, N, N),
    "integration": (F, F, F, F),
    "other_integration": (F, F, N, N),
    "system": (F, F, F, F),
}
IDENTITY = {
    "owner": ("contacts",) * 4,
    "national": ("contacts", "reveal", "contacts", "reveal"),
    "agency_admin": ("name", "none", "name", "none"),
    "liaison": ("name", "none", "name", "none"),
    "integration": ("name", "none", "name", "none"),
}
ATTACHMENTS = {
    "public": (True, False, False, False),
    "owner": (True,) * 4,
    "other_citizen": (True, False, False, False),
    "national": (True,) * 4,
    "agency_admin": (True,) * 4,
    "liaison": (True,) * 4,
    "other_liaison": (True, False, False, False),
    "supervisor": (True, True, False, False),
    "other_agency_admin": (True, False, False, False),
    "other_supervisor": (True, False, False, False),
    "integration": (True,) * 4,
    "other_integration": (True, False, False, False),
    "system": (True,) * 4,
}
ACTIONS: dict[str, set[str]] = {
    # The system too: the triage's automatic disposition (a deployment setting).
    Action.DISPOSE: {"national", "system"},
    Action.CLASSIFY: {"national", "system"},
    Action.REQUEST_INFO: {"national"},
    Action.ARCHIVE: {"national"},
    Action.INTERVENE: {"national"},
    Action.IDENTITY_VIEWED: {"national"},
    Action.ASSIGN: {"agency_admin", "integration"},
    Action.REDISPOSE: {"agency_admin", "integration"},
    Action.BOUNCE: {"agency_admin", "integration"},
    Action.FOLLOW_UP: {"agency_admin", "liaison", "integration"},
    Action.ANSWER: {"agency_admin", "liaison", "integration"},
    Action.NOTE: {"agency_admin", "liaison", "integration", "national"},
    Action.SUPPLY_INFO: {"owner"},
    Action.REPLY: {"owner"},
    Action.CONFIRM: {"owner"},
    Action.REOPEN: {"owner"},
    Action.EXPIRE_INFO: {"system"},
    Action.AUTO_CLOSE: {"system"},
    Action.OVERDUE: {"system"},
    Action.ESCALATE: {"system"},
    # The supervisor reminds of confidential reports too: it sees their deadline.
    Action.REMIND: {"national", "supervisor"},
}


@pytest.fixture
def reports(dispositioned: Callable[..., Report]) -> dict[str, Report]:
    return {
        name: dispositioned(anonymous=anonymous, confidential=confidential)
        for name, (anonymous, confidential) in FLAGS.items()
    }


@pytest.mark.parametrize("role", sorted(VIEW))
def test_who_sees_the_report(cast: Cast, reports: dict[str, Report], role: str) -> None:
    actor = cast.roles()[role]
    for column, flags in enumerate(FLAGS):
        report = reports[flags]
        expected = VIEW[role][column]
        assert policy.report_view(actor, report) == expected, flags
        # The query says the same as the object check.
        full = Report.objects.filter(policy.visible_q(actor), pk=report.pk).exists()
        limited = Report.objects.filter(
            policy.visible_q(actor, level=View.LIMITED), pk=report.pk
        ).exists()
        assert (full, limited) == (expected == F, expected >= L), flags


@pytest.mark.parametrize("role", sorted(VIEW))
def test_who_sees_the_reporter(cast: Cast, reports: dict[str, Report], role: str) -> None:
    actor = cast.roles()[role]
    for column, flags in enumerate(FLAGS):
        expected = IDENTITY.get(role, ("none",) * 4)[column]
        assert policy.identity_access(actor, reports[flags]) == expected, flags


@pytest.mark.parametrize("role", sorted(VIEW))
def test_who_sees_the_attachments(cast: Cast, reports: dict[str, Report], role: str) -> None:
    actor = cast.roles()[role]
    for column, flags in enumerate(FLAGS):
        assert policy.can_see_attachments(actor, reports[flags]) == ATTACHMENTS[role][column]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_who_may_do_what(cast: Cast, reports: dict[str, Report], action: str) -> None:
    for role, actor in cast.roles().items():
        for flags, report in reports.items():
            assert policy.can(actor, action, report) == (role in ACTIONS[action]), (role, flags)


@pytest.mark.parametrize("role", sorted(VIEW))
def test_the_scope_object_check_agrees_with_the_query(
    cast: Cast, reports: dict[str, Report], role: str
) -> None:
    actor = cast.roles()[role]
    for flags, report in reports.items():
        in_query = Report.objects.filter(policy.scope_q(actor), pk=report.pk).exists()
        assert policy.in_scope(actor, report) == in_query, flags
    working = {"national", "agency_admin", "liaison", "supervisor", "integration", "system"}
    assert any(policy.in_scope(actor, r) for r in reports.values()) == (role in working)


def test_every_action_of_the_lifecycle_is_in_the_matrix() -> None:
    assert set(ACTIONS) == set(Action.values) - {Action.SUBMIT}


def test_an_unverified_report_is_seen_only_by_its_reporter_and_the_national_admin(
    cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report()
    seeing = {role for role, actor in cast.roles().items() if policy.report_view(actor, report)}
    assert seeing == {"owner", "national", "system"}


def test_who_reads_the_reason_of_an_event(cast: Cast, dispositioned: Callable[..., Report]) -> None:
    report = dispositioned()
    services.report_follow_up(actor=cast.liaison, report=report, text="Ditinjau.")
    services.report_answer(actor=cast.liaison, report=report, text="Sudah ditambal.")
    reopen = services.report_reopen(
        actor=cast.owner, report=report, reason="Tambalannya sudah lepas lagi di depan rumah saya."
    )
    readers = {
        name
        for name, actor in cast.roles().items()
        if policy.event_reason(actor, report, reopen) == reopen.reason
    }
    assert readers == {"owner", "national", "agency_admin", "liaison", "integration", "system"}
