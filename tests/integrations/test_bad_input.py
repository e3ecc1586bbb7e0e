"""What once made the agency API answer 500, each with its exact value: an
``updated_since`` at the calendar's end (its UTC time lies beyond it) and a
follow-up form without its boundary."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.integrations.models import Scope
from aduan.integrations.services import api_key_issue
from aduan.reports.models import Report
from tests.api.conftest import call, problem
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

BASE = "/api/v1/agency"


@pytest.fixture
def key(cast: Cast) -> str:
    scopes = [Scope.REPORTS_READ, Scope.REPORTS_WRITE]
    return api_key_issue(actor=cast.agency_admin, name="SP4N", scopes=scopes).secret


@pytest.mark.parametrize(
    ("since", "listed"),
    [
        ("0001-01-01T00:00:00+14:00", True),  # since always
        ("0001-01-01T00:00:00Z", True),
        ("9999-12-31T23:59:59-14:00", False),  # nothing changes after the end
        ("9999-12-31T23:59:59Z", False),
    ],
)
def test_updated_since_at_the_calendars_end_is_read_as_always_or_never(
    client: Client,
    key: str,
    dispositioned: Callable[..., Report],
    since: str,
    listed: bool,
) -> None:
    report = dispositioned()
    response = call(client, "get", f"{BASE}/reports", key, data={"updated_since": since})
    assert response.status_code == 200, response.content
    numbers = [item["tracking_number"] for item in response.json()["items"]]
    assert numbers == ([report.tracking_number] if listed else [])


@pytest.mark.parametrize("since", ["2026-11-28T10:00:00", "2026-11-28", "kemarin"])
def test_updated_since_without_a_zone_is_refused(client: Client, key: str, since: str) -> None:
    """RFC 3339, as the schema says: a time without an offset could be any of 27
    hours."""
    response = call(client, "get", f"{BASE}/reports", key, data={"updated_since": since})
    body = problem(response, 400, "validation_failed")
    assert body["errors"][0]["field"] == "updated_since"


@pytest.mark.parametrize("action", ["follow-up", "answer"])
def test_a_follow_up_form_without_its_boundary_is_a_400(
    client: Client, key: str, dispositioned: Callable[..., Report], action: str
) -> None:
    report = dispositioned()
    response = client.generic(
        "POST",
        f"{BASE}/reports/{report.tracking_number}/{action}",
        b"--x\r\n",
        content_type="multipart/form-data",
        headers={"authorization": f"Bearer {key}"},
    )
    problem(response, 400, "body_unreadable")
    assert not report.events.filter(action__in=["follow_up", "answer"]).exists()
