"""Two people act on the same report at the same moment, each on its own database
connection: one wins, the other is told, and no event is lost or doubled."""

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection

from aduan.lib.errors import AduanError
from aduan.reports import services
from aduan.reports.errors import StaleReport
from aduan.reports.models import Report

from .conftest import Cast


def _race(calls: list[Callable[[], object]]) -> list[str]:
    """Runs the calls at once, one thread (and connection) each; what each met."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def act(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
            outcomes.append("applied")
        except StaleReport:
            outcomes.append("stale")
        except AduanError as error:
            outcomes.append(f"error {error.code}")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_actions_exactly_one_applies(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    for _round in range(5):
        report = dispositioned()
        seen_by_admin, seen_by_liaison = (
            Report.objects.select_related("agency__region").get(pk=report.pk) for _ in "ab"
        )
        outcomes = _race(
            [
                partial(
                    services.report_bounce,
                    actor=cast.agency_admin,
                    report=seen_by_admin,
                    reason="Bukan wewenang kami.",
                ),
                partial(
                    services.report_follow_up,
                    actor=cast.liaison,
                    report=seen_by_liaison,
                    text="Sedang kami kerjakan.",
                ),
            ]
        )
        assert outcomes == ["applied", "stale"]
        final = Report.objects.get(pk=report.pk)
        actions = list(final.events.order_by("id").values_list("action", flat=True))
        assert actions[:2] == ["submit", "dispose"] and len(actions) == 3
        assert final.version == 3
        assert final.state == {"bounce": "submitted", "follow_up": "in_progress"}[actions[2]]
