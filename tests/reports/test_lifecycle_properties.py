"""Random sequences of actions by random actors never reach a state the transition
table forbids, never half-apply a refused action, and always leave a timeline from
which the report can be rebuilt."""

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aduan.lib.errors import AduanError
from aduan.reports import policy, services, workflow
from aduan.reports.models import Action, Report
from aduan.reports.policy import Actor
from aduan.reports.replay import report_replay

from .conftest import ROLE_NAMES, Cast

CALLS: dict[str, Callable[[Actor, Report, Cast], object]] = {
    Action.DISPOSE: lambda a, r, c: services.report_dispose(
        actor=a, report=r, agency_id=c.kota.pk, unit_id=c.pupr.pk
    ),
    Action.REQUEST_INFO: lambda a, r, c: services.report_request_info(
        actor=a, report=r, reason="Mohon lengkapi lokasi."
    ),
    Action.SUPPLY_INFO: lambda a, r, c: services.report_supply_info(
        actor=a, report=r, text="Di depan pasar."
    ),
    Action.ARCHIVE: lambda a, r, c: services.report_archive(actor=a, report=r, reason="spam"),
    Action.EXPIRE_INFO: lambda a, r, c: services.report_expire_info(report=r),
    Action.ASSIGN: lambda a, r, c: services.report_assign(actor=a, report=r, unit_id=c.dishub.pk),
    Action.BOUNCE: lambda a, r, c: services.report_bounce(actor=a, report=r, reason="Bukan kami."),
    Action.FOLLOW_UP: lambda a, r, c: services.report_follow_up(
        actor=a, report=r, text="Sedang dikerjakan."
    ),
    Action.ANSWER: lambda a, r, c: services.report_answer(actor=a, report=r, text="Selesai."),
    Action.CONFIRM: lambda a, r, c: services.report_confirm(actor=a, report=r, rating=4),
    Action.AUTO_CLOSE: lambda a, r, c: services.report_auto_close(report=r),
    Action.REOPEN: lambda a, r, c: services.report_reopen(actor=a, report=r, reason="Belum."),
    Action.INTERVENE: lambda a, r, c: services.report_intervene(
        actor=a, report=r, reason="Ditutup."
    ),
    Action.NOTE: lambda a, r, c: services.report_note(actor=a, report=r, text="Catatan."),
}
steps = st.lists(
    st.tuples(st.sampled_from(ROLE_NAMES), st.sampled_from(sorted(CALLS))), max_size=25
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, anonymous=st.booleans(), confidential=st.booleans())
def test_random_histories_stay_inside_the_table(
    cast: Cast,
    make_report: Callable[..., Report],
    steps: list[tuple[str, str]],
    anonymous: bool,
    confidential: bool,
) -> None:
    report = make_report(anonymous=anonymous, confidential=confidential)
    for role, action in steps:
        actor = cast.roles()[role]
        before = Report.objects.select_related("agency__region").get(pk=report.pk)
        state, version, events_before = before.state, before.version, before.events.count()
        expected = workflow.next_state(action, state)
        if action == Action.ANSWER and state == "dispositioned":
            # A final answer as the first follow-up: both transitions, in order.
            expected = workflow.next_state(Action.ANSWER, "in_progress")
        # The clocks act as the system whoever "asks"; everything else as the actor.
        is_clock = action in (Action.EXPIRE_INFO, Action.AUTO_CLOSE)
        allowed = expected is not None and (is_clock or policy.can(actor, action, before))
        try:
            CALLS[action](actor, before, cast)
            succeeded = True
        except AduanError:
            succeeded = False
        after = Report.objects.get(pk=report.pk)
        assert succeeded == allowed, (role, action, state)
        if succeeded:
            assert after.state == expected
            assert after.events.count() > events_before
        else:
            assert (after.state, after.version) == (state, version)
            assert after.events.count() == events_before
    final = Report.objects.get(pk=report.pk)
    replayed = report_replay(final.events.order_by("created_at", "id"))
    assert (replayed.state, replayed.agency_id, replayed.unit_id, replayed.rating) == (
        final.state,
        final.agency_id,
        final.unit_id,
        final.rating,
    )
    # An open report always has its next deadline; a finished one has none.
    assert (final.deadline_at is not None) == final.is_open
