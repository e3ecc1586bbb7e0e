"""Statistics through the API: rankings as ranked rows, the figures of a scope and
period, and clear errors for what makes no sense."""

from datetime import date
from typing import Any

import pytest
from django.test import Client

from aduan.agencies.models import Agency
from aduan.lib.errors import InvalidInput
from aduan.stats.metrics import Period, period_parse
from tests.stats.rows import handled

pytestmark = pytest.mark.django_db


def get(client: Client, path: str, **query: Any) -> Any:
    return client.get(f"/api/v1/stats/{path}", query)


def test_rankings_of_a_province(client: Client) -> None:
    handled("pemda-32-74", date(2020, 1, 1), 134, 134)
    handled("pemda-32-09", date(2020, 1, 1), 20, 10)
    response = get(client, "rankings", region="32", year=2020)
    assert response.status_code == 200
    body = response.json()
    assert body["board"] == "local" and body["region"] == "32"
    assert body["period"] == {"start": "2020-01-01", "end": "2020-12-31"}
    first, second = body["rows"][:2]
    assert first["rank"] == 1 and first["agency"]["code"] == "pemda-32-74"
    assert first["category"] == "responsif" and first["index"] == pytest.approx(88.9, abs=0.05)
    assert second["rank"] == 2 and second["agency"]["code"] == "pemda-32-09"
    assert {row["agency"]["code"][:8] for row in body["rows"]} == {"pemda-32"}
    unranked = body["rows"][-1]
    assert (unranked["rank"], unranked["index"], unranked["category"]) == (
        None,
        None,
        "insufficient",
    )


def test_rankings_of_provinces_by_default(client: Client) -> None:
    handled("pemda-32", date(2026, 1, 1), 30, 30)
    body = get(client, "rankings", year=2026).json()
    assert body["board"] == "provinces"
    assert body["rows"][0]["agency"]["code"] == "pemda-32"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"board": "local"}, 400, "region_required"),
        ({"region": "3x"}, 400, None),
        ({"region": "99"}, 404, "region_not_found"),
        ({"year": 1900}, 400, "period_invalid"),
        ({"month": 13}, 400, "validation_failed"),
        ({"start": "2026-01-01"}, 400, "period_incomplete"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, 400, "period_invalid"),
    ],
)
def test_rankings_refuse_what_makes_no_sense(
    client: Client, query: dict[str, Any], status: int, code: str | None
) -> None:
    response = get(client, "rankings", **query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    if code:
        assert response.json()["code"] == code


def test_the_figures_of_an_agency(client: Client) -> None:
    handled("pemda-32-74", date(2026, 3, 1), 40, 30)
    kota = Agency.objects.get(code="pemda-32-74")
    for agency in ("pemda-32-74", str(kota.pk)):
        body = get(client, "metrics", agency=agency, year=2026, quarter=1).json()
        assert body["agency"]["code"] == "pemda-32-74"
        assert body["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
        figures = body["figures"]
        assert (figures["received"], figures["followed_up"], figures["first_on_time"]) == (
            40,
            40,
            30,
        )
        assert figures["first_on_time_pct"] == 75 and figures["followed_up_pct"] == 100
        assert body["index"]["category"] == "responsif"
        assert body["backlog_now"] == 0
    assert get(client, "metrics", agency="tidak-ada").status_code == 404
    everything = get(client, "metrics", year=2026).json()
    assert everything["agency"] is None and everything["figures"]["received"] == 0


def test_the_schema_documents_the_statistics(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/stats/rankings" in paths and "/api/v1/stats/metrics" in paths


def test_periods_are_read_from_the_query() -> None:
    today = date(2026, 11, 30)
    assert period_parse(today=today) == Period.year(2026)
    assert period_parse(year=2020, month=2, today=today) == Period(
        date(2020, 2, 1), date(2020, 2, 29)
    )
    assert period_parse(year=2020, quarter=4, today=today) == Period(
        date(2020, 10, 1), date(2020, 12, 31)
    )
    with pytest.raises(InvalidInput):
        period_parse(year=2030, today=today)
