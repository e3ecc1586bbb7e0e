"""The agency admin's page of API keys: the secret in the answer once, never again;
rotation and revocation; nobody else has the page, and another agency's key is a
404 by URL."""

import pytest
from django.test import Client

from aduan.integrations import services
from aduan.integrations.models import ApiKey, Scope
from tests.backoffice.conftest import StaffClient, client_of
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(cast: Cast, staff_client: StaffClient) -> Client:
    return client_of(staff_client, cast.agency_admin)


def test_a_new_key_is_shown_once(admin: Client) -> None:
    response = admin.post(
        "/kantor/integrasi", {"name": "SP4N Kota", "scopes": [Scope.REPORTS_READ]}
    )
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    html = response.content.decode()
    key = ApiKey.objects.get()
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("adk_") and services.api_key_authenticate(secret) is not None
    page = admin.get("/kantor/integrasi").content.decode()
    assert secret not in page and key.prefix in page and "SP4N Kota" in page


def test_bad_input_is_explained(admin: Client) -> None:
    response = admin.post("/kantor/integrasi", {"name": "", "scopes": ["admin:all"]})
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_rotate_and_revoke(cast: Cast, admin: Client) -> None:
    issued = services.api_key_issue(
        actor=cast.agency_admin, name="SP4N", scopes=[Scope.REPORTS_READ]
    )
    response = admin.post(f"/kantor/integrasi/{issued.key.pk}/ganti")
    assert response.status_code == 200 and '<code class="secret">' in response.content.decode()
    assert ApiKey.objects.count() == 2
    response = admin.post(f"/kantor/integrasi/{issued.key.pk}/cabut")
    assert response.status_code == 302
    assert services.api_key_authenticate(issued.secret) is None


def test_nobody_else_manages_keys(cast: Cast, staff_client: StaffClient) -> None:
    issued = services.api_key_issue(
        actor=cast.agency_admin, name="SP4N", scopes=[Scope.REPORTS_READ]
    )
    for actor in (cast.liaison, cast.national, cast.supervisor):
        client = client_of(staff_client, actor)
        assert client.get("/kantor/integrasi").status_code == 404
        assert client.post(f"/kantor/integrasi/{issued.key.pk}/cabut").status_code == 404
    other = client_of(staff_client, cast.other_agency_admin)
    assert other.get("/kantor/integrasi").status_code == 200
    assert issued.key.prefix not in other.get("/kantor/integrasi").content.decode()
    assert other.post(f"/kantor/integrasi/{issued.key.pk}/cabut").status_code == 404
    assert other.post(f"/kantor/integrasi/{issued.key.pk}/ganti").status_code == 404
    assert services.api_key_authenticate(issued.secret) is not None
    assert Client().get("/kantor/integrasi").status_code == 302
