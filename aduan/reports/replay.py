"""A report's state rebuilt from its timeline alone: the proof that the timeline is
a complete audit trail, and the way statistics read history."""

from collections.abc import Iterable
from dataclasses import dataclass

from aduan.reports import workflow
from aduan.reports.models import Action, ReportEvent


@dataclass(frozen=True, slots=True)
class Replayed:
    state: str
    agency_id: int | None
    unit_id: int | None
    rating: int | None
    follow_ups: int


class TimelineBroken(Exception):
    """The events do not chain by the transition table."""


def report_replay(events: Iterable[ReportEvent]) -> Replayed:
    state, agency_id, unit_id, rating, follow_ups = "", None, None, None, 0
    for event in events:
        if event.action == Action.SUBMIT:
            if state:
                raise TimelineBroken(f"event {event.pk}: submitted twice")
            expected: str | None = event.to_state
        else:
            expected = workflow.next_state(event.action, state)
        if event.from_state != state or expected is None or expected != event.to_state:
            raise TimelineBroken(
                f"event {event.pk}: {event.action} {event.from_state}→{event.to_state} "
                f"after {state or 'nothing'}"
            )
        state = event.to_state
        if event.action not in workflow.ANNOTATIONS:
            agency_id, unit_id = event.agency_id, event.unit_id
        if event.rating is not None:
            rating = event.rating
        if event.action in (Action.FOLLOW_UP, Action.ANSWER) and event.body:
            follow_ups += 1
    return Replayed(state, agency_id, unit_id, rating, follow_ups)
