"""Staff in the back office: a client signed in with both factors."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.accounts.models import User
from tests.conftest import verified_client

# The people around a report, shared with the lifecycle tests.
from tests.reports.conftest import cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report", "staff_client"]


@pytest.fixture
def staff_client(db: None) -> Callable[[User], Client]:
    """A client for a staff member that passed the second factor."""
    return verified_client
