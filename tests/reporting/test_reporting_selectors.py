"""The reads behind the reporting pages: similar reports before submitting, the next
steps of a new report, and what a reporter may do now."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.reports import selectors, services
from aduan.reports.models import DeadlinePolicy, Report
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def test_similar_reports_put_open_and_supported_ones_first_and_stop_at_five(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    reports = [dispositioned(title=f"Lubang {n}") for n in range(6)]
    closed = reports[0]
    services.report_answer(actor=cast.liaison, report=closed, text="Selesai.")
    services.report_confirm(actor=cast.owner, report=closed, rating=5)
    Report.objects.filter(pk=reports[1].pk).update(support_count=7)
    found = selectors.report_list_similar(region="32.74.05", category="infrastruktur.jalan")
    assert len(found) == 5
    assert found[0] == reports[1] and closed not in found
    assert selectors.report_list_similar(region="32.74", category=None) == []


def test_the_next_steps_come_from_the_policy_in_force(
    make_report: Callable[..., Report],
) -> None:
    DeadlinePolicy.objects.filter(report_type="aspiration").update(verify_days=2, completion_days=7)
    report = make_report(type="aspiration")
    steps = selectors.report_next_steps(report=report)
    assert (steps.verify_days, steps.completion_days) == (2, 7)
    assert steps.verify_due == report.deadline_at


def test_what_the_reporter_may_do_follows_the_state(
    cast: Cast, make_report: Callable[..., Report], dispositioned: Callable[..., Report]
) -> None:
    report = make_report()
    assert selectors.report_reporter_actions(actor=cast.owner, report=report) == {"reply"}
    services.report_request_info(actor=cast.national, report=report, reason="Foto?")
    assert selectors.report_reporter_actions(actor=cast.owner, report=report) == {"supply_info"}
    answered = dispositioned()
    services.report_answer(actor=cast.liaison, report=answered, text="Sudah.")
    assert selectors.report_reporter_actions(actor=cast.owner, report=answered) == {
        "reply",
        "confirm",
        "reopen",
    }
    assert selectors.report_reporter_actions(actor=cast.other_citizen, report=answered) == set()
    assert selectors.report_reporter_actions(actor=cast.national, report=answered) == set()


def test_the_region_api_the_script_uses_answers_as_it_expects(api: Client) -> None:
    # reporting.js fills the next list from these fields and follows next_cursor.
    page = api.get("/api/v1/regions", {"parent": "32.74", "page_size": "200"}).json()
    assert {"code": "32.74.01"}.items() <= page["items"][0].items()
    assert "name" in page["items"][0] and "next_cursor" in page
