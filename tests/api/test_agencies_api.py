import pytest
from django.test import Client

from aduan.agencies.models import Agency


def test_region_32_74_lists_kota_cirebon_with_units_and_supervisor(api: Client) -> None:
    body = api.get("/api/v1/agencies", {"region": "32.74"}).json()
    names = [item["name"] for item in body["items"]]
    assert "Pemerintah Kota Cirebon" in names
    kota = next(item for item in body["items"] if item["name"] == "Pemerintah Kota Cirebon")
    assert kota["kind"] == "city" and kota["region"] == "32.74"
    assert kota["supervisor"]["name"] == "Pemerintah Provinsi Jawa Barat"
    units = {unit["code"]: unit for unit in kota["units"]}
    assert units["pupr"]["short_name"] == "Dinas PUPR Kota Cirebon"
    assert "disdukcapil" in units


def test_a_province_region_includes_its_regencies_and_cities(api: Client) -> None:
    body = api.get("/api/v1/agencies", {"region": "32", "page_size": "100"}).json()
    assert body["count"] == 28  # the province and its 27 regencies and cities


def test_kind_and_name_filters(api: Client) -> None:
    body = api.get("/api/v1/agencies", {"kind": "state_company", "q": "PLN"}).json()
    assert [item["code"] for item in body["items"]] == ["pln"]
    body = api.get("/api/v1/agencies", {"kind": "province"}).json()
    assert body["count"] == 38


def test_one_agency_by_id(api: Client) -> None:
    kota = Agency.objects.get(code="pemda-32-74")
    body = api.get(f"/api/v1/agencies/{kota.id}").json()
    assert body["code"] == "pemda-32-74" and body["supervisor"]["code"] == "pemda-32"


@pytest.mark.parametrize("agency_id", ["999999999", "99999999999999999999999", "0", "abc"])
def test_an_unknown_or_malformed_id_is_a_4xx_problem(api: Client, agency_id: str) -> None:
    response = api.get(f"/api/v1/agencies/{agency_id}")
    assert response.status_code in (400, 404)
    assert response["content-type"] == "application/problem+json"


def test_an_inactive_agency_is_hidden(api: Client) -> None:
    Agency.objects.filter(code="pln").update(is_active=False)
    assert api.get("/api/v1/agencies", {"q": "PLN", "kind": "state_company"}).json()["count"] == 0


def test_the_agency_list_runs_a_fixed_number_of_queries(
    api: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        body = api.get("/api/v1/agencies", {"region": "32", "page_size": "100"}).json()
    assert len(body["items"]) == 28
