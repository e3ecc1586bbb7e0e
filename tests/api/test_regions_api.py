from typing import Any

import pytest
from django.test import Client


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code and body["title"]
    return body


@pytest.mark.parametrize(
    ("level", "count"),
    [("province", 38), ("regency", 514), ("district", 7285), ("village", 83762)],
)
def test_it_counts_every_level(api: Client, level: str, count: int) -> None:
    body = api.get("/api/v1/regions", {"level": level}).json()
    assert body["count"] == count


def test_kota_cirebon_is_in_jawa_barat_on_wib(api: Client) -> None:
    body = api.get("/api/v1/regions/32.74").json()
    assert body["name"] == "Kota Cirebon"
    assert body["kind"] == "kota" and body["level"] == "regency"
    assert body["time_zone"] == "WIB"
    assert body["ancestors"] == [{"code": "32", "name": "Jawa Barat", "level": "province"}]


def test_an_undotted_code_means_the_same_region(api: Client) -> None:
    assert api.get("/api/v1/regions/3274").json()["code"] == "32.74"


def test_a_village_shows_its_whole_chain(api: Client) -> None:
    village = api.get("/api/v1/regions", {"parent": "32.74.01"}).json()["items"][0]
    body = api.get(f"/api/v1/regions/{village['code']}").json()
    assert [a["code"] for a in body["ancestors"]] == ["32", "32.74", "32.74.01"]
    assert body["level"] == "village"


def test_children_come_in_code_order_and_pages_walk_them_all(api: Client) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, str | int] = {"parent": "32", "page_size": 10}
        if cursor:
            params["cursor"] = cursor
        body = api.get("/api/v1/regions", params).json()
        assert body["count"] == 27  # Jawa Barat: 18 regencies, 9 cities
        seen += [item["code"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 27 and seen == sorted(seen) and len(set(seen)) == 27


def test_name_search(api: Client) -> None:
    body = api.get("/api/v1/regions", {"q": "cirebon", "level": "regency"}).json()
    assert {item["name"] for item in body["items"]} == {"Kabupaten Cirebon", "Kota Cirebon"}


@pytest.mark.parametrize("code", ["32.7", "abc", "32.74.01.1", "3.2", "32..74", "٣٢"])
def test_a_malformed_code_is_a_bad_request(api: Client, code: str) -> None:
    body = _problem(api.get(f"/api/v1/regions/{code}"), 400, "invalid_region_code")
    assert body["errors"][0]["field"] == "code"


def test_a_malformed_parent_is_a_bad_request(api: Client) -> None:
    body = _problem(api.get("/api/v1/regions", {"parent": "x"}), 400, "invalid_region_code")
    assert body["errors"][0]["field"] == "parent"


def test_an_unknown_code_is_not_found(api: Client) -> None:
    _problem(api.get("/api/v1/regions/32.99"), 404, "region_not_found")


def test_an_unknown_level_is_a_bad_request(api: Client) -> None:
    _problem(api.get("/api/v1/regions", {"level": "planet"}), 400, "validation_failed")


@pytest.mark.parametrize("size", [0, 201, -1, "many"])
def test_a_page_size_outside_the_limits_is_a_bad_request(api: Client, size: str | int) -> None:
    body = _problem(api.get("/api/v1/regions", {"page_size": size}), 400, "validation_failed")
    assert body["errors"][0]["field"] == "page_size"


@pytest.mark.parametrize("cursor", ["!!!", "////", "zz"])
def test_a_forged_cursor_is_a_bad_request(api: Client, cursor: str) -> None:
    response = api.get("/api/v1/regions", {"cursor": cursor, "level": "province"})
    # Any string decodes to *some* key; a bad one is refused, a harmless one pages on.
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        _problem(response, 400, "invalid_cursor")


def test_errors_speak_english_when_asked(api: Client) -> None:
    response = api.get("/api/v1/regions/32.99", headers={"accept-language": "en"})
    assert response.json()["title"] == "Region 32.99 does not exist."
    response = api.get("/api/v1/regions/32.99")
    assert response.json()["title"] == "Wilayah 32.99 tidak ada."


def test_an_unknown_api_path_is_a_json_404(api: Client) -> None:
    _problem(api.get("/api/v1/nothing-here"), 404, "not_found")
