"""The citizen API finds a report's region from its point when none is sent."""

from django.test import Client

from aduan.reports.models import Report
from tests.api.conftest import Tokens, call
from tests.api.test_reports_api import NEW


def _send(api: Client, tokens: Tokens, **change: object) -> Report:
    body = {key: value for key, value in {**NEW, **change}.items() if value is not None}
    response = call(api, "post", "/api/v1/reports", tokens.owner, json=body)
    assert response.status_code == 201, response.content
    return Report.objects.get(tracking_number=response.json()["tracking_number"])


def test_without_a_region_the_region_is_the_village_nearest_to_the_point(
    api: Client, tokens: Tokens
) -> None:
    # The Balai Kota of Cirebon, in Kecamatan Kejaksan.
    report = _send(api, tokens, region=None, latitude=-6.7063, longitude=108.5570)
    assert report.region is not None and report.region.level == "village"
    assert str(report.region_id).startswith("32.74.01.")


def test_a_region_sent_wins_over_the_point(api: Client, tokens: Tokens) -> None:
    report = _send(api, tokens, region="32.09", latitude=-6.7063, longitude=108.5570)
    assert report.region_id == "32.09"


def test_a_point_far_from_every_village_leaves_the_region_empty(
    api: Client, tokens: Tokens
) -> None:
    # The Banda Sea: kept as sent, as before; the verifier sets the region.
    report = _send(api, tokens, region=None, latitude=-6.0, longitude=127.0)
    assert report.region_id is None and report.latitude == -6.0
