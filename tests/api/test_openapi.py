from django.test import Client


def test_the_schema_lists_the_reference_endpoints(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/agencies",
        "/api/v1/agencies/{agency_id}",
        "/api/v1/categories",
    ):
        assert path in schema["paths"], path


def test_the_docs_load_nothing_from_outside(api: Client) -> None:
    response = api.get("/api/v1/docs", headers={"accept": "text/html"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html and "https://" not in html
