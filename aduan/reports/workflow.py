"""The lifecycle's transition table (DESIGN.md §4). Only these transitions exist;
every service checks its action against this table before it writes anything."""

from aduan.reports.models import OPEN_STATES, Action, State

# action → {from state: to state}
TRANSITIONS: dict[str, dict[str, str]] = {
    Action.REQUEST_INFO: {State.SUBMITTED: State.NEEDS_INFO},
    Action.SUPPLY_INFO: {State.NEEDS_INFO: State.SUBMITTED},
    Action.DISPOSE: {State.SUBMITTED: State.DISPOSITIONED},
    # Completed at verification (type, category, region, title): the report waits on.
    Action.CLASSIFY: {State.SUBMITTED: State.SUBMITTED},
    Action.ARCHIVE: {State.SUBMITTED: State.ARCHIVED},
    # The reporter's clock ran out.
    Action.EXPIRE_INFO: {State.NEEDS_INFO: State.ARCHIVED},
    # Assigned to a unit, or re-disposed to a sub-agency: the report stays put.
    Action.ASSIGN: {
        State.DISPOSITIONED: State.DISPOSITIONED,
        State.IN_PROGRESS: State.IN_PROGRESS,
    },
    Action.REDISPOSE: {State.DISPOSITIONED: State.DISPOSITIONED},
    # Not our authority: back to the national admin, counted against routing.
    Action.BOUNCE: {State.DISPOSITIONED: State.SUBMITTED},
    Action.FOLLOW_UP: {
        State.DISPOSITIONED: State.IN_PROGRESS,
        State.IN_PROGRESS: State.IN_PROGRESS,
    },
    Action.ANSWER: {State.IN_PROGRESS: State.ANSWERED},
    Action.CONFIRM: {State.ANSWERED: State.CLOSED},
    Action.AUTO_CLOSE: {State.ANSWERED: State.CLOSED},
    # Not satisfied: the completion clock resumes.
    Action.REOPEN: {State.ANSWERED: State.IN_PROGRESS},
    # The reporter writes to whoever handles the report; nothing moves. (When
    # information was asked for, supplying it is the way to answer.)
    Action.REPLY: {state: state for state in OPEN_STATES if state != State.NEEDS_INFO},
    # A national admin closes any open report, with a reason.
    Action.INTERVENE: dict.fromkeys(OPEN_STATES, State.CLOSED),
}

# Actions that leave the state as it is and are not transitions.
ANNOTATIONS = frozenset(
    {Action.NOTE, Action.IDENTITY_VIEWED, Action.REMIND, Action.OVERDUE, Action.ESCALATE}
)


def next_state(action: str, state: str) -> str | None:
    """The state after ``action`` in ``state``, or None when the table forbids it."""
    if action in ANNOTATIONS:
        return state
    return TRANSITIONS.get(action, {}).get(state)
