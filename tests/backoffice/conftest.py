"""Staff in the back office: a client signed in with both factors."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from tests.conftest import verified_client

# The people around a report, shared with the lifecycle tests.
from tests.reports.conftest import Cast, cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report", "staff_client"]


@pytest.fixture
def staff_client(db: None) -> Callable[[User], Client]:
    """A client for a staff member that passed the second factor."""
    return verified_client


StaffClient = Callable[[User], Client]


def national_client(cast: Cast, staff_client: StaffClient) -> Client:
    """The national admin, signed in with both factors."""
    assert cast.national.user is not None
    return staff_client(cast.national.user)


def numbers_in_order(html: str, reports: list[Report]) -> list[str]:
    """The reports' numbers in the order the page shows them."""
    found = [
        (html.find(f"/kantor/laporan/{r.tracking_number}"), r.tracking_number) for r in reports
    ]
    return [number for position, number in sorted(found) if position >= 0]


def client_of(staff_client: StaffClient, actor: Actor) -> Client:
    """The staff member behind one of the cast's actors, signed in with both factors."""
    assert actor.user is not None
    return staff_client(actor.user)


def case_url(report: Report) -> str:
    return f"/kantor/laporan/{report.tracking_number}"


def case_post(client: Client, report: Report, action: str, **data: Any) -> Any:
    """An action on the report's case page, from the version the client saw."""
    fields = {"action": action, "version": report.version, **data}
    return client.post(case_url(report), {k: v for k, v in fields.items() if v is not None})


def fresh(report: Report) -> Report:
    """The report as the database has it now."""
    return Report.objects.select_related("agency", "unit").get(pk=report.pk)
