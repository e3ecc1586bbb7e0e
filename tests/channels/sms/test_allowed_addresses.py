"""The Kannel endpoints' allow-list compares the client's address (by the one rule of
aduan.lib.clientaddress), never a reverse proxy's: a proxy on the same host as
aduan must not pass an allow-list of loopback for a client elsewhere."""

from typing import Any

import pytest
from django.test import Client

from aduan.reports.models import Report

pytestmark = pytest.mark.django_db

PARAMS = {"from": "+628123456789", "to": "1708", "text": "LAPOR jalan rusak"}
OUTSIDE = "203.0.113.5"


@pytest.fixture(autouse=True)
def _gateway(settings: Any) -> None:
    settings.SMS_SECRET = "kannel-s3cret"
    settings.SMS_ALLOWED_IPS = ["127.0.0.1"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def _inbound(remote: str, forwarded: str | None = None) -> int:
    meta: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    response = Client(**meta).get("/channels/sms/kannel", PARAMS)
    return int(response.status_code)


def test_a_client_elsewhere_through_a_proxy_on_this_host_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert _inbound("127.0.0.1", OUTSIDE) == 403
    # The client cannot prepend loopback either: the proxy appends what it saw.
    assert _inbound("127.0.0.1", f"127.0.0.1, {OUTSIDE}") == 403
    assert Report.objects.count() == 0
    # The log names the client, not the proxy.
    assert f"sms: refused a request from {OUTSIDE}" in caplog.text


def test_the_delivery_report_endpoint_keeps_the_same_rule() -> None:
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    response = client.get("/channels/sms/kannel/dlr", {"message": "1", "status": "1"})
    assert response.status_code == 403


def test_kannel_on_this_host_calling_directly_is_allowed() -> None:
    assert _inbound("127.0.0.1") == 200
    assert Report.objects.count() == 1


def test_the_gateway_through_the_proxy_is_allowed_by_its_own_address(settings: Any) -> None:
    settings.SMS_ALLOWED_IPS = ["10.20.0.0/24"]
    assert _inbound("127.0.0.1", "10.20.0.7") == 200
    assert _inbound("127.0.0.1", "10.20.1.7") == 403


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    assert _inbound(OUTSIDE, "127.0.0.1") == 403
    # Behind an unconfigured proxy everything has the proxy's address: loopback
    # passes, as the operator listed it (docs/proxies.md says to list the proxy).
    assert _inbound("127.0.0.1", OUTSIDE) == 200


def test_the_secret_still_lets_the_gateway_in_from_anywhere() -> None:
    params = {**PARAMS, "secret": "kannel-s3cret"}
    client = Client(REMOTE_ADDR=OUTSIDE)
    assert client.get("/channels/sms/kannel", params).status_code == 200
