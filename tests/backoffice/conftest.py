"""Staff in the back office: a client signed in with both factors."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.reports.models import Report
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
