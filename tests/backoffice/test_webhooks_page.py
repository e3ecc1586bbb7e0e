"""The agency admin's webhook pages: register with events (the secret shown once),
turn off and on, remove, read the delivery log and send a delivery again; nobody
else has the pages, and another agency's webhook is a 404 by URL."""

import pytest
from django.test import Client

from aduan.integrations import webhooks
from aduan.integrations.models import Delivery, Webhook
from aduan.reports import services
from aduan.reports.models import Report
from tests.backoffice.conftest import StaffClient, client_of
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db

PAGE = "/kantor/integrasi/webhook"


@pytest.fixture
def admin(cast: Cast, staff_client: StaffClient) -> Client:
    return client_of(staff_client, cast.agency_admin)


def test_a_new_webhook_shows_its_secret_once(admin: Client) -> None:
    response = admin.post(
        PAGE, {"url": "http://127.0.0.1:9/aduan", "events": ["report.dispositioned"]}
    )
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    webhook = Webhook.objects.get()
    assert secret.startswith("whsec_") and secret == webhook.secret
    assert webhook.events == ["report.dispositioned"]
    page = admin.get(PAGE).content.decode()
    assert secret not in page and "http://127.0.0.1:9/aduan" in page


def test_a_bad_address_is_explained_next_to_it(admin: Client, settings: object) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False  # type: ignore[attr-defined]
    response = admin.post(PAGE, {"url": "http://127.0.0.1/x", "events": ["report.closed"]})
    assert response.status_code == 400 and "https://" in response.content.decode()
    assert not Webhook.objects.exists()
    response = admin.post(PAGE, {"url": "https://example.org/x", "events": ["nope"]})
    assert response.status_code == 400


def test_switch_remove_log_and_replay(cast: Cast, admin: Client, make_report: MakeReport) -> None:
    made = webhooks.webhook_create(
        actor=cast.agency_admin, url="http://127.0.0.1:9/x", events=["report.dispositioned"]
    )
    report: Report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    webhooks.webhook_deliver(webhook_id=made.webhook.pk)  # nothing listens on port 9
    delivery = Delivery.objects.get()
    log = admin.get(f"{PAGE}/{made.webhook.pk}")
    assert log.status_code == 200
    html = log.content.decode()
    assert report.tracking_number in html and delivery.message_id in html
    assert "URLError" in html or "ConnectionRefused" in html

    delivery.status = Delivery.Status.FAILED
    delivery.save()
    response = admin.post(f"{PAGE}/{made.webhook.pk}/kirim/{delivery.pk}/ulang")
    assert response.status_code == 302 and Delivery.objects.count() == 2

    assert admin.post(f"{PAGE}/{made.webhook.pk}/saklar").status_code == 302
    assert not Webhook.objects.get().is_active
    assert admin.post(f"{PAGE}/{made.webhook.pk}/hapus").status_code == 302
    assert not Webhook.objects.exists()


def test_nobody_else_manages_webhooks(cast: Cast, staff_client: StaffClient) -> None:
    made = webhooks.webhook_create(
        actor=cast.agency_admin, url="http://127.0.0.1:9/x", events=["report.closed"]
    )
    for actor in (cast.liaison, cast.national, cast.supervisor):
        client = client_of(staff_client, actor)
        assert client.get(PAGE).status_code == 404
        assert client.post(f"{PAGE}/{made.webhook.pk}/hapus").status_code == 404
    other = client_of(staff_client, cast.other_agency_admin)
    assert other.get(PAGE).status_code == 200
    for path in ("", "/saklar", "/hapus"):
        method = other.get if not path else other.post
        assert method(f"{PAGE}/{made.webhook.pk}{path}").status_code == 404
    assert Webhook.objects.get().is_active
