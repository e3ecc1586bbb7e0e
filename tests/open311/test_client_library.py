"""Third-party Open311 GeoReport v2 clients from PyPI, used as they are, against the
app served on a free loopback port (pytest-django's live server):

- civicbot's ``Open311Client`` (JSON; the one Python 3 client on PyPI that can
  send a service request) discovers nothing itself, so the discovery document is
  read with its own transport and the endpoint it names is the one the client uses;
  it lists and defines services, checks a POST against the definition it fetched,
  sends it, and reads requests back by id, by filters and by token.
- georeport's ``GeoReport`` (read-only) reads services and requests in both JSON
  and XML, the XML parsed by xmltodict as any client would.

Nothing here reaches past the libraries' public calls."""

from datetime import timedelta
from typing import Any

import pytest
from civicbot import Endpoint, HttpTransport, Open311Client
from civicbot.http import RateLimiter
from django.utils import timezone
from georeport import GeoReport

from aduan.open311.models import Open311Client as ClientApp
from aduan.open311.selectors import request_token
from aduan.open311.services import open311_key_hash
from aduan.open311.views import SPECIFICATION
from aduan.reports import services
from aduan.reports.models import Channel, Report
from tests.reports.conftest import Cast

KEY = "kunci-aplikasi-warga"
ROAD = "infrastruktur.jalan"

pytestmark = pytest.mark.django_db(transaction=True)


def _window() -> dict[str, str]:
    now = timezone.now()
    return {
        "start_date": (now - timedelta(days=1)).isoformat(timespec="seconds"),
        "end_date": (now + timedelta(minutes=5)).isoformat(timespec="seconds"),
    }


@pytest.fixture
def endpoint(live_server: Any, settings: Any) -> str:
    """The GeoReport v2 endpoint as the discovery document names it."""
    settings.SITE_URL = live_server.url
    ClientApp.objects.create(name="Aplikasi warga", key_hash=open311_key_hash(KEY))
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    discovery = transport.get_json(f"{live_server.url}/open311/discovery.json")
    (found,) = [item for item in discovery["endpoints"] if item["specification"] == SPECIFICATION]
    assert "application/json" in found["formats"] and "text/xml" in found["formats"]
    assert found["url"] == f"{live_server.url}/open311/v2"
    return str(found["url"])


def test_third_party_clients_work_unchanged(endpoint: str, cast: Cast) -> None:
    """civicbot sends a request and reads it back, then georeport reads it."""
    number = _civicbot_sends_and_reads_back(endpoint, cast)
    _georeport_reads_json_and_xml(endpoint, number)


def _civicbot_sends_and_reads_back(endpoint: str, cast: Cast) -> str:
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    client = Open311Client(
        Endpoint(id="aduan", name="aduan", base_url=endpoint, write=True), transport=transport
    )

    road = next(s for s in client.list_services() if s["service_code"] == ROAD)
    assert road["metadata"] is True and road["type"] == "realtime"
    definition = client.get_service_definition(ROAD)
    assert {a["code"] for a in definition["attributes"]} >= {"report_type", "region"}

    # validate_remote: the library checks the form against the services and the
    # definition it fetched before it sends anything.
    sent = client.create_request(
        ROAD,
        dry_run=False,
        confirm="SEND",
        api_key=KEY,
        validate_remote=True,
        lat=-6.7063,
        lng=108.5570,
        address_string="Jl. Siliwangi, Kota Cirebon",
        description="Lubang besar di depan Balai Kota.",
        email="warga@example.org",
        first_name="Dewi",
        last_name="Lestari",
        attributes={"report_type": "complaint"},
    )
    (answer,) = sent.response
    number = answer["service_request_id"]
    report = Report.objects.get(tracking_number=number)
    assert report.channel == Channel.OPEN311 and str(report.region_id).startswith("32.74.01.")

    # Not public until verified: the client follows its status, nothing of its content.
    status_only = client.get_request(number)
    assert status_only is not None
    assert (status_only["service_request_id"], status_only["status"]) == (number, "open")
    assert status_only["service_code"] == ROAD
    assert status_only["description"] is None and status_only["lat"] is None
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)

    read = client.get_request(number)
    assert read is not None
    assert (read["service_request_id"], read["status"], read["service_code"]) == (
        number,
        "open",
        ROAD,
    )
    assert (read["lat"], read["long"]) == (-6.7063, 108.557)
    assert read["agency_responsible"] == cast.kota.name

    window = _window()
    listed = client.list_requests(service_code=ROAD, status="open", **window)
    assert [item["service_request_id"] for item in listed] == [number]
    assert client.list_requests(service_code=ROAD, status="closed", **window) == []
    assert client.list_requests(service_request_ids=[number])[0]["service_request_id"] == number
    assert client.list_requests(page_size=1)[0]["service_request_id"] == number

    token = request_token(report)
    assert client.get_token(token) == [{"service_request_id": number, "token": token}]
    return str(number)


def _georeport_reads_json_and_xml(endpoint: str, number: str) -> None:
    for fmt in ("json", "xml"):
        client = GeoReport(endpoint, api_key=KEY, output_format=fmt)

        codes = [service["service_code"] for service in client.get_service_list()]
        assert ROAD in codes, fmt

        definition = client.get_service_definition(ROAD)
        attributes = definition["attributes"]
        if fmt == "xml":  # xmltodict: a list is its repeated element
            attributes = attributes["attribute"]
        assert {attribute["code"] for attribute in attributes} >= {"report_type", "region"}

        found = client.get_service_requests(service_code=ROAD, status="open", **_window())
        items = found if isinstance(found, list) else [found]  # xmltodict: one is no list
        assert [item["service_request_id"] for item in items] == [number], fmt

        one = client.get_service_request(number)
        assert one["service_request_id"] == number and one["status"] == "open", fmt
        assert one["address"].startswith("Jl. Siliwangi, Kota Cirebon"), fmt
