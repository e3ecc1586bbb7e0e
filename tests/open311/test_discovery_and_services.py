from aduan.categories.models import Category
from tests.open311.conftest import Fetch


def test_it_describes_the_endpoint_in_both_formats(fetch: Fetch) -> None:
    answer = fetch("/open311/discovery.{fmt}")
    assert answer.status == 200
    assert set(answer.data) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = answer.data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] in ("production", "test")


def test_it_lists_one_service_per_leaf_category(fetch: Fetch) -> None:
    answer = fetch("/open311/v2/services.{fmt}")
    assert answer.status == 200
    codes = [service["service_code"] for service in answer.data]
    leaves = Category.objects.filter(is_active=True, children__isnull=True)
    assert sorted(codes) == sorted(leaves.values_list("code", flat=True))
    road = next(
        service for service in answer.data if service["service_code"] == "infrastruktur.jalan"
    )
    category = Category.objects.select_related("parent").get(code="infrastruktur.jalan")
    assert road["service_name"] == category.name
    assert category.parent is not None and road["group"] == category.parent.name
    assert road["metadata"] is True
    assert road["type"] == "realtime"
    assert category.name in road["keywords"]
    assert list(road) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]


def test_it_names_services_in_the_requested_language(fetch: Fetch) -> None:
    answer = fetch("/open311/v2/services.{fmt}", headers={"accept-language": "en"})
    category = Category.objects.select_related("parent").get(code="infrastruktur.jalan")
    road = next(service for service in answer.data if service["service_code"] == category.code)
    assert road["service_name"] == category.name_en
    assert category.parent is not None and road["group"] == category.parent.name_en


def test_it_defines_a_service_with_its_attributes(fetch: Fetch) -> None:
    answer = fetch("/open311/v2/services/infrastruktur.jalan.{fmt}")
    assert answer.status == 200
    assert answer.data["service_code"] == "infrastruktur.jalan"
    attributes = {attribute["code"]: attribute for attribute in answer.data["attributes"]}
    assert set(attributes) == {"report_type", "anonymous", "confidential", "region"}
    report_type = attributes["report_type"]
    assert report_type["datatype"] == "singlevaluelist"
    assert [value["key"] for value in report_type["values"]] == [
        "complaint",
        "aspiration",
        "information_request",
    ]
    assert [value["key"] for value in attributes["confidential"]["values"]] == ["true", "false"]
    # Optional: without it the region is the village nearest to lat/long.
    assert attributes["region"]["required"] is False
    assert "lat" in attributes["region"]["description"]
    assert [attribute["order"] for attribute in answer.data["attributes"]] == [1, 2, 3, 4]
    assert all(attribute["variable"] is True for attribute in answer.data["attributes"])


def test_an_unknown_service_is_a_404_in_the_error_format(fetch: Fetch) -> None:
    answer = fetch("/open311/v2/services/tidak.ada.{fmt}")
    assert answer.status == 404
    assert [error["code"] for error in answer.data] == [404]
    assert answer.data[0]["description"]


def test_an_unknown_path_is_a_404_in_the_error_format(fetch: Fetch) -> None:
    answer = fetch("/open311/v2/nothing.{fmt}")
    assert answer.status == 404
    assert answer.data[0]["code"] == 404
