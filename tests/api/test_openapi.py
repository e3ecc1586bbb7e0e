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


def test_every_operation_lists_the_problems_it_answers_with(api: Client) -> None:
    """Found by Schemathesis: 4xx answers the schema did not list."""
    schema = api.get("/api/v1/openapi.json").json()
    assert "Problem" in schema["components"]["schemas"]
    paths = schema["paths"]
    problem = "application/problem+json"

    def statuses(path: str, method: str) -> set[str]:
        return set(paths[path][method]["responses"])

    assert {"400"} <= statuses("/api/v1/regions", "get")
    assert {"400", "404"} <= statuses("/api/v1/regions/{code}", "get")
    assert {"400", "401", "403", "409", "413", "415", "422", "429"} <= statuses(
        "/api/v1/reports", "post"
    )
    assert {"401", "403", "429", "422"} <= statuses("/api/v1/auth/token", "post")
    assert {"403", "409", "429"} <= statuses("/api/v1/reports/{tracking_number}/support", "post")
    assert {"403", "409"} <= statuses("/api/v1/reports/{tracking_number}/confirm", "post")
    assert problem in paths["/api/v1/reports"]["post"]["responses"]["429"]["content"]
    # The token is optional on a report's page: anonymous callers are documented.
    assert {} in paths["/api/v1/reports/{tracking_number}"]["get"]["security"]


def test_a_nul_in_a_name_search_is_refused_not_a_crash(api: Client) -> None:
    """Found by Schemathesis on PostgreSQL: a NUL in ?q= was a 500."""
    for path in ("/api/v1/regions", "/api/v1/agencies"):
        response = api.get(path, {"q": "Ci\x00rebon"})
        assert response.status_code == 400, path
        assert response.json()["code"] == "validation_failed"


def test_the_region_filters_document_the_code_shape(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    (parent,) = [
        p for p in schema["paths"]["/api/v1/regions"]["get"]["parameters"] if p["name"] == "parent"
    ]
    assert "pattern" in parent["schema"]
    assert api.get("/api/v1/regions/0").status_code == 400
    assert api.get("/api/v1/regions/32.74").status_code == 200
    assert api.get("/api/v1/regions/3274").status_code == 200
