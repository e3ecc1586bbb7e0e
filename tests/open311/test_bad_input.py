"""What once made Open311 answer 500, each with its exact value, and what it answers
now: a date at the calendar's end (its UTC time lies beyond it), a form Django
cannot read, and characters XML cannot carry echoed into an answer."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from aduan.open311.models import Open311Client
from aduan.open311.services import open311_key_hash
from aduan.reports.models import Report
from tests.open311.conftest import Fetch

LOW = "0001-01-01T00:00:00+14:00"
HIGH = "9999-12-31T23:59:59-14:00"


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": LOW},
        {"end_date": LOW},
        {"start_date": HIGH},
        {"end_date": HIGH},
        {"start_date": "0001-01-01T00:00:00Z"},
        {"end_date": "9999-12-31T23:59:59Z"},
        {"start_date": LOW, "end_date": "0001-03-01T00:00:00+14:00"},
        {"start_date": "9999-12-01T00:00:00-14:00", "end_date": HIGH},
    ],
)
def test_a_date_at_the_calendars_end_is_an_empty_window(
    fetch: Fetch, public_report: Callable[..., Report], params: dict[str, str]
) -> None:
    """Nothing was reported in the year 1 or 9999: an empty list, not a 500."""
    public_report()
    answer = fetch("/open311/v2/requests.{fmt}", **params)
    assert answer.status == 200, answer.body
    assert answer.data == []


def test_a_window_reaching_the_calendars_end_still_finds_todays_reports(
    fetch: Fetch, public_report: Callable[..., Report]
) -> None:
    report = public_report()
    now = timezone.now()
    answer = fetch(
        "/open311/v2/requests.{fmt}",
        start_date=(now - timedelta(days=1)).isoformat(),
        end_date=HIGH,
    )
    # A window longer than 90 days is refused, whatever its end.
    assert answer.status == 400
    answer = fetch("/open311/v2/requests.{fmt}", end_date=(now + timedelta(days=1)).isoformat())
    assert [item["service_request_id"] for item in answer.data] == [report.tracking_number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--x\r\n"),
        ("multipart/form-data; boundary=", b"--\r\n"),
        ("application/x-www-form-urlencoded; charset=iso-8859-1", b"api_key=k&description=caf%E9"),
    ],
)
def test_a_body_django_cannot_read_is_a_400_in_the_error_format(
    db: None, fmt: str, content_type: str, body: bytes
) -> None:
    """A form without its boundary (MultiPartParserError) or said to be in another
    charset than UTF-8 (Django's BadRequest): Django's own answer was an HTML
    page; the client gets the specification's error list."""
    Open311Client.objects.create(name="Aplikasi", key_hash=open311_key_hash("k"))
    response = Client().generic(
        "POST", f"/open311/v2/requests.{fmt}", body, content_type=content_type
    )
    assert response.status_code == 400
    errors = _errors(fmt, response)
    assert errors[0]["code"] == "400" and errors[0]["description"]
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_control_characters_echoed_in_an_answer_leave_it_readable(db: None, fmt: str) -> None:
    response = Client().get(
        f"/open311/v2/requests.{fmt}", {"service_code": "jalan\x01\x1b\x0b\ufffe.rusak"}
    )
    assert response.status_code == 404
    (error,) = _errors(fmt, response)
    expected = "jalan.rusak" if fmt == "xml" else "jalan\x01\x1b\x0b\ufffe.rusak"
    assert expected in error["description"]


def _errors(fmt: str, response: Any) -> list[dict[str, str]]:
    if fmt == "json":
        return [{key: str(value) for key, value in item.items()} for item in response.json()]
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own answer)
    assert root.tag == "errors"
    return [{child.tag: child.text or "" for child in error} for error in root]
