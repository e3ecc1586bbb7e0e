"""What once made the citizen and statistics API answer 500, each with its exact
value: a report or supplied information sent as a form without its boundary, and
a statistics span at the calendar's end."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.reports import services
from aduan.reports.models import Report, State
from tests.api.conftest import Tokens, bearer, problem
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; charset=utf-8"],
)
def test_a_report_form_without_its_boundary_is_a_400(
    api: Client, tokens: Tokens, content_type: str
) -> None:
    response = api.generic(
        "POST",
        "/api/v1/reports",
        b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nJalan\r\n--x--\r\n',
        content_type=content_type,
        headers=bearer(tokens.owner),
    )
    body = problem(response, 400, "body_unreadable")
    assert body["title"] == "Isi permintaan tidak dapat dibaca."
    assert Report.objects.count() == 0


def test_supplied_information_without_its_boundary_is_a_400(
    api: Client, tokens: Tokens, cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Di RT berapa?")
    response = api.generic(
        "POST",
        f"/api/v1/reports/{report.tracking_number}/supply-info",
        b"--x\r\n",
        content_type="multipart/form-data",
        headers=bearer(tokens.owner),
    )
    problem(response, 400, "body_unreadable")
    report.refresh_from_db()
    assert report.state == State.NEEDS_INFO


@pytest.mark.parametrize("path", ["/api/v1/stats/metrics", "/api/v1/stats/rankings"])
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01", "0001-01-01", "start"),
        ("0001-01-01", "0001-12-31", "start"),
        ("9999-12-31", "9999-12-31", "end"),
        ("9999-01-01", "9999-12-31", "end"),
        ("2014-12-31", "2015-01-31", "start"),
    ],
)
def test_a_statistics_span_outside_the_counted_years_is_refused(
    api: Client, path: str, start: str, end: str, field: str
) -> None:
    """The span before a span at the calendar's end lies beyond it (it was a 500):
    a span must lie in the years a year may be."""
    body = problem(api.get(path, {"start": start, "end": end}), 400, "period_invalid")
    assert body["errors"][0]["field"] == field
    assert "2015" in body["title"]
