from typing import Any

import pytest
from django.test import Client

from aduan.open311.models import Open311Client
from aduan.open311.services import (
    DEMO_KEY,
    open311_client_create,
    open311_demo_client_ensure,
    open311_key_hash,
)
from aduan.reporters.models import ChannelIdentity
from aduan.reporters.services import identity_hash
from aduan.reports.models import Channel, Report, State
from tests.open311.conftest import Fetch

KEY = "kunci-uji-open311"


@pytest.fixture
def client_key(db: None) -> str:
    Open311Client.objects.create(name="Aplikasi kota", key_hash=open311_key_hash(KEY))
    return KEY


def _form(key: str, **overrides: Any) -> dict[str, Any]:
    """The specification's example request, in aduan's terms."""
    form = {
        "api_key": key,
        "service_code": "infrastruktur.jalan",
        "lat": "-6.7063",
        "long": "108.5570",
        "address_string": "Jl. Siliwangi 12, Kota Cirebon",
        "email": "Warga.Kota@Example.org",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "Dewi",
        "last_name": "Lestari",
        "phone": "081234567890",
        "description": "Lubang besar di Jalan Siliwangi.\nSudah dua minggu.",
        "media_url": "https://example.org/foto/lubang.jpg",
        "attribute[report_type]": "complaint",
        "attribute[region]": "32.74.01",
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_creates_one_report_through_the_intake_service(
    post: Fetch, client_key: str, fmt: str
) -> None:
    answer = post(fmt, _form(client_key))
    assert answer.status == 200, answer.body
    (item,) = answer.data
    assert set(item) == {"service_request_id", "service_notice", "account_id"}
    assert item["account_id"] in (None, "")
    assert item["service_notice"]
    report = Report.objects.get()
    assert item["service_request_id"] == report.tracking_number
    assert report.channel == Channel.OPEN311
    assert report.state == State.SUBMITTED
    assert report.category is not None and report.category.code == "infrastruktur.jalan"
    assert report.region_id == "32.74.01"
    assert (report.latitude, report.longitude) == (-6.7063, 108.557)
    assert report.title == "Lubang besar di Jalan Siliwangi."
    assert "https://example.org/foto/lubang.jpg" in report.body
    assert not report.is_confidential and not report.is_anonymous
    identity = ChannelIdentity.objects.get(reporter=report.reporter)
    assert identity.kind == "email"
    assert identity.value_hash == identity_hash(kind="email", value="warga.kota@example.org")
    assert report.reporter.name == "Dewi Lestari"
    assert report.events.get().channel == Channel.OPEN311


def test_the_same_request_twice_makes_two_reports_of_one_reporter(
    post: Fetch, client_key: str
) -> None:
    first = post("json", _form(client_key))
    second = post("json", _form(client_key))
    assert first.status == second.status == 200
    assert first.data[0]["service_request_id"] != second.data[0]["service_request_id"]
    assert Report.objects.count() == 2
    assert Report.objects.values("reporter").distinct().count() == 1


def test_attributes_set_the_type_and_the_privacy_flags(post: Fetch, client_key: str) -> None:
    form = _form(
        client_key,
        **{
            "attribute[report_type]": "aspiration",
            "attribute[anonymous]": "true",
            "attribute[confidential][]": "true",
            "lat": None,
            "long": None,
            "email": None,
        },
    )
    assert post("xml", form).status == 200
    report = Report.objects.get()
    assert report.type == "aspiration"
    assert report.is_anonymous and report.is_confidential
    assert report.latitude is None and report.address.startswith("Jl. Siliwangi")
    assert ChannelIdentity.objects.get(reporter=report.reporter).kind == "phone"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_bad_key_is_a_403(post: Fetch, client_key: str, fmt: str) -> None:
    Open311Client.objects.create(
        name="Dicabut", key_hash=open311_key_hash("dicabut"), is_active=False
    )
    for key in ("", "salah", "dicabut"):
        answer = post(fmt, _form(key))
        assert answer.status == 403, key
        assert str(answer.data[0]["code"]) == "403" and answer.data[0]["description"]
    assert not Report.objects.exists()


def test_bad_requests_are_refused_in_the_error_format(
    post: Fetch, client_key: str, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "100/h"}
    cases: list[tuple[dict[str, Any], int]] = [
        ({"service_code": None}, 400),
        ({"service_code": "tidak.ada"}, 404),
        ({"lat": None, "long": None, "address_string": None}, 400),
        ({"long": None}, 400),
        ({"lat": "utara"}, 400),
        ({"lat": "95"}, 400),
        ({"email": None, "phone": None}, 400),
        ({"email": "bukan surel"}, 400),
        ({"description": None}, 400),
        ({"description": "x" * 4001}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"attribute[report_type]": "gugatan"}, 400),
        ({"attribute[warna]": "merah"}, 400),
        ({"attribute[region]": "99.99"}, 400),
        ({"attribute[anonymous][]": ["true", "false"]}, 400),
    ]
    for overrides, status in cases:
        for fmt in ("json", "xml"):
            answer = post(fmt, _form(client_key, **overrides))
            assert answer.status == status, (overrides, answer.body)
            assert str(answer.data[0]["code"]) == str(status)
            assert answer.data[0]["description"]
    assert not Report.objects.exists()


def test_a_new_report_is_not_public_until_verified(
    post: Fetch, fetch: Fetch, client_key: str
) -> None:
    number = post("json", _form(client_key)).data[0]["service_request_id"]
    # The client that filed it follows its status (tests/open311/test_follow.py).
    status_only = fetch(f"/open311/v2/requests/{number}.{{fmt}}")
    assert status_only.status == 200 and status_only.data[0]["description"] in (None, "")
    assert fetch("/open311/v2/requests.{fmt}").data == []


def test_get_only_endpoints_refuse_a_post(db: None) -> None:
    response = Client().post("/open311/v2/services.json", {})
    assert response.status_code == 405
    assert response.json()[0]["code"] == 405


def test_posts_are_rate_limited(post: Fetch, client_key: str, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "2/h"}
    statuses = [post("json", _form(client_key)).status for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_demo_client_exists_in_demo_mode_only(db: None, settings: Any) -> None:
    settings.DEMO_MODE = False
    assert open311_demo_client_ensure() is None
    settings.DEMO_MODE = True
    client = open311_demo_client_ensure()
    assert client is not None and open311_demo_client_ensure() == client
    assert client.key_hash == open311_key_hash(DEMO_KEY)
    assert DEMO_KEY not in client.key_hash


def test_a_created_key_is_stored_hashed(db: None) -> None:
    client, key = open311_client_create(name="Aplikasi")
    assert key not in client.key_hash and len(key) >= 32
    assert Open311Client.objects.get(key_hash=open311_key_hash(key)) == client


# -- the region from lat/long ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_a_region_the_region_is_the_village_nearest_to_the_point(
    post: Fetch, client_key: str, fmt: str
) -> None:
    # Balai Kota Cirebon, in Kecamatan Kejaksan.
    answer = post(fmt, _form(client_key, **{"attribute[region]": None}))
    assert answer.status == 200, answer.body
    report = Report.objects.get()
    assert report.region is not None and report.region.level == "village"
    assert str(report.region_id).startswith("32.74.01.")
    assert (report.latitude, report.longitude) == (-6.7063, 108.557)


def test_an_explicit_region_wins_over_the_point(post: Fetch, client_key: str) -> None:
    # A point in Kota Cirebon filed for Kabupaten Cirebon: the client knows better.
    assert post("json", _form(client_key, **{"attribute[region]": "32.09"})).status == 200
    assert Report.objects.get().region_id == "32.09"


def test_a_place_given_by_address_alone_has_no_region_until_verified(
    post: Fetch, client_key: str
) -> None:
    form = _form(client_key, lat=None, long=None, **{"attribute[region]": None})
    assert post("json", form).status == 200
    assert Report.objects.get().region_id is None


@pytest.mark.parametrize(
    "point",
    [
        ("48.8584", "2.2945"),  # Paris
        ("-6.0", "127.0"),  # the Banda Sea
        ("95", "108.5"),  # no latitude at all
    ],
)
def test_a_point_with_no_region_near_it_is_refused(
    post: Fetch, client_key: str, point: tuple[str, str]
) -> None:
    for fmt in ("json", "xml"):
        form = _form(client_key, lat=point[0], long=point[1], **{"attribute[region]": None})
        answer = post(fmt, form)
        assert answer.status == 400, answer.body
        (error,) = answer.data
        assert str(error["code"]) == "400"
        assert "attribute[region]" in error["description"]
    assert not Report.objects.exists()
